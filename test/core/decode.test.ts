import { firstValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import {
  AgentBay,
  AgentBayError,
  ApiError,
  DecodeError,
  HttpError,
  NetworkError,
  RequestTimeoutError,
  ThrottlingError,
  ValidationError,
  isAgentBayError,
  isApiError,
  isDecodeError,
  isHttpError,
  isNetworkError,
  isRequestTimeoutError,
  isThrottlingError,
  isValidationError,
} from '../../src/entries/index.js'
import {
  RESPONSE_CODECS,
  decodeContextStatus,
  decodeContextStatusData,
  type Action,
} from '../../src/entries/wire.js'
import { decodeResponse } from '../../src/wire/decode-response.js'
import { createFakeTransport, jsonResponse } from '../../src/testing/index.js'
import { thrown } from '../helpers/thrown.js'

const KEY = 'ak-decode-secret-77'

/** Decodes `body` (object → JSON text, string as is) as the answer to `action`. */
const decode = <A extends Action>(action: A, body: unknown, status = 200, retryAfter?: string) =>
  decodeResponse(action, RESPONSE_CODECS[action], jsonResponse(body, status, retryAfter))

// protocol §4, the decoded example (typescript/tests/unit/context-manager.test.ts)
const EXAMPLE_TASKS = [
  { contextId: 'ctx-123', path: '/home/user', errorMessage: '', status: 'Success', startTime: 1600000000, finishTime: 1600000100, taskType: 'download' },
  { contextId: 'ctx-456', path: '/home/user/docs', errorMessage: '', status: 'Success', startTime: 1600000200, finishTime: 1600000300, taskType: 'upload' },
]
const contextStatus = (...envelopes: unknown[]): string => JSON.stringify(envelopes)
const dataItem = (tasks: unknown): { type: string; data: string } => ({ type: 'data', data: JSON.stringify(tasks) })
const infoBody = (status: unknown): Record<string, unknown> => ({
  RequestId: 'info-1',
  Success: true,
  Code: 'ok',
  HttpStatusCode: 200,
  Data: { ContextStatus: status },
})

// ---- envelope and the two failure channels (protocol §2) -----------------------------------------

describe('the envelope (protocol §2.1)', () => {
  it('decodes the success example of an envelope-only action', () => {
    const body = { Code: 'ok', HttpStatusCode: 200, RequestId: '557DCB66-03AA-1907-AFBC-4B62939AC4A9', Success: true }
    expect(decode('DeleteContext', body)).toEqual(body)
  })

  it('turns the business-error example (HTTP 200, Success false) into an ApiError with code and requestId', () => {
    const error = thrown(() => decode('ModifyContext', { Success: false, Code: 'ErrorCode', Message: 'Error message', RequestId: 'request-123' }))
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      name: 'ApiError',
      kind: 'api',
      code: 'ErrorCode',
      requestId: 'request-123',
      httpStatus: 200,
      action: 'ModifyContext',
      message: 'ModifyContext failed: [ErrorCode] Error message (requestId request-123)',
    })
  })

  it('treats Success false without a Code as an ApiError, not a success (protocol §7.5)', () => {
    const error = thrown(() => decode('DeleteSessionAsync', { Success: false, RequestId: 'r-1' }))
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBeUndefined()
    expect(error.message).toBe('DeleteSessionAsync failed: the service reported Success=false (requestId r-1)')
  })

  it('treats a missing Success as a DecodeError, not a success (protocol §7.5)', () => {
    const error = thrown(() => decode('DeleteContext', { Code: 'ok', RequestId: 'r-2' }))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: 'Success', httpStatus: 200, action: 'DeleteContext' })
  })

  it('rejects a Success that is not a JSON boolean (protocol §2.3)', () => {
    expect(thrown(() => decode('DeleteContext', { Success: 'true' }))).toBeInstanceOf(DecodeError)
    expect(thrown(() => decode('DeleteContext', { Success: 1 }))).toBeInstanceOf(DecodeError)
  })

  it('rejects JSON that is not an object', () => {
    for (const body of ['null', '[]', '42', '"ok"', 'true']) {
      expect(thrown(() => decode('DeleteContext', body))).toBeInstanceOf(DecodeError)
    }
  })

  it('turns a 2xx body that is not JSON into a DecodeError at the root, with a short excerpt', () => {
    const error = thrown(() => decode('GetContextInfo', '<html>gateway ok</html>'))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: '', excerpt: '<html>gateway ok</html>', httpStatus: 200 })
    expect(error.message).toContain('not JSON')
  })
})

