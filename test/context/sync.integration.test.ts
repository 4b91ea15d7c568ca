// What a sync expects, over real HTTP against the emulator (issue 9 item 4).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { AgentBay, type Session, type SyncOptions } from '../../src/entries/index.js'

const SYNC: SyncOptions = { mode: 'upload', retryInterval: 100, maxRetries: 100, noTaskGraceMs: 3000 }
const MOUNT = '/home/wuying/data'

let emulator: Emulator
let dataDir: string
let agentBay: AgentBay
const sessions: Session[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'agentbay-sync-expects-'))
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20 })
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
})

afterAll(async () => {
  for (const session of sessions) await session.deleteAsync({ pollIntervalMs: 20, timeoutMs: 5000 })
  await emulator?.close()
  await rm(dataDir, { recursive: true, force: true })
})

const calls = (action: string): number => emulator.stats().calls[action] ?? 0

async function session(mounted: boolean): Promise<Session> {
  const contextSync = mounted ? [{ contextId: (await firstValueFrom(agentBay.context.create(`expects-${Date.now()}-${sessions.length}`))).id, path: MOUNT }] : []
  const created = await agentBay.createAsync({ contextSync, downloadWait: { schedule: () => 20, maxPolls: 250 } })
  expect(created.success).toBe(true)
  sessions.push(created.session as Session)
  return created.session as Session
}

describe('sync against the emulator', () => {
  it('with nothing mounted: triggers, then succeeds at once with no task and no poll after the trigger', async () => {
    const bare = await session(false)
    const [infoBefore, triggersBefore] = [calls('GetContextInfo'), calls('SyncContext')]
    const result = await bare.context.syncAsync(SYNC)
    expect(result).toMatchObject({ success: true, timedOut: false, tasks: [] })
    expect(result.requestId).not.toBe('')
    expect(calls('SyncContext') - triggersBefore).toBe(1)
    expect(calls('GetContextInfo') - infoBefore).toBe(1) // the pre-trigger snapshot only: no grace wait
  })

  it('with a context mounted: follows its task to Success; a bare handle asks GetSession once', async () => {
    const mounted = agentBay.session((await session(true)).sessionId) // knows nothing about its mounts
    const getSessionBefore = calls('GetSession')
    const tasks = await lastValueFrom(mounted.context.sync(SYNC).pipe(toArray()))
    expect(tasks.at(-1)).toMatchObject({ taskType: 'upload', path: MOUNT, status: 'Success' })
    expect(calls('GetSession') - getSessionBefore).toBe(1)
  })

  it('a handle from create() knows what it was created with and sends no GetSession for the sync', async () => {
    const [mounted, bare] = [await session(true), await session(false)]
    const getSessionBefore = calls('GetSession')
    await expect(mounted.context.syncAsync(SYNC)).resolves.toMatchObject({ success: true, tasks: [expect.objectContaining({ status: 'Success' })] })
    await expect(bare.context.syncAsync(SYNC)).resolves.toMatchObject({ success: true, tasks: [] })
    expect(calls('GetSession')).toBe(getSessionBefore)
  })

  it('a handle from agentBay.get() already knows its mounts and sends no GetSession for the sync', async () => {
    const mounted = await session(true)
    const handle = await firstValueFrom(agentBay.get(mounted.sessionId))
    const getSessionBefore = calls('GetSession')
    await expect(handle.context.syncAsync(SYNC)).resolves.toMatchObject({ success: true, tasks: [expect.objectContaining({ status: 'Success' })] })
    expect(calls('GetSession')).toBe(getSessionBefore)
  })

  it('an unscoped sync of a bare session read from agentBay.get() also succeeds at once', async () => {
    const bare = await session(false)
    const handle = await firstValueFrom(agentBay.get(bare.sessionId))
    expect(handle.contexts).toEqual([])
    await expect(handle.context.syncAsync(SYNC)).resolves.toMatchObject({ success: true, tasks: [] })
  })
})
