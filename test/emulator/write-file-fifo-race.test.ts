// A FIFO the host plants at a write_file target after the path walk looked (the walk saw nothing
// there) must not hold the call: append opens without blocking and checks what it opened. The walk
// is wrapped here to plant the FIFO right after it ran, a window no timing could hit reliably.
// The reading tools open the same way: a file swapped for a FIFO after their walk is refused too.
import { execFileSync } from 'node:child_process'
import { lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callFileTool } from '../../src/emulator/tools.js'

const planting = vi.hoisted(() => ({
  fifoAfterWalk: false,
  withReader: false,
  /** The read walk's file is swapped for a FIFO, held open read-write so an open that blocks would not. */
  fifoAfterReadWalk: false,
  readers: [] as import('node:fs/promises').FileHandle[],
}))

vi.mock('../../src/emulator/paths.js', async (importOriginal) => {
  const paths = await importOriginal<typeof import('../../src/emulator/paths.js')>()
  const { afterCall } = await import('../helpers/seams.js')
  return {
    ...paths,
    prepareEntryInside: afterCall(paths.prepareEntryInside, async (entry) => {
      if (planting.fifoAfterWalk) {
        execFileSync('mkfifo', [entry.path])
        const { open: openFile } = await import('node:fs/promises')
        const { constants: flags } = await import('node:fs')
        if (planting.withReader) planting.readers.push(await openFile(entry.path, flags.O_RDONLY | flags.O_NONBLOCK))
      }
    }),
    inspectInside: afterCall(paths.inspectInside, async (entry) => {
      if (planting.fifoAfterReadWalk && entry.info?.isFile()) {
        const { open: openFile, rm: remove } = await import('node:fs/promises')
        const { constants: flags } = await import('node:fs')
        await remove(entry.path)
        execFileSync('mkfifo', [entry.path])
        planting.readers.push(await openFile(entry.path, flags.O_RDWR | flags.O_NONBLOCK))
      }
    }),
  }
})

describe.skipIf(process.platform === 'win32')('a FIFO planted after the walk (write_file append, read_file)', () => {
  const dirs: string[] = []
  afterEach(async () => {
    planting.fifoAfterWalk = false
    planting.withReader = false
    planting.fifoAfterReadWalk = false
    await Promise.all(planting.readers.splice(0).map((reader) => reader.close()))
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })
  const environment = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentbay-fifo-race-'))
    dirs.push(dir)
    return { sandboxRoot: join(dir, 'sandbox'), tmpDir: dir }
  }

  it('is refused at once when nobody reads the FIFO (the open would block)', async () => {
    const env = await environment()
    planting.fifoAfterWalk = true
    expect(await callFileTool('write_file', { path: '/pipe', content: 'x', mode: 'append' }, env)).toEqual({
      text: '/pipe: not a regular file',
      isError: true,
    })
    expect((await lstat(join(env.sandboxRoot, 'pipe'))).isFIFO()).toBe(true)
  })

  it('is refused, writing nothing, when a reader holds the FIFO open (the open succeeds)', async () => {
    const env = await environment()
    Object.assign(planting, { fifoAfterWalk: true, withReader: true })
    expect(await callFileTool('write_file', { path: '/pipe', content: 'x', mode: 'append' }, env)).toEqual({
      text: '/pipe: not a regular file',
      isError: true,
    })
    const [reader] = planting.readers
    expect((await reader!.read(Buffer.alloc(8), 0, 8, null)).bytesRead, 'bytes written into the FIFO').toBe(0)
  })

  // read_file stands for every tool that reads through openRegularFile (edit_file too). The FIFO is
  // held open read-write, so the old blocking open returned and read it as an empty file.
  it('read_file is refused when its file is swapped for a FIFO after the walk, not read as an empty file', async () => {
    const env = await environment()
    await mkdir(env.sandboxRoot, { recursive: true })
    await writeFile(join(env.sandboxRoot, 'file'), 'a')
    planting.fifoAfterReadWalk = true
    expect(await callFileTool('read_file', { path: '/file' }, env)).toEqual({ text: '/file: not a regular file', isError: true })
    expect((await lstat(join(env.sandboxRoot, 'file'))).isFIFO(), 'the FIFO was replaced').toBe(true)
  })
})