describe('HTTP errors (protocol §2.2, channel 1)', () => {
  it('turns the 400 example into an HttpError with code, requestId and status', () => {
    const body = { RequestId: 'get-session-detail-request-id', Code: 'InvalidMcpSession.NotFound', Message: 'Session not found', Success: false, HttpStatusCode: 400 }
    const error = thrown(() => decode('GetSessionDetail', body, 400))
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({
      kind: 'http',
      code: 'InvalidMcpSession.NotFound',
      requestId: 'get-session-detail-request-id',
      httpStatus: 400,
      message: 'GetSessionDetail failed: HTTP 400 [InvalidMcpSession.NotFound] Session not found (requestId get-session-detail-request-id)',
    })
  })

  it('classifies an HTTP error before looking at Success, even when the body claims success', () => {
    expect(thrown(() => decode('GetContextInfo', { Success: true, Code: 'ok' }, 500))).toBeInstanceOf(HttpError)
  })

  it('turns a non-JSON error body into an HttpError without a code', () => {
    const error = thrown(() => decode('GetContextInfo', '<html>Bad Gateway</html>', 502))
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ httpStatus: 502, message: 'GetContextInfo failed: HTTP 502' })
    expect((error as HttpError).code).toBeUndefined()
  })

  it('ignores error-body fields of the wrong type instead of failing to classify', () => {
    const error = thrown(() => decode('GetContextInfo', { Code: 42, Message: ['x'] }, 500))
    expect(error).toBeInstanceOf(HttpError)
    expect(error.message).toBe('GetContextInfo failed: HTTP 500')
  })

  it('maps HTTP 429 and the Throttling codes to ThrottlingError with retryAfterMs', () => {
    const byStatus = thrown(() => decode('GetContextInfo', { Code: 'Whatever', RequestId: 'r-429' }, 429, '2'))
    expect(byStatus).toBeInstanceOf(ThrottlingError)
    expect(byStatus).toMatchObject({ kind: 'throttling', httpStatus: 429, requestId: 'r-429', retryAfterMs: 2_000 })
    for (const code of ['Throttling', 'Throttling.User', 'Throttling.Api']) {
      const error = thrown(() => decode('GetContextInfo', { Code: code, Message: 'slow down' }, 400))
      expect(error).toBeInstanceOf(ThrottlingError)
      expect(error).toMatchObject({ code, httpStatus: 400 })
      expect((error as ThrottlingError).retryAfterMs).toBeUndefined()
    }
  })

  it('does not treat a look-alike code as throttling', () => {
    expect(thrown(() => decode('GetContextInfo', { Code: 'throttling' }, 400))).not.toBeInstanceOf(ThrottlingError)
    expect(thrown(() => decode('GetContextInfo', { Code: 'Throttling.Other' }, 400))).not.toBeInstanceOf(ThrottlingError)
  })
})

// ---- per-action bodies (protocol §3) ------------------------------------------------------------

