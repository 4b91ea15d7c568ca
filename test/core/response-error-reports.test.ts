import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { RESPONSE_CODECS } from '../../src/wire/codecs/actions.js'
import {
  ContextStatusFromString,
  EpochSeconds,
  pickContextStatusData,
  type ContextStatusData,
} from '../../src/wire/codecs/context-status.js'
import { decodeOrThrow, describeErrors, pathOf } from '../../src/wire/codecs/decode.js'
import { ApiError, DecodeError, HttpError, ThrottlingError, type Action } from '../../src/entries/index.js'
import { jsonResponse, task } from '../../src/testing/index.js'
import { decodeResponse, optional, parseRetryAfter } from '../../src/wire/decode-response.js'
import { thrown } from '../helpers/thrown.js'

// How a response becomes a typed error, with exact messages, paths and fields
// (src/wire/decode-response.ts, src/wire/codecs/decode.ts, src/wire/codecs/context-status.ts).

const decode = (action: Action, body: unknown, status = 200, retryAfter?: string) =>
  decodeResponse(action, RESPONSE_CODECS[action], jsonResponse(body, status, retryAfter))

/** The io-ts errors of decoding `value` with `codec`; fails when it decodes. */
function errorsOf(codec: t.Mixed, value: unknown): t.Errors {
  const result = codec.decode(value)
  if (result._tag === 'Right') throw new Error(`expected ${JSON.stringify(value)} to fail ${codec.name}`)
  return result.left
}

const decodeError = (fn: () => unknown): DecodeError => {
  const error = thrown(fn)
  expect(error).toBeInstanceOf(DecodeError)
  return error as DecodeError
}

describe('HTTP status decides first', () => {
  it('treats 400 as an HTTP error and 399 as an answer to decode', () => {
    expect(thrown(() => decode('DeleteContext', { Success: true }, 400))).toBeInstanceOf(HttpError)
    expect(decode('DeleteContext', { Success: true }, 399)).toEqual({ Success: true })
  })

  it('reports the status, code and message of an HTTP error, and no code or request id it did not get', () => {
    const bare = thrown(() => decode('GetContextInfo', {}, 503)) as HttpError
    expect(bare.message).toBe('GetContextInfo failed: HTTP 503')
    expect(bare.code).toBeUndefined()
    expect(bare.requestId).toBeUndefined()
    const withMessage = thrown(() => decode('GetContextInfo', { Message: 'try later' }, 503))
    expect(withMessage.message).toBe('GetContextInfo failed: HTTP 503 try later')
    const withCode = thrown(() => decode('GetContextInfo', { Code: 'Busy', RequestId: 'r-9' }, 500))
    expect(withCode).toMatchObject({ message: 'GetContextInfo failed: HTTP 500 [Busy] (requestId r-9)', code: 'Busy', requestId: 'r-9', httpStatus: 500, action: 'GetContextInfo' })
  })

  it('gives a 429 without a Retry-After header no retryAfterMs at all', () => {
    const error = thrown(() => decode('GetContextInfo', { Code: 'Throttling' }, 429)) as ThrottlingError
    expect(error).toBeInstanceOf(ThrottlingError)
    expect(error.retryAfterMs).toBeUndefined()
    expect(error.message).toBe('GetContextInfo failed: HTTP 429 [Throttling]')
  })

  it('classifies a 429 as throttling whatever the body says', () => {
    expect(thrown(() => decode('GetContextInfo', '<html>slow down</html>', 429, '1'))).toMatchObject({ kind: 'throttling', retryAfterMs: 1_000 })
  })
})

describe('Success=false (protocol §7.5)', () => {
  it('reports the code and message', () => {
    const error = thrown(() => decode('DeleteContext', { Success: false, Code: 'Context.NotFound', Message: 'no such context', RequestId: 'r-1' }))
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'Context.NotFound', requestId: 'r-1', httpStatus: 200 })
    expect(error.message).toBe('DeleteContext failed: [Context.NotFound] no such context (requestId r-1)')
  })

  it('says what happened when there is neither code nor message, or an empty message', () => {
    for (const body of [{ Success: false }, { Success: false, Message: '' }]) {
      const error = thrown(() => decode('DeleteContext', body)) as ApiError
      expect(error).toBeInstanceOf(ApiError)
      expect(error.message).toBe('DeleteContext failed: the service reported Success=false')
      expect(error.code).toBeUndefined()
      expect(error.requestId).toBeUndefined()
    }
  })
})

