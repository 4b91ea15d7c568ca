// buildWireRequest writes its query and form by hand (issue 13 goal 1: it runs per attempt); these
// pin that it writes exactly what URLSearchParams-with-%20 and Node's querystring.escape wrote before.
import { escape } from 'node:querystring'
import { describe, expect, it } from 'vitest'
import { buildWireRequest } from '../../src/wire/wire-request.js'
import type { RpcRequest } from '../../src/wire/messages.js'

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

  it('writes a lone surrogate in a query value as URLSearchParams did (U+FFFD), not a URIError', () => {
    for (const value of ['\uD800', 'a\uDC00b', '\uDBFF\uDBFF\uDFFF', '\uDFFF\uD800']) {
      const request: RpcRequest = { action: 'GetSessionDetail', params: { SessionId: value } }
      const { url } = buildWireRequest('http://h/', 'k', request, NOW, 'n')
      expect(url.slice(url.indexOf('&SessionId='))).toBe(`&${searchParams([['SessionId', value]])}`)
    }
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