describe('action bodies (protocol §3)', () => {
  it('decodes the CreateMcpSession minimal body (§3.1)', () => {
    const body = { RequestId: 'r', Success: true, Code: 'ok', Data: { SessionId: 'session-xxxx', ResourceUrl: 'http://resource.url' } }
    expect(decode('CreateMcpSession', body).Data).toEqual({ SessionId: 'session-xxxx', ResourceUrl: 'http://resource.url' })
  })

  it('decodes GetSessionDetail with its extra numeric fields (§3.4)', () => {
    const body = { RequestId: 'r', Success: true, Code: 'ok', Data: { Status: 'FINISH', BizType: 1, Id: 7, IsDeleted: 1, ImageId: 'linux_latest' } }
    expect(decode('GetSessionDetail', body).Data.Status).toBe('FINISH')
  })

  it('decodes GetSession with lowercase contexts (§2.1, §3.5)', () => {
    const body = { RequestId: 'r', Success: true, Code: 'ok', Data: { SessionId: 's-1', Status: 'RUNNING', contexts: [{ id: 'c-1', name: 'n' }] } }
    expect(decode('GetSession', body).Data.contexts).toEqual([{ id: 'c-1', name: 'n' }])
  })

  it('decodes ListSession with paging (§3.6)', () => {
    const body = { RequestId: 'r', Success: true, Data: [{ SessionId: 's-1', SessionStatus: 'RUNNING' }], NextToken: 'tok', MaxResults: 10, TotalCount: 11 }
    const decoded = decode('ListSession', body)
    expect(decoded.Data).toEqual([{ SessionId: 's-1', SessionStatus: 'RUNNING' }])
    expect(decoded.NextToken).toBe('tok')
  })

  it('decodes the GetContext example (§3.7)', () => {
    const data = { Id: 'context-1', Name: 'my', State: 'available', CreateTime: '2025-05-29T12:00:00Z', LastUsedTime: '2025-05-29T12:30:00Z', OsType: 'linux' }
    const decoded = decode('GetContext', { RequestId: 'r-ctx', Success: true, Code: 'ok', HttpStatusCode: 200, Data: data })
    expect(decoded.Data).toEqual(data)
    expect(decoded.RequestId).toBe('r-ctx')
  })

  it('fails GetContext without Data.Id, naming the path', () => {
    const error = thrown(() => decode('GetContext', { Success: true, Data: { Name: 'x' } }))
    expect(error).toMatchObject({ name: 'DecodeError', path: 'Data.Id' })
  })

  it('decodes a ListContexts page with an empty NextToken on the last page (§3.8)', () => {
    const body = {
      RequestId: 'r',
      Success: true,
      Code: 'ok',
      Data: [
        { Id: 'SdkCtx-1', Name: 'a', State: 'available', CreateTime: '2025-05-29T12:00:00Z', LastUsedTime: '2025-05-29T12:30:00Z', OsType: 'linux' },
        { Id: 'SdkCtx-2', Name: 'b', State: 'in-use' },
      ],
      NextToken: '',
      MaxResults: 10,
      TotalCount: 2,
    }
    const decoded = decode('ListContexts', body)
    expect(decoded.Data.map((record) => record.Id)).toEqual(['SdkCtx-1', 'SdkCtx-2'])
    expect(decoded).toMatchObject({ NextToken: '', MaxResults: 10, TotalCount: 2 })
  })

  it('names the failing element of a list: Data[1].Id', () => {
    const error = thrown(() => decode('ListContexts', { Success: true, Data: [{ Id: 'a', Name: 'a' }, { Id: 5, Name: 'b' }] }))
    expect(error).toMatchObject({ name: 'DecodeError', path: 'Data[1].Id' })
  })

  it('rejects a count sent as a string (protocol §2.3)', () => {
    const error = thrown(() => decode('ListContexts', { Success: true, Data: [], TotalCount: '3' }))
    expect(error).toMatchObject({ name: 'DecodeError', path: 'TotalCount' })
  })

  it('decodes DescribeContextFiles and presigned URLs (§3.14, §3.15)', () => {
    const files = decode('DescribeContextFiles', {
      Success: true,
      Count: 1,
      Data: [{ FileId: 'f', FileName: 'a.txt', FilePath: '/a.txt', FileType: 'file', GmtCreate: 'x', GmtModified: 'y', Size: 3, Status: 'ok' }],
    })
    expect(files.Data[0]?.Size).toBe(3)
    expect(decode('GetContextFileUploadUrl', { Success: true, Data: { Url: 'http://u', ExpireTime: 3600 } }).Data.Url).toBe('http://u')
  })
})

