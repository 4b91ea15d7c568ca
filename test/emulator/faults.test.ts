import { describe, expect, it } from 'vitest'
import { ContextStatusFromString } from '../../src/wire/codecs/context-status.js'
import type { FaultRule } from '../../src/emulator/index.js'
import { createContext, createSession, ok, rpc, useEmulator, waitForTasks } from './helpers.js'

describe('fault injection', () => {
  const env = useEmulator()

  /** Creates a context through GetContext under `rule`; reports the answer and whether the context now exists. */
  async function underFault(rule: FaultRule) {
    const emulator = await env.start({ faults: [{ action: 'GetContext', times: 1, ...rule }] })
    const answer = await rpc(emulator, emulator.apiKey, 'GetContext', { Name: 'faulty', AllowCreate: 'true' })
    emulator.setFaults([])
    const list = await ok(emulator, 'ListContexts')
    return { emulator, answer, created: list['TotalCount'] === 1 }
  }

  it.each([
    ['500', 500, 'InternalError'],
    ['503', 503, 'ServiceUnavailable'],
  ] as const)('kind %s answers HTTP %i with Code %s and does not run the action', async (kind, status, code) => {
    const { answer, created } = await underFault({ kind })
    expect(answer.status).toBe(status)
    expect(answer.json).toMatchObject({ Success: false, Code: code, HttpStatusCode: status })
    expect(created).toBe(false)
  })

  it('kind throttle answers 429 with Retry-After and Code Throttling', async () => {
    const { answer, created } = await underFault({ kind: 'throttle', retryAfterSeconds: 3 })
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('3')
    expect(answer.json).toMatchObject({ Success: false, Code: 'Throttling', HttpStatusCode: 429 })
    expect(created).toBe(false)
  })

  it('kind reset destroys the socket without an answer', async () => {
    const emulator = await env.start({ faults: [{ action: 'ListContexts', kind: 'reset', times: 1 }] })
    await expect(rpc(emulator, emulator.apiKey, 'ListContexts')).rejects.toThrow()
    expect((await ok(emulator, 'ListContexts'))['Success']).toBe(true)
  })

  it("when: 'after' runs the action, then loses the answer", async () => {
    const { answer, created } = await underFault({ kind: '503', when: 'after' })
    expect(answer.status).toBe(503)
    expect(created).toBe(true)
  })

  it('kind latency delays the answer by latencyMs and still answers normally', async () => {
    const emulator = await env.start({ faults: [{ action: 'ListContexts', kind: 'latency', latencyMs: 120 }] })
    const started = Date.now()
    const answer = await rpc(emulator, emulator.apiKey, 'ListContexts')
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
    expect(answer.json['Success']).toBe(true)
  })

  it('kind truncated answers 200 with the JSON cut short, after running the action', async () => {
    const { answer, created } = await underFault({ kind: 'truncated' })
    expect(answer.status).toBe(200)
    expect(() => JSON.parse(answer.text)).toThrow()
    expect(answer.text.startsWith('{"RequestId":')).toBe(true)
    expect(created).toBe(true)
  })

  it('kind malformedJson answers 200 with complete but invalid JSON', async () => {
    const { answer } = await underFault({ kind: 'malformedJson' })
    expect(answer.status).toBe(200)
    expect(answer.text.endsWith(',}')).toBe(true)
    expect(() => JSON.parse(answer.text)).toThrow()
  })

  it('kind wrongTypes sends Success and HttpStatusCode as strings', async () => {
    const { answer } = await underFault({ kind: 'wrongTypes' })
    expect(answer.json).toMatchObject({ Success: 'true', HttpStatusCode: '200', Code: 'ok' })
  })

  it('kind successFalse answers HTTP 200, Success false, with the given Code', async () => {
    const { answer, created } = await underFault({ kind: 'successFalse', code: 'InvalidContext', message: 'nope' })
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidContext', Message: 'nope', HttpStatusCode: 200 })
    expect(created).toBe(false)
  })

  it('kind successFalseNoCode answers HTTP 200, Success false, and no Code key at all', async () => {
    const { answer } = await underFault({ kind: 'successFalseNoCode' })
    expect(answer.status).toBe(200)
    expect(answer.json['Success']).toBe(false)
    expect('Code' in answer.json).toBe(false)
  })

  it.each([1, 2, 3] as const)('kind malformedContextStatus breaks layer %i of GetContextInfo only', async (layer) => {
    const emulator = await env.start({ faults: [{ kind: 'malformedContextStatus', layer }] })
    const contextId = await createContext(emulator, 'status')
    const session = await createSession(emulator, [{ contextId, path: '/d' }])
    const body = await ok(emulator, 'GetContextInfo', { SessionId: session })
    const status = body['Data']['ContextStatus'] as string
    expect(typeof status).toBe('string')
    expect(ContextStatusFromString.decode(status)._tag).toBe('Left')
    if (layer === 1) expect(() => JSON.parse(status)).toThrow()
    if (layer === 2) expect(typeof JSON.parse(status)[0].data).toBe('number')
    if (layer === 3) expect(() => JSON.parse(JSON.parse(status)[0].data)).toThrow()
    expect(emulator.stats().faults).toEqual({ malformedContextStatus: 1 })
  })

  it('fails exactly the next N calls in counter mode, then retires the rule', async () => {
    const emulator = await env.start({ faults: [{ action: 'ListContexts', kind: '503', times: 2 }] })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await rpc(emulator, emulator.apiKey, 'ListContexts')).status)
    expect(statuses).toEqual([503, 503, 200, 200])
    expect(emulator.activeFaults()).toEqual([])
    expect(emulator.stats().faultsByAction).toEqual({ ListContexts: { '503': 2 } })
  })

  it('replays the same rate-based outcomes for the same seed', async () => {
    const run = async () => {
      const emulator = await env.start({ faults: { seed: 42, rules: [{ action: 'ListContexts', kind: '500', rate: 0.5 }] } })
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await rpc(emulator, emulator.apiKey, 'ListContexts')).status)
      return statuses
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(first).toContain(500)
    expect(first).toContain(200)
  })

  it('applies rules without an action to every action, and can be changed at runtime', async () => {
    const emulator = await env.start()
    expect((await rpc(emulator, emulator.apiKey, 'ListContexts')).status).toBe(200)
    emulator.setFaults([{ kind: '500' }])
    expect((await rpc(emulator, emulator.apiKey, 'ListContexts')).status).toBe(500)
    expect((await rpc(emulator, emulator.apiKey, 'ListSession')).status).toBe(500)
    emulator.setFaults(undefined)
    expect((await rpc(emulator, emulator.apiKey, 'ListSession')).status).toBe(200)
  })

  it('does not inject faults into unauthenticated calls, which fail with 401 first', async () => {
    const emulator = await env.start({ faults: [{ kind: '503' }] })
    expect((await rpc(emulator, 'wrong', 'ListContexts')).status).toBe(401)
    expect(emulator.stats().faults).toEqual({})
  })

  it('counts calls per action, injected faults and open connections', async () => {
    const emulator = await env.start({ faults: [{ action: 'GetContextInfo', kind: 'throttle', times: 1 }] })
    const contextId = await createContext(emulator, 'counted')
    const session = await createSession(emulator, [{ contextId, path: '/d' }])
    await rpc(emulator, emulator.apiKey, 'GetContextInfo', { SessionId: session })
    await waitForTasks(emulator, { SessionId: session })
    const stats = emulator.stats()
    expect(stats.calls['GetContext']).toBe(1)
    expect(stats.calls['CreateMcpSession']).toBe(1)
    expect(stats.calls['GetContextInfo']).toBeGreaterThanOrEqual(2)
    expect(stats.faults).toEqual({ throttle: 1 })
    expect(stats.openConnections).toBeGreaterThanOrEqual(1)
    expect(emulator.tasks({ sessionId: session })).toEqual([
      expect.objectContaining({ contextId, path: '/d', taskType: 'download', status: 'Success', trigger: 'create' }),
    ])
  })

  it('refuses malformed fault rules at start', async () => {
    await expect(env.start({ faults: [{ kind: 'explode' as never }] })).rejects.toThrow(/unknown kind/)
    await expect(env.start({ faults: [{ kind: '500', rate: 2 }] })).rejects.toThrow(/rate/)
  })
})
