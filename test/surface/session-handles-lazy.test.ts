// A session handle builds its file transfer (and the ContextService it stores through) on first use
// of `session.files`, once: a `list()` page or `agentBay.session(id)` handles that never transfer
// build neither (closing note 15 leftover). The constructors are counted through module mocks.
import { lastValueFrom, toArray } from 'rxjs'
import { describe, expect, it, vi } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody } from '../../src/testing/index.js'

const { built, counted } = vi.hoisted(() => {
  const built = { fileTransfers: 0, contextServices: 0 }
  /** `Base` as a subclass that counts its constructions in `built[key]` (a mixin: any constructor). */
  const counted = <C extends new (...args: any[]) => object>(Base: C, key: keyof typeof built): C =>
    class extends Base {
      constructor(...args: any[]) {
        super(...args)
        built[key] += 1
      }
    }
  return { built, counted }
})

vi.mock('../../src/sessions/file-transfer.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/sessions/file-transfer.js')>()
  return { ...original, FileTransfer: counted(original.FileTransfer, 'fileTransfers') }
})

vi.mock('../../src/contexts/context-service.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/contexts/context-service.js')>()
  return { ...original, ContextService: counted(original.ContextService, 'contextServices') }
})

const HANDLES = 1_000

describe('session handles build their file transfer on first use', () => {
  it('builds no FileTransfer or ContextService for handles that never touch files, and one of each, once, for a handle that does', async () => {
    const fake = createFakeTransport()
    fake.respond('ListSession', () => jsonResponse(okBody(Array.from({ length: HANDLES }, (_, k) => ({ SessionId: `listed-${k}`, SessionStatus: 'RUNNING' })))))
    const agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {} })
    const start = { ...built } // the client's own ContextService (agentBay.context) is built by now

    const handles = Array.from({ length: HANDLES }, (_, k) => agentBay.session(`s-${k}`))
    const listed = await lastValueFrom(agentBay.list().pipe(toArray()))
    expect(listed).toHaveLength(HANDLES)
    expect(built).toEqual(start)

    const handle = handles[7]!
    const files = handle.files
    expect(handle.files).toBe(files) // one per handle: its transfer context lookup is shared across its transfers
    expect(built).toEqual({ fileTransfers: start.fileTransfers + 1, contextServices: start.contextServices + 1 })
    expect(handles[8]!.files).not.toBe(files)
  })
})
