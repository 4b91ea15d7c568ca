// Issue 12 item 3 against the emulator over HTTP: the start-only clear returns as soon as the
// service acknowledged it, the status probe reports the clear until it is done, and the files are gone.
import { concatMap, firstValueFrom, lastValueFrom, takeWhile, timer, toArray } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { AgentBay, HttpError } from '../../src/entries/index.js'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from '../emulator/helpers.js'

const env = useEmulator()
const clientOf = (emulator: Emulator) => new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })

async function contextWithFiles(agentBay: AgentBay, name: string): Promise<string> {
  const context = await firstValueFrom(agentBay.context.create(name))
  expect((await agentBay.context.uploadAsync(context.id, '/notes.txt', 'hello')).success).toBe(true)
  expect((await agentBay.context.uploadAsync(context.id, '/deep/er/blob.bin', new Uint8Array([1, 2, 3]))).success).toBe(true)
  return context.id
}

describe('startClear and clearStatus against the emulator', () => {
  it('startClear returns once acknowledged, without waiting or probing, and the status says clearing', async () => {
    // The emulator holds the context in `clearing` for a minute: the status cannot have moved on.
    const emulator = await env.start({ clearDelayMs: 60_000 })
    const agentBay = clientOf(emulator)
    const contextId = await contextWithFiles(agentBay, 'clear-start')
    const probesBefore = emulator.stats().calls['GetContext'] ?? 0

    const started = await agentBay.context.startClearAsync(contextId)
    expect(started).toMatchObject({ success: true, contextId, state: 'clearing' })
    expect(started.requestId).not.toBe('')
    expect(emulator.stats().calls['ClearContext']).toBe(1)
    expect(emulator.stats().calls['GetContext'] ?? 0).toBe(probesBefore) // start-only: no probe

    expect(await firstValueFrom(agentBay.context.clearStatus(contextId))).toBe('clearing')
  })

  it('status polled after startClear reaches available, and the context has no files left', async () => {
    const emulator = await env.start({ clearDelayMs: 50 })
    const agentBay = clientOf(emulator)
    const contextId = await contextWithFiles(agentBay, 'clear-poll')
    expect(await agentBay.context.listFilesAsync(contextId, '/')).toMatchObject({
      success: true,
      entries: expect.arrayContaining([expect.objectContaining({ filePath: '/notes.txt' })]),
    })

    expect(await lastValueFrom(agentBay.context.startClear(contextId))).toBe('clearing')
    // The caller's own wait, as a user of the start-only form writes it.
    const states = await lastValueFrom(
      timer(0, 20).pipe(
        concatMap(() => agentBay.context.clearStatus(contextId)),
        takeWhile((state) => state !== 'available', true),
        toArray(),
      ),
    )
    expect(states.at(-1)).toBe('available')
    expect(states.every((state) => state === 'clearing' || state === 'pre-available' || state === 'available')).toBe(true)

    const listed = await agentBay.context.listFilesAsync(contextId, '/')
    expect(listed).toMatchObject({ success: true, entries: [] })
    const download = await agentBay.context.downloadAsync(contextId, '/notes.txt')
    expect(download.success).toBe(false)
  })

  it('the status of an unknown context is a typed error naming the context', async () => {
    const emulator = await env.start()
    const agentBay = clientOf(emulator)
    const error = await firstValueFrom(agentBay.context.clearStatus('SdkCtx-does-not-exist')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ code: expect.stringMatching(/NotFound/), httpStatus: 400 })
    const result = await agentBay.context.clearStatusAsync('SdkCtx-does-not-exist')
    expect(result).toMatchObject({ success: false, errorMessage: expect.stringContaining('SdkCtx-does-not-exist') })
    const started = await agentBay.context.startClearAsync('SdkCtx-does-not-exist')
    expect(started).toMatchObject({ success: false, error: { code: expect.stringMatching(/NotFound/) } })
  })
})