describe('decode failures', () => {
  it('name the action, status and request id of a body that does not match its action', () => {
    const error = decodeError(() => decode('GetContext', { Success: true, RequestId: 'r-7', Data: { Name: 'n' } }, 201))
    expect(error).toMatchObject({ action: 'GetContext', httpStatus: 201, requestId: 'r-7', path: 'Data.Id' })
    expect(error.message).toBe('GetContext failed: unexpected response body: expected string, got nothing at Data.Id (requestId r-7)')
  })

  it('carry no request id when the envelope itself is broken', () => {
    const error = decodeError(() => decode('DeleteContext', { Success: 'yes', RequestId: 'r-8' }))
    expect(error).toMatchObject({ action: 'DeleteContext', httpStatus: 200, path: 'Success' })
    expect(error.message).toBe('DeleteContext failed: unexpected response body: expected boolean, got "yes" at Success')
  })

  it('a body that is not JSON is reported as such, with the action and status', () => {
    const error = decodeError(() => decode('DeleteContext', '{"Success": tru', 200))
    expect(error.message).toBe('DeleteContext failed: response body is not JSON at <root>')
    expect(error).toMatchObject({ action: 'DeleteContext', httpStatus: 200, path: '', excerpt: '{"Success": tru' })
  })

  it('describe the value that was found, briefly', () => {
    const got = (value: unknown) => describeErrors(errorsOf(t.string, value)).reason
    expect(got(undefined)).toBe('expected string, got nothing')
    expect(got(null)).toBe('expected string, got null')
    expect(got([1])).toBe('expected string, got an array')
    expect(got({ a: 1 })).toBe('expected string, got an object')
    expect(got(42)).toBe('expected string, got number 42')
    expect(got(false)).toBe('expected string, got boolean false')
    const number = (value: unknown) => describeErrors(errorsOf(t.number, value)).reason
    expect(number('x'.repeat(24))).toBe(`expected number, got "${'x'.repeat(24)}"`)
    expect(number('x'.repeat(25))).toBe('expected number, got a string')
  })

  it('prefer a codec’s own message, and say "invalid value" when there is no error to read', () => {
    expect(describeErrors(errorsOf(EpochSeconds, 1.5))).toEqual({ path: '', reason: 'expected integer epoch seconds' })
    expect(describeErrors([])).toEqual({ path: '', reason: 'invalid value' })
    expect(describeErrors([{ value: 1, context: [] }])).toEqual({ path: '', reason: 'expected a valid value, got number 1' })
  })

  it('name the ContextStatus codec that failed: the whole list, an envelope item, or a task', () => {
    const status = (data: string) => ({ Success: true, Data: { ContextStatus: JSON.stringify([{ type: 'data', data }]) } })
    expect(decodeError(() => decode('GetContextInfo', status('[null]'))).message).toContain('expected ContextStatusData, got null')
    expect(decodeError(() => decode('GetContextInfo', status('{}'))).message).toContain('expected TaskListFromString, got an object')
    const notAList = { Success: true, Data: { ContextStatus: '{"type":"data"}' } }
    expect(decodeError(() => decode('GetContextInfo', notAList)).message).toContain('expected ContextStatusFromString, got an object')
    const notAnItem = { Success: true, Data: { ContextStatus: '[5]' } }
    expect(decodeError(() => decode('GetContextInfo', notAnItem)).message).toContain('expected ContextStatusEnvelopeItem, got number 5')
  })

  it('name object keys that contain digits as keys, and numeric keys as indexes', () => {
    const codec = t.type({ x1: t.type({ '2y': t.string }) })
    expect(decodeError(() => decodeOrThrow(codec, { x1: { '2y': 3 } })).path).toBe('x1.2y')
    // keys of a record are not array indexes, even when numeric
    const record = t.record(t.string, t.number)
    expect(decodeError(() => decodeOrThrow(record, { a: 1, 17: 'x' })).path).toBe('[17]')
    expect(decodeError(() => decodeOrThrow(record, { b: 'x' })).path).toBe('b')
  })

  it('skip the synthetic keys of intersections and unions', () => {
    const codec = t.type({ outer: t.intersection([t.type({ a: t.string }), t.type({ b: t.union([t.string, t.type({ c: t.number })]) })]) })
    expect(decodeError(() => decodeOrThrow(codec, { outer: { a: 'x', b: { c: 'no' } } })).path).toBe('outer.b')
    const context: t.Context = [
      { key: '', type: codec, actual: undefined },
      { key: 'outer', type: codec.props.outer, actual: undefined },
      { key: '1', type: codec.props.outer.types[1], actual: undefined },
      { key: 'b', type: codec.props.outer.types[1].props.b, actual: undefined },
      { key: '1', type: codec.props.outer.types[1].props.b.types[1], actual: undefined },
      { key: 'c', type: t.number, actual: undefined },
    ]
    expect(pathOf(context)).toBe('outer.b.c')
  })

  it('index the eleventh envelope item as [10]', () => {
    const items = Array.from({ length: 11 }, (_, index) => ({ type: 'data', data: index === 10 ? '{' : '[]' }))
    const body = { Success: true, Data: { ContextStatus: JSON.stringify(items) } }
    expect(decodeError(() => decode('GetContextInfo', body)).path).toBe('Data.ContextStatus[10].data')
  })
})

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('is absent when the header is blank', () => {
    expect(parseRetryAfter('   ', now)).toBeUndefined()
  })

  it('reads "0" as zero seconds whatever the clock says', () => {
    // "0" also parses as a date (the year 2000): make sure it is read as seconds first.
    expect(parseRetryAfter('0', 0)).toBe(0)
    expect(parseRetryAfter('2', 0)).toBe(2_000)
  })

  it('never yields a negative wait', () => {
    expect(parseRetryAfter('-5', now)).toBe(0)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000)
  })
})