// ---- GetContextInfo → ContextStatus (protocol §3.12, §4) -----------------------------------------

describe('GetContextInfo and the three ContextStatus layers (protocol §4)', () => {
  it('decodes the protocol example into its two tasks', () => {
    const decoded = decode('GetContextInfo', infoBody(contextStatus(dataItem(EXAMPLE_TASKS))))
    expect(decoded.Data?.ContextStatus).toEqual(EXAMPLE_TASKS)
    expect(decoded.RequestId).toBe('info-1')
  })

  it('reads the example end to end through session.context.info()', async () => {
    const fake = createFakeTransport()
    fake.respond('GetContextInfo', jsonResponse(infoBody(contextStatus(dataItem(EXAMPLE_TASKS)))))
    const agentBay = new AgentBay({ apiKey: KEY, env: {}, transport: fake.transport })
    await expect(firstValueFrom(agentBay.session('s-1').context.info())).resolves.toEqual({
      requestId: 'info-1',
      success: true,
      contextStatusData: EXAMPLE_TASKS,
    })
  })

  it.each([
    ['absent Data', { RequestId: 'r', Success: true, Code: 'ok' }],
    ['Data without ContextStatus', { RequestId: 'r', Success: true, Data: {} }],
    ['an empty ContextStatus', infoBody('')],
    ['a null ContextStatus', infoBody(null)],
    ['ContextStatus "[]"', infoBody('[]')],
    ['a data envelope with "[]"', infoBody(contextStatus(dataItem([])))],
  ])('reads %s as no tasks', (_label, body) => {
    expect(decode('GetContextInfo', body).Data?.ContextStatus ?? []).toEqual([])
  })

  it('ignores envelope items whose type is not "data", whatever their data holds', () => {
    const status = contextStatus(
      { type: 'log', data: 'uploading…' },
      dataItem([EXAMPLE_TASKS[0]]),
      { type: 'log', data: { level: 'info', text: 'not a string' } },
      { type: 'log' },
      { type: 'metrics', data: 42 },
    )
    expect(decode('GetContextInfo', infoBody(status)).Data?.ContextStatus).toEqual([EXAMPLE_TASKS[0]])
  })

  it('concatenates the tasks of every data envelope in order', () => {
    const status = contextStatus(dataItem([EXAMPLE_TASKS[1]]), { type: 'log', data: '' }, dataItem([EXAMPLE_TASKS[0]]))
    expect(decode('GetContextInfo', infoBody(status)).Data?.ContextStatus).toEqual([EXAMPLE_TASKS[1], EXAMPLE_TASKS[0]])
  })

  it('keeps every status and task type the protocol defines (§4)', () => {
    const tasks = ['Pending', 'Running', 'Success', 'Failed'].flatMap((status) =>
      ['upload', 'download'].map((taskType) => ({ ...EXAMPLE_TASKS[0], status, taskType })),
    )
    expect(decode('GetContextInfo', infoBody(contextStatus(dataItem(tasks)))).Data?.ContextStatus).toEqual(tasks)
  })

  // issue 9: these used to be dropped as "not a sync task" and the sync read "no tasks" as success.
  it.each([
    ['a capitalised taskType', { taskType: 'Upload' }, 'taskType', /expected one of "upload", "download", got "Upload"/],
    ['an unknown taskType', { taskType: 'custom' }, 'taskType', /got "custom"/],
    ['a lowercase status', { status: 'success' }, 'status', /expected one of "Pending", "Running", "Success", "Failed", got "success"/],
    ['an unknown status', { status: 'Done' }, 'status', /got "Done"/],
    ['an empty status', { status: '' }, 'status', /got ""/],
  ])('fails with a DecodeError naming the field for %s', (_label, change, field, message) => {
    const tasks = [EXAMPLE_TASKS[0], { ...EXAMPLE_TASKS[1], ...change }]
    const error = thrown(() => decode('GetContextInfo', infoBody(contextStatus(dataItem(tasks)))))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: `Data.ContextStatus[0].data[1].${field}` })
    expect(error.message).toMatch(message)
  })

  it('fails with a DecodeError at Data for a null Data (the protocol has no such form; issue 9)', () => {
    const error = thrown(() => decode('GetContextInfo', { RequestId: 'r', Success: true, Data: null }))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: 'Data' })
  })

  it('fails with the io-ts path of the bad field: Data.ContextStatus[0].data[1].status', () => {
    const tasks = [EXAMPLE_TASKS[0], { ...EXAMPLE_TASKS[1], status: 7 }]
    const error = thrown(() => decode('GetContextInfo', infoBody(contextStatus(dataItem(tasks)))))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: 'Data.ContextStatus[0].data[1].status', requestId: 'info-1', action: 'GetContextInfo', httpStatus: 200 })
    expect(error.message).toContain('Data.ContextStatus[0].data[1].status')
  })

  it('names the envelope index of the bad layer: Data.ContextStatus[2].data', () => {
    const status = contextStatus(dataItem([]), { type: 'log', data: 'x' }, { type: 'data', data: 'not json' })
    expect(thrown(() => decode('GetContextInfo', infoBody(status)))).toMatchObject({ path: 'Data.ContextStatus[2].data' })
  })

  it.each([
    ['layer 1 is not JSON', 'not json', 'Data.ContextStatus'],
    ['layer 1 is a JSON object, not an array', '{"type":"data"}', 'Data.ContextStatus'],
    ['layer 1 is an embedded array, not a string (protocol §2.3)', [dataItem(EXAMPLE_TASKS)], 'Data.ContextStatus'],
    ['an envelope item has no type', contextStatus({ data: '[]' }), 'Data.ContextStatus[0].type'],
    ['layer 3 is not JSON', contextStatus({ type: 'data', data: '[{' }), 'Data.ContextStatus[0].data'],
    ['layer 3 is an embedded array, not a string', contextStatus({ type: 'data', data: EXAMPLE_TASKS }), 'Data.ContextStatus[0].data'],
    ['a data item has no data', contextStatus({ type: 'data' }), 'Data.ContextStatus[0].data'],
    ['layer 3 is an object', contextStatus({ type: 'data', data: '{}' }), 'Data.ContextStatus[0].data'],
    ['startTime is a string', contextStatus(dataItem([{ ...EXAMPLE_TASKS[0], startTime: '1600000000' }])), 'Data.ContextStatus[0].data[0].startTime'],
    ['finishTime is fractional', contextStatus(dataItem([{ ...EXAMPLE_TASKS[0], finishTime: 1.5 }])), 'Data.ContextStatus[0].data[0].finishTime'],
    ['contextId is missing', contextStatus(dataItem([{ ...EXAMPLE_TASKS[0], contextId: undefined }])), 'Data.ContextStatus[0].data[0].contextId'],
    ['Data is a string', undefined, 'Data'],
  ])('fails with a DecodeError, never "no tasks", when %s', (_label, status, path) => {
    const body = status === undefined ? { Success: true, Data: 'oops' } : infoBody(status)
    const error = thrown(() => decode('GetContextInfo', body))
    expect(error).toBeInstanceOf(DecodeError)
    expect((error as DecodeError).path).toBe(path)
  })

  it('keeps a short, redacted excerpt of the body', () => {
    new AgentBay({ apiKey: KEY, env: {}, transport: createFakeTransport().transport }) // registers the key
    const body = { ...infoBody(`[{"type":"data","data":"garbage ${KEY} ${'x'.repeat(500)}"}]`), Note: `Authorization=Bearer ${KEY}` }
    const error = thrown(() => decode('GetContextInfo', body)) as DecodeError
    expect(error.excerpt.length).toBeLessThanOrEqual(121)
    expect(error.excerpt.length).toBeGreaterThan(0)
    expect(error.excerpt).toContain('RequestId')
    expect(error.excerpt).not.toContain(KEY)
    expect(JSON.stringify(error)).not.toContain(KEY)
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'DecodeError', kind: 'decode', path: 'Data.ContextStatus[0].data', excerpt: error.excerpt })
  })
})

