// buildWireRequest writes its query and form by hand (issue 13 goal 1: it runs per attempt); these
// pin that it writes exactly what URLSearchParams-with-%20 and Node's querystring.escape wrote before.
import { escape } from 'node:querystring'
import { describe, expect, it } from 'vitest'
import { buildWireRequest } from '../../src/wire/wire-request.js'
import type { RpcRequest } from '../../src/wire/messages.js'
import { validationErrorOf } from '../helpers/thrown.js'

const HOSTILE = ["a b", "~!'()*", 'x+y=z&w', 'é漢🙂', '%20', '__proto__', '/tmp/a b/c?d#e', '']
const NOW = new Date(Date.UTC(2026, 10, 26, 13, 4, 5, 678))

/** The query serializer the transport used before: URLSearchParams, '+' turned into %20. */
const searchParams = (pairs: [string, string][]): string => {
  const query = new URLSearchParams()
  for (const [key, value] of pairs) query.append(key, value)
  return query.toString().replace(/\+/g, '%20')
}

describe('buildWireRequest encoding', () => {
  it('writes query values as URLSearchParams did, spaces as %20', () => {
    for (const value of HOSTILE) {
      const request: RpcRequest = { action: 'GetSessionDetail', params: { SessionId: value } }
      const { url } = buildWireRequest('http://127.0.0.1:1/', 'k ~!*', request, NOW, `n${value}`)
      const expected = searchParams([
        ['Action', 'GetSessionDetail'],
        ['Format', 'json'],
        ['Version', '2025-05-06'],
        ['Timestamp', '2026-11-26T13:04:05Z'],
        ['SignatureNonce', `n${value}`],
        ['SessionId', value],
      ])
      expect(url).toBe(`http://127.0.0.1:1/?${expected}`)
    }
  })

  it('refuses a lone surrogate in any value or name, query or form, with a ValidationError naming the parameter, never its value', () => {
    const LONE = ['\uD800', 'a\uDC00b', '\uDBFF\uDBFF\uDFFF', '\uDFFF\uD800']
    const cases: [RpcRequest, string, string][] = LONE.flatMap((value): [RpcRequest, string, string][] => [
      [{ action: 'GetSessionDetail', params: { SessionId: value } }, 'k', 'SessionId'], // query
      [{ action: 'GetContextInfo', params: { SessionId: 's', ContextId: value } }, 'k', 'ContextId'], // form
      [{ action: 'GetContextInfo', params: { [value]: 'v' } }, 'k', 'a parameter name'],
      [{ action: 'SyncContext', params: { SessionId: 's' } }, `key${value}`, 'Authorization'], // the key, in the query
      [{ action: 'GetContextInfo', params: { SessionId: 's' } }, `key${value}`, 'Authorization'], // the key, in the form
    ])
    for (const [request, key, named] of cases) {
      const refused = validationErrorOf(() => buildWireRequest('http://h/', key, request, NOW, 'n'))
      expect(refused.message).toBe(`${request.action} failed: ${named} holds a lone UTF-16 surrogate, which has no UTF-8 form: nothing was sent`)
      expect(refused.message).not.toContain('key')
      expect(refused.action).toBe(request.action)
    }
    // Well-formed pairs are fine: U+1F642 is one surrogate pair.
    expect(() => buildWireRequest('http://h/', 'k', { action: 'GetSessionDetail', params: { SessionId: '\uD83D\uDE42' } }, NOW, 'n')).not.toThrow()
  })

  it('writes form fields as querystring.escape, the key first, in the order given', () => {
    for (const value of HOSTILE) {
      const request: RpcRequest = { action: 'GetContextInfo', params: { SessionId: value, [value || 'Empty']: 'v w', Skipped: undefined } }
      const { body } = buildWireRequest('http://h/', 'k ~!*', request, NOW, 'n')
      const pairs: [string, string][] = [['Authorization', 'Bearer k ~!*'], ['SessionId', value], [value || 'Empty', 'v w']]
      expect(body).toBe(pairs.map(([key, v]) => `${escape(key)}=${escape(v)}`).join('&'))
    }
  })

  it("puts SyncContext's Authorization in the query, and a call's own Authorization replaces the key", () => {
    const sync = buildWireRequest('http://h/', 'k ~', { action: 'SyncContext', params: { SessionId: 's' } }, NOW, 'n')
    expect(sync.url).toContain('&Authorization=Bearer%20k%20%7E')
    expect(sync.body).toBe('SessionId=s')
    const own = buildWireRequest('http://h/', 'k', { action: 'GetContextInfo', params: { SessionId: 's', Authorization: 'Bearer other' } }, NOW, 'n')
    expect(own.body).toBe('Authorization=Bearer%20other&SessionId=s')
  })
})
