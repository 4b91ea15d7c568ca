// A string with a lone UTF-16 surrogate (possible from plain JavaScript) has no UTF-8 form: every
// call refuses it with a ValidationError naming the parameter, sends nothing, and the client goes on.
import { firstValueFrom } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentBay, ValidationError } from '../../src/entries/index.js'
import { reply, startServer, type TestServer } from '../core/http-test-server.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('a lone surrogate in a request value', () => {
  it('is a ValidationError from the Observable and the Promise form, nothing reaches the server, and the next call works', async () => {
    server = await startServer((_seen, res) => reply(res, 200, { RequestId: 'r-ok', Success: true, Code: 'ok' }))
    const agentBay = new AgentBay({ apiKey: 'ak-lone', endpoint: server.endpoint, env: {} })

    const observed = await firstValueFrom(agentBay.session('s-\uD800').context.info()).catch((error: unknown) => error)
    expect(observed).toBeInstanceOf(ValidationError)
    expect((observed as Error).message).toContain('SessionId holds a lone UTF-16 surrogate')
    await expect(agentBay.session('s-1').context.infoAsync({ contextId: 'ctx-\uDC00' })).rejects.toThrow(/ContextId holds a lone UTF-16 surrogate/)

    const ok = await firstValueFrom(agentBay.session('s-1').context.info())
    expect(ok.requestId).toBe('r-ok')
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]!.form.get('SessionId')).toBe('s-1')
  })
})
