// The transport builds its ky client from one options factory, `kyOptionsOver` (src/http/ky-transport.ts),
// which the CPU benchmark's "ky alone over the baseline" row uses too (test/bench/cpu.ts): a change to
// how the transport configures ky is a change to that row, never a drift between the two.
import { describe, expect, it, vi } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { kyOptionsOver } from '../../src/http/ky-transport.js'

const { created } = vi.hoisted(() => ({ created: [] as unknown[] }))

vi.mock('ky', async (importOriginal) => {
  const original = await importOriginal<typeof import('ky')>()
  const ky = original.default
  // The real ky, with the options of every `ky.create` recorded.
  const create: typeof ky.create = (options) => {
    created.push(options)
    return ky.create(options)
  }
  return { ...original, default: Object.assign(ky.extend({}), { create }) }
})

const answer = JSON.stringify({ RequestId: 'r-1', Success: true, Code: 'ok', HttpStatusCode: 200, Data: { ContextStatus: '[]' } })

describe('the transport configures ky with kyOptionsOver', () => {
  it("over a caller's fetch: ky.create gets exactly kyOptionsOver(that fetch)", async () => {
    created.length = 0
    const userFetch = vi.fn(async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }))
    const agentBay = new AgentBay({ apiKey: 'ak-options-test-key', endpoint: 'http://127.0.0.1:9', fetch: userFetch as unknown as typeof fetch, env: {} })
    const result = await agentBay.session('s-1').context.infoAsync()
    expect(result.success).toBe(true)
    expect(userFetch).toHaveBeenCalledTimes(1)
    expect(created).toEqual([kyOptionsOver(userFetch as unknown as typeof fetch)])
  })

  it('over the default fetch: ky.create gets kyOptionsOver(the SDK’s own fetch)', async () => {
    created.length = 0
    // Port 9 (discard) refuses on loopback: the call fails, but only after ky was created.
    const agentBay = new AgentBay({ apiKey: 'ak-options-test-key', endpoint: 'http://127.0.0.1:9', env: {}, retry: { attempts: 1 } })
    await agentBay.session('s-1').context.infoAsync()
    expect(created).toHaveLength(1)
    const [options] = created as Record<string, unknown>[]
    expect(typeof options!['fetch']).toBe('function')
    expect(options).toEqual(kyOptionsOver(options!['fetch'] as typeof fetch))
  })
})
