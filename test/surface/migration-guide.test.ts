import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EmptyError, firstValueFrom, isObservable, lastValueFrom } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import * as sdk from '../../src/entries/index.js'
import { AgentBay, ValidationError, toSyncResult } from '../../src/entries/index.js'
import { REPO_ROOT, testEmulator } from '../cli/helpers.js'
import { offlineClient } from '../helpers/offline-client.js'

// Issue 12 item 7: the README's "Migrating from the official SDKs" table names only calls that exist
// on the real objects, covers every context-related official method, and the traps it warns
// about are real.

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

/** The rows of the table under `## Migrating from the official SDKs`, as cells. */
function guideRows(): string[][] {
  const start = README.indexOf('## Migrating from the official SDKs')
  if (start < 0) throw new Error('README has no "Migrating from the official SDKs" section')
  const section = README.slice(start, README.indexOf('\n## ', start + 1))
  const lines = section.split('\n').filter((line) => line.startsWith('|'))
  return lines.slice(2).map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()))
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)

/** Every call in a code span: `agentBay.context.getAsync(`, `new ContextSync(`, `newSyncPolicy(`; not `.pipe(` after a call. */
const callsIn = (span: string): string[] => [...span.matchAll(/(?<![\w$.)\]])(?:new\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(/g)].map((m) => m[1] as string)

const ROWS = guideRows()
const OFFICIAL_TEXT = ROWS.map((row) => `${row[0]} ${row[1]}`).join('\n')
/** The calls of this SDK the guide names: its own column and the notes column. */
const NAMED_CALLS = [...new Set(ROWS.flatMap((row) => [row[2] ?? '', row[3] ?? ''].flatMap(codeSpans).flatMap(callsIn)))].sort()

// The real objects, on a transport that fails every request (looking names up sends none).
const { agentBay, session: offlineSession } = offlineClient()
const ROOTS: Record<string, unknown> = { ...sdk, agentBay, session: offlineSession }

/** The value a dotted name reaches on the real objects, or undefined. */
function resolve(name: string): unknown {
  return name.split('.').reduce<unknown>((value, key) => (value === undefined || value === null ? undefined : (value as Record<string, unknown>)[key]), ROOTS)
}

describe('the migration guide table (README)', () => {
  it('has a row for each method and a column for each SDK', () => {
    expect(ROWS.length).toBeGreaterThan(30)
    for (const row of ROWS) expect(row).toHaveLength(4)
    expect(NAMED_CALLS.length).toBeGreaterThan(40)
  })

  it.each([
    'context.get(name, true)',
    'context.get(name, create=True)',
    'context.list(',
    'context.update(',
    'context.delete(',
    'getFileUploadUrl',
    'get_file_upload_url',
    'getFileDownloadUrl',
    'get_file_download_url',
    'listFiles',
    'list_files',
    'deleteFile',
    'delete_file',
    'context.clear(',
    'context.clearAsync(',
    'clear_async',
    'getClearStatus',
    'get_clear_status',
    'session.context.info(',
    'session.context.sync(',
    'callback',
    'ContextSync.new',
    'newSyncPolicy',
    'SyncPolicy.default()',
    'BrowserContext',
    'agentBay.delete(session, true)',
    'sync_context=True',
    'uploadFile',
    'upload_file',
    'downloadFile',
    'download_file',
    'setLabels',
    'set_labels',
    'getLabels',
    'get_labels',
    'getFileInfo',
    'moveFile',
    'readMultipleFiles',
    'searchFiles',
    'editFile',
  ])('covers the official %s', (official) => {
    expect(OFFICIAL_TEXT).toContain(official)
  })

  describe.each(NAMED_CALLS)('names %s', (name) => {
    it('which exists on the real objects', () => {
      const exists = typeof resolve(name) === 'function'
      expect(exists, `${name} is named in the README migration guide but is not a function`).toBe(true)
    })
  })
})

describe('the traps the guide warns about are real', () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  let emulator: Emulator
  let client: AgentBay
  const calls = (action: string): number => emulator.stats().calls[action] ?? 0

  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 20 })
    emulator = env.emulator
    client = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
  })
  afterAll(async () => {
    await env.close()
  })

  it('await session.context.sync() sends nothing: it hands back the Observable', async () => {
    const session = await firstValueFrom(client.create())
    const before = calls('SyncContext')
    const awaited: unknown = await session.context.sync({ mode: 'upload' })
    expect(isObservable(awaited)).toBe(true)
    expect(calls('SyncContext')).toBe(before)
    const result = await session.context.syncAsync({ mode: 'upload' })
    expect(result.success).toBe(true)
    expect(calls('SyncContext')).toBe(before + 1)
    await session.deleteAsync({ pollIntervalMs: 20 })
  })

  it('with nothing mounted, lastValueFrom(sync()) rejects with EmptyError; toSyncResult() gives success', async () => {
    const session = await firstValueFrom(client.create())
    await expect(lastValueFrom(session.context.sync({ mode: 'upload' }))).rejects.toBeInstanceOf(EmptyError)
    const result = await lastValueFrom(session.context.sync({ mode: 'upload' }).pipe(toSyncResult()))
    expect(result).toMatchObject({ success: true, tasks: [] })
    await session.deleteAsync({ pollIntervalMs: 20 })
  })

  it('clearAsync waits until the context is available (the official clearAsync only starts)', async () => {
    const context = await firstValueFrom(client.context.create(`guide-${randomBytes(4).toString('hex')}`))
    await client.context.uploadAsync(context.id, '/a.txt', 'data')
    const cleared = await client.context.clearAsync(context.id, { pollIntervalMs: 20, timeoutMs: 30_000 })
    expect(cleared).toMatchObject({ success: true, state: 'available' })
    const page = await client.context.listFilesAsync(context.id, '/')
    expect(page.success && page.entries).toEqual([])
  })

  it('the positional forms the guide lists are ValidationErrors naming the form to use', async () => {
    const session = offlineSession
    const untyped = (fn: unknown) => fn as (...args: unknown[]) => unknown
    const failures = [
      () => lastValueFrom(untyped(session.context.sync).call(session.context, 'SdkCtx-1', '/data', 'upload') as never),
      () => lastValueFrom(untyped(session.context.info).call(session.context, 'SdkCtx-1') as never),
      () => untyped(session.context.syncAsync).call(session.context, 'SdkCtx-1', '/data', 'upload') as Promise<unknown>,
      () => untyped(agentBay.context.clearAsync).call(agentBay.context, 'SdkCtx-1', 60, 2) as Promise<unknown>,
    ]
    for (const call of failures) await expect(call()).rejects.toBeInstanceOf(ValidationError)
  })
})