describe('decodeContextStatusData / decodeContextStatus (fromDict, strict)', () => {
  it('decodes one task object', () => {
    expect(decodeContextStatusData(EXAMPLE_TASKS[0])).toEqual(EXAMPLE_TASKS[0])
  })

  it('throws a DecodeError naming the field', () => {
    const error = thrown(() => decodeContextStatusData({ ...EXAMPLE_TASKS[0], errorMessage: null }))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: 'errorMessage' })
    expect((error as DecodeError).excerpt).toContain('ctx-123')
    expect(thrown(() => decodeContextStatusData(null))).toBeInstanceOf(DecodeError)
    expect(thrown(() => decodeContextStatusData([EXAMPLE_TASKS[0]]))).toBeInstanceOf(DecodeError)
  })

  it('decodes a whole ContextStatus string, and "" / "[]" as no tasks', () => {
    expect(decodeContextStatus(contextStatus(dataItem(EXAMPLE_TASKS)))).toEqual(EXAMPLE_TASKS)
    expect(decodeContextStatus('')).toEqual([])
    expect(decodeContextStatus('[]')).toEqual([])
  })

  it('throws a DecodeError with the layer path for a bad ContextStatus', () => {
    const error = thrown(() => decodeContextStatus(contextStatus(dataItem([{ ...EXAMPLE_TASKS[0], path: 3 }]))))
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ path: '[0].data[0].path' })
    expect(thrown(() => decodeContextStatus('{'))).toBeInstanceOf(DecodeError)
    expect(thrown(() => decodeContextStatus(42))).toBeInstanceOf(DecodeError)
  })
})