describe('ContextStatus codec', () => {
  it('reads absent, null and empty as no tasks', () => {
    for (const value of [undefined, null, '']) expect(ContextStatusFromString.decode(value)).toEqual({ _tag: 'Right', right: [] })
  })

  it('encodes no tasks as "[]" and tasks as one data item, and decodes that back', () => {
    expect(ContextStatusFromString.encode([])).toBe('[]')
    const tasks = [task({ status: 'Success', finishTime: 1_700_000_010 }), task({ contextId: 'ctx-2' })]
    const encoded = ContextStatusFromString.encode(tasks)
    expect(JSON.parse(encoded)).toEqual([{ type: 'data', data: JSON.stringify(tasks) }])
    expect(ContextStatusFromString.decode(encoded)).toEqual({ _tag: 'Right', right: tasks })
  })

  it('recognises a decoded task list', () => {
    expect(ContextStatusFromString.is([task()])).toBe(true)
    expect(ContextStatusFromString.is([])).toBe(true)
    expect(ContextStatusFromString.is([{ ...task(), status: 1 }])).toBe(false)
    expect(ContextStatusFromString.is('[]')).toBe(false)
  })

  it('takes epoch seconds only as integers', () => {
    expect(EpochSeconds.is(1_700_000_000)).toBe(true)
    expect(EpochSeconds.is(1.5)).toBe(false)
    expect(EpochSeconds.is('1700000000')).toBe(false)
    expect(EpochSeconds.decode(7)).toEqual({ _tag: 'Right', right: 7 })
    expect(EpochSeconds.decode('7')._tag).toBe('Left')
    expect(EpochSeconds.encode(7)).toBe(7)
  })

  it('keeps exactly the seven wire fields of a task', () => {
    const withExtras = { ...task({ errorMessage: 'e', finishTime: 3 }), requestId: 'sync-1', extra: true } as ContextStatusData
    expect(pickContextStatusData(withExtras)).toEqual(task({ errorMessage: 'e', finishTime: 3 }))
    expect(Object.keys(pickContextStatusData(withExtras)).sort()).toEqual(
      ['contextId', 'errorMessage', 'finishTime', 'path', 'startTime', 'status', 'taskType'],
    )
  })
})

describe('optional', () => {
  it('adds the key only for a defined value', () => {
    expect(optional('code', 'x')).toEqual({ code: 'x' })
    expect(optional('code', '')).toEqual({ code: '' })
    expect(optional('code', undefined)).toEqual({})
    expect(Object.keys(optional('code', undefined))).toEqual([])
  })
})
