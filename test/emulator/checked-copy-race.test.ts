// Closing note of stop 17: a sync task copied each file it had listed by opening its path again
// (createReadStream), and a presigned download streamed the path its walk had checked. A file the
// host swaps for a FIFO or a symbolic link in between was blocked on or followed out of the root.
// Both now read only through a descriptor opened without following or blocking, whose fstat is
// what they check. The listing and the walk are wrapped here to swap the file right after they
// looked, a window no timing could hit reliably.
import { execFileSync } from 'node:child_process'
import { constants } from 'node:fs'
import { mkdir, open, readdir, rm, symlink, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createContext, createSession, ok, useEmulator, waitForTasks } from './helpers.js'

const swapping = vi.hoisted(() => ({
  /** Host path to swap once a listing or walk has looked at it; undefined: swap nothing. */
  target: undefined as string | undefined,
  into: 'symlink' as 'symlink' | 'fifo' | 'removed',
  /** Where the symbolic link points (a host file outside every root). */
  outsideFile: '',
  /** FIFOs are held open read-write with bytes in them: an old-style open succeeds, then reads them and waits. */
  holders: [] as FileHandle[],
}))

async function swap(path: string): Promise<void> {
  const { rm: remove, symlink: link, open: openFile } = await import('node:fs/promises')
  const { constants: flags } = await import('node:fs')
  const { execFileSync: run } = await import('node:child_process')
  await remove(path)
  if (swapping.into === 'removed') return
  if (swapping.into === 'symlink') return link(swapping.outsideFile, path)
  run('mkfifo', [path])
  const holder = await openFile(path, flags.O_RDWR | flags.O_NONBLOCK)
  swapping.holders.push(holder)
  await holder.write('fifo bytes')
}

vi.mock('../../src/emulator/fs-ops.js', async (importOriginal) => {
  const fsOps = await importOriginal<typeof import('../../src/emulator/fs-ops.js')>()
  const { join: joinPath } = await import('node:path')
  const { afterCall } = await import('../helpers/seams.js')
  return {
    ...fsOps,
    listFiles: afterCall(fsOps.listFiles, async (files, root) => {
      for (const file of files) if (joinPath(root, ...file) === swapping.target) await swap(swapping.target)
    }),
  }
})

vi.mock('../../src/emulator/paths.js', async (importOriginal) => {
  const paths = await importOriginal<typeof import('../../src/emulator/paths.js')>()
  const { afterCall } = await import('../helpers/seams.js')
  return {
    ...paths,
    inspectInside: afterCall(paths.inspectInside, async (entry) => {
      if (entry.path === swapping.target && entry.info?.isFile()) await swap(entry.path)
    }),
  }
})

const kinds = ['symlink', 'fifo'] as const

describe.skipIf(process.platform === 'win32')('a file swapped after it was checked is never followed or blocked on', () => {
  const env = useEmulator({ taskDelayMs: 5 })
  afterEach(async () => {
    swapping.target = undefined
    await Promise.all(swapping.holders.splice(0).map((holder) => holder.close()))
  })

  const plant = async (into: typeof swapping.into, target: string) => {
    const outside = await env.tempDir()
    swapping.outsideFile = join(outside, 'host-secret.txt')
    await writeFile(swapping.outsideFile, 'host secret')
    Object.assign(swapping, { into, target })
  }

  it.each(kinds)('sync upload: a listed file swapped for a %s fails the task, and nothing of it reaches the context', async (into) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'swap-up')
    const session = await createSession(emulator, [{ contextId, path: '/data' }])
    await waitForTasks(emulator, { SessionId: session })
    const data = join(emulator.sessionRoot(session), 'data')
    await mkdir(data, { recursive: true })
    await writeFile(join(data, 'swap.txt'), 'session bytes')
    await plant(into, join(data, 'swap.txt'))

    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'upload' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })
    const [task] = emulator.tasks({ sessionId: session }).filter((t) => t.taskType === 'upload')
    expect(task).toMatchObject({ status: 'Failed', errorMessage: '/data/swap.txt: not a regular file' })
    expect(await readdir(emulator.contextRoot(contextId)).catch(() => [])).toEqual([])
  })

  it.each(kinds)('sync download: a listed context file swapped for a %s fails the task, and nothing of it reaches the session', async (into) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'swap-down')
    const session = await createSession(emulator, [{ contextId, path: '/data' }])
    await waitForTasks(emulator, { SessionId: session })
    await mkdir(emulator.contextRoot(contextId), { recursive: true })
    await writeFile(join(emulator.contextRoot(contextId), 'swap.txt'), 'context bytes')
    await plant(into, join(emulator.contextRoot(contextId), 'swap.txt'))

    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'download' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'download' })
    const downloads = emulator.tasks({ sessionId: session }).filter((t) => t.taskType === 'download')
    expect(downloads.at(-1)).toMatchObject({ status: 'Failed', errorMessage: '/data/swap.txt: not a regular file' })
    expect(await readdir(join(emulator.sessionRoot(session), 'data'))).toEqual([])
  })

  it.each([
    ['swapped for a symlink', 'symlink'],
    ['swapped for a FIFO', 'fifo'],
    ['removed', 'removed'],
  ] as const)('presigned download: a file %s after the walk is 404 File.NotFound, and no byte of it is sent', async (_how, into) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'swap-get')
    await mkdir(emulator.contextRoot(contextId), { recursive: true })
    await writeFile(join(emulator.contextRoot(contextId), 'swap.txt'), 'context bytes')
    const url = (await ok(emulator, 'GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/swap.txt' }))['Data']['Url'] as string
    await plant(into, join(emulator.contextRoot(contextId), 'swap.txt'))

    const response = await fetch(url)
    const text = await response.text()
    expect(response.status).toBe(404)
    expect(JSON.parse(text)).toMatchObject({ Code: 'File.NotFound' })
    expect(text).not.toMatch(/host secret|fifo bytes/)
  })
})

// The same property without a race: the copy refuses what it opens, whatever the caller checked.
describe.skipIf(process.platform === 'win32')('copyFileAtomic reads only a regular file it opened itself', () => {
  const env = useEmulator()
  it.each(kinds)('refuses a %s at the source and leaves no destination', async (into) => {
    const { copyFileAtomic } = await import('../../src/emulator/fs-ops.js')
    const dir = await env.tempDir()
    await writeFile(join(dir, 'outside.txt'), 'host secret')
    const src = join(dir, 'src')
    let holder: FileHandle | undefined
    if (into === 'symlink') await symlink(join(dir, 'outside.txt'), src)
    else {
      execFileSync('mkfifo', [src])
      holder = await open(src, constants.O_RDWR | constants.O_NONBLOCK)
    }
    try {
      const copy = copyFileAtomic(dir, { path: src, shownAs: '/src' }, join(dir, 'dest'), { bytesPerSecond: 0, signal: new AbortController().signal })
      await expect(copy).rejects.toMatchObject({ name: 'NotRegularFileError', message: '/src: not a regular file' })
      expect((await readdir(dir)).sort()).toEqual(['outside.txt', 'src'])
    } finally {
      await holder?.close()
      await rm(src)
    }
  })
})
