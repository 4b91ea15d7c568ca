// The walks that keep emulator file work inside a root (sandbox or context storage). Segments come
// from toSegments, which refuses `..`; the "escapes its root" check is the second line of defence
// and must hold for every walk, before it touches the file system: before the write path's walk
// (prepareEntryInside, ensureDirInside) created folders outside the root and answered a path there.
// Closing note of stop 17: the check ran twice in prepareEntryInside, on whole paths only; it runs
// once per walk now and on every folder on the way, so a path that leaves and comes back is refused.
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureDirInside, inspectInside, prepareEntryInside } from '../../src/emulator/paths.js'
import { useEmulator } from './helpers.js'

describe('walks inside a root refuse segments that escape it, before touching anything', () => {
  const env = useEmulator()

  const escaping: [string, string[]][] = [
    ['a `..` segment', ['..', 'escaped', 'file.txt']],
    ['a segment that normalizes out', ['a/../../escaped', 'file.txt']],
    // The whole path lands back inside, but a folder on the way (`<parent>/escaped`) does not.
    ['a folder on the way outside, the path back inside', ['..', 'escaped', '..', 'root', 'file.txt']],
  ]
  /** Each walk, answering the host path it resolved (list_directory's too: it walks with inspectInside). */
  const walks: Record<string, (root: string, segments: string[]) => Promise<string>> = {
    inspectInside: async (root, segments) => (await inspectInside(root, segments, 'FilePath')).path,
    prepareEntryInside: async (root, segments) => (await prepareEntryInside(root, segments, 'FilePath')).path,
    ensureDirInside: (root, segments) => ensureDirInside(root, segments, 'FilePath'),
  }

  for (const [walk, run] of Object.entries(walks))
    it.each(escaping)(`${walk}: %s is InvalidParameter.Path, and nothing is created outside the root`, async (_what, segments) => {
      const parent = await env.tempDir()
      const root = join(parent, 'root')
      await mkdir(root)
      await expect(run(root, segments)).rejects.toMatchObject({ code: 'InvalidParameter.Path', message: 'FilePath is not a safe path: escapes its root' })
      expect(await readdir(parent)).toEqual(['root'])
    })

  // A name that only starts with two dots (`..cache`) is an ordinary name inside the root.
  for (const [walk, run] of Object.entries(walks))
    it(`${walk}: a name starting with two dots stays inside and is accepted`, async () => {
      const root = await env.tempDir()
      // The walk's own answer, not another walk's: each must resolve the name inside the root.
      await expect(run(root, ['..cache', 'file.txt'])).resolves.toBe(join(root, '..cache', 'file.txt'))
    })
})
