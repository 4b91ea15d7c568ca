import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ExtractPolicy } from '../wire/policy/sync-policy.js'
import { writeFileAtomic } from './fs-ops.js'
import { displayPath, ensureDirInside, type SafeSegments } from './paths.js'
import { checkArchiveSize, readZip, ZipError } from './zip.js'

/** What one extraction wrote. */
export interface Extracted {
  readonly files: number
  readonly bytes: number
}

/** True for a file `extractPolicy` unpacks: a `.zip` (any case). */
export const isZipArchive = (file: SafeSegments): boolean => /\.zip$/i.test(file[file.length - 1] ?? '')

/**
 * `extractPolicy` (protocol §6) for one downloaded archive at `archive` (session segments): the
 * entries go next to it (`extractToCurrentFolder`) or into a folder named after it without
 * `.zip` (`ext_x.zip` → `ext_x/`, the default), existing files replaced; with `deleteSrcFile`
 * the archive itself is removed afterwards. A refused archive (see `readZip`) writes nothing and
 * fails the task with a message naming the archive; an entry whose data fails its size or CRC
 * check does so too, after the entries before it were written (and the archive is kept).
 */
export async function extractDownloadedArchive(
  tmpDir: string,
  sessionRoot: string,
  archive: SafeSegments,
  policy: ExtractPolicy,
): Promise<Extracted> {
  const source = join(sessionRoot, ...archive)
  const folder = archive.slice(0, -1)
  const name = archive[archive.length - 1]!
  const destination = policy.extractToCurrentFolder ? folder : [...folder, name.replace(/\.zip$/i, '')]
  // The size is checked before the archive is read into memory, on the file that is then read.
  const handle = await open(source)
  let content: Buffer
  try {
    const { size } = await handle.stat()
    refusedAs(archive, () => checkArchiveSize(size))
    content = await handle.readFile()
  } finally {
    await handle.close()
  }
  const entries = refusedAs(archive, () => readZip(content))
  let bytes = 0
  let files = 0
  for (const entry of entries) {
    if (entry.isDirectory) {
      await ensureDirInside(sessionRoot, [...destination, ...entry.segments], 'Path')
      continue
    }
    const dir = await ensureDirInside(sessionRoot, [...destination, ...entry.segments.slice(0, -1)], 'Path')
    const data = refusedAs(archive, () => entry.read())
    await writeFileAtomic(tmpDir, join(dir, entry.segments[entry.segments.length - 1]!), data)
    bytes += data.length
    files += 1
  }
  if (policy.deleteSrcFile) await rm(source, { force: true })
  return { files, bytes }
}

/** Runs `read`; a `ZipError` becomes the download task's error, naming the archive. */
function refusedAs<T>(archive: SafeSegments, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof ZipError) throw new Error(`cannot extract ${displayPath(archive)}: ${error.message}`)
    throw error
  }
}