// ---- the error family (style §7) -----------------------------------------------------------------

describe('the error family', () => {
  const samples = [
    ['ApiError', 'api', new ApiError('r', { action: 'A', requestId: 'id', code: 'C', httpStatus: 200 }), isApiError],
    ['HttpError', 'http', new HttpError('r', { action: 'A', httpStatus: 500 }), isHttpError],
    ['ThrottlingError', 'throttling', new ThrottlingError('r', { retryAfterMs: 5 }), isThrottlingError],
    ['NetworkError', 'network', new NetworkError('r'), isNetworkError],
    ['RequestTimeoutError', 'timeout', new RequestTimeoutError('r'), isRequestTimeoutError],
    ['DecodeError', 'decode', new DecodeError('r', { path: 'a.b' }), isDecodeError],
    ['ValidationError', 'validation', new ValidationError('r'), isValidationError],
  ] as const

  it.each(samples)('%s has its name, kind and guard, and is an AgentBayError', (name, kind, error, guard) => {
    expect(error).toBeInstanceOf(AgentBayError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe(name)
    expect(error.kind).toBe(kind)
    expect(guard(error)).toBe(true)
    expect(isAgentBayError(error)).toBe(true)
    expect(String(error)).toBe(`${name}: ${error.message}`)
    // Guards accept a look-alike from another copy of the package (matching name).
    const lookAlike = Object.assign(new Error('x'), { name, kind })
    expect(guard(lookAlike)).toBe(true)
    expect(isAgentBayError(lookAlike)).toBe(true)
  })

  it('formats messages as "<Action> failed: <reason> (requestId …)"', () => {
    expect(new ApiError('[C] boom', { action: 'GetContext', requestId: 'r-1' }).message).toBe('GetContext failed: [C] boom (requestId r-1)')
    expect(new NetworkError('reset').message).toBe('reset')
  })

  it('guards reject plain errors and other kinds', () => {
    expect(isAgentBayError(new Error('x'))).toBe(false)
    expect(isAgentBayError({ name: 'ApiError', kind: 'api' })).toBe(false)
    expect(isApiError(new HttpError('x'))).toBe(false)
    expect(isThrottlingError(new HttpError('x', { httpStatus: 429 }))).toBe(false)
  })
})
