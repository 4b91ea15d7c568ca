import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from '../../src/entries/wire.js'

// Where plain http is allowed without allowInsecureHttp: the edges of 127.0.0.0/8 and ::1 (src/http/config.ts).

describe('isLoopbackHost', () => {
  it('accepts ::1 written bare, as URL.hostname never gives it', () => {
    expect(isLoopbackHost('::1')).toBe(true)
  })

  it('accepts every dotted 127.x.y.z with one- to three-digit parts', () => {
    for (const host of ['127.0.10.1', '127.0.0.10', '127.200.100.254', '127.1.2.3']) expect(isLoopbackHost(host), host).toBe(true)
  })

  it('refuses hosts that only contain a loopback address', () => {
    for (const host of ['1127.0.0.1', 'x127.0.0.1', '127.0.0.1000', '127.0.0', '127.0.0.1.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })
})
