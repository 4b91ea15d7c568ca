import { inflateRawSync } from 'node:zlib'
import { toSegments, type SafeSegments } from './paths.js'

/**
 * A small zip reader for `extractPolicy` (protocol §6): stored and deflated entries of a classic
 * (non-zip64) archive, read from the central directory. Everything is checked before a byte is
 * extracted, so a refused archive writes nothing: entry names that would leave the destination
 * (zip slip: `..`, absolute, backslash, NUL), encrypted or zip64 entries, other compression
 * methods, symbolic links, and sizes beyond the limits below. Each entry's data is then inflated
 * with its declared size as the hard output limit and checked against its size and CRC-32.
 */

/** Archives larger than this are not read (they are held in memory). */
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
/** The declared uncompressed total an archive may unpack to. */
export const MAX_EXTRACTED_BYTES = 1024 * 1024 * 1024
export const MAX_ENTRIES = 10_000

/** Why an archive was refused; the message names the archive's problem, never a host path. */
export class ZipError extends Error {
  override readonly name = 'ZipError'
}

export interface ZipEntry {
  /** The entry's path, checked: relative, no `..`. */
  readonly segments: SafeSegments
  readonly isDirectory: boolean
  readonly size: number
  /** The entry's bytes (inflated and verified); only for files. */
  readonly read: () => Buffer
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_SIZE = 22
const CENTRAL_HEADER_SIZE = 46
const LOCAL_HEADER_SIZE = 30
const ZIP64_MARKER = 0xffffffff
const FLAG_ENCRYPTED = 0x0001
const FLAG_STRONG_ENCRYPTION = 0x0040
const METHOD_STORED = 0
const METHOD_DEFLATE = 8
const UNIX_CREATOR = 3
const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/** Refuses an archive of `bytes` bytes over `MAX_ARCHIVE_BYTES`: callers check a file's size before reading it into memory. */
export function checkArchiveSize(bytes: number): void {
  if (bytes > MAX_ARCHIVE_BYTES) throw new ZipError(`archive is larger than ${MAX_ARCHIVE_BYTES} bytes`)
}

/** Lists and checks the entries of `archive`; throws `ZipError` on anything it will not extract. */
export function readZip(archive: Buffer): ZipEntry[] {
  checkArchiveSize(archive.length)
  const end = findEndOfCentralDirectory(archive)
  const count = archive.readUInt16LE(end + 10)
  const directorySize = archive.readUInt32LE(end + 12)
  const directoryOffset = archive.readUInt32LE(end + 16)
  if (count === 0xffff || directorySize === ZIP64_MARKER || directoryOffset === ZIP64_MARKER) throw new ZipError('zip64 archives are not supported')
  if (archive.readUInt16LE(end + 4) !== 0 || archive.readUInt16LE(end + 8) !== count) throw new ZipError('multi-disk archives are not supported')
  if (count > MAX_ENTRIES) throw new ZipError(`archive has more than ${MAX_ENTRIES} entries`)
  if (directoryOffset + directorySize > end) throw new ZipError('central directory lies outside the archive')

  const entries: ZipEntry[] = []
  const names = new Set<string>()
  let total = 0
  let at = directoryOffset
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_HEADER_SIZE > end || archive.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipError('corrupt central directory')
    const creator = archive.readUInt8(at + 5)
    const flags = archive.readUInt16LE(at + 8)
    const method = archive.readUInt16LE(at + 10)
    const crc = archive.readUInt32LE(at + 16)
    const compressedSize = archive.readUInt32LE(at + 20)
    const size = archive.readUInt32LE(at + 24)
    const nameLength = archive.readUInt16LE(at + 28)
    const extraLength = archive.readUInt16LE(at + 30)
    const commentLength = archive.readUInt16LE(at + 32)
    const externalAttributes = archive.readUInt32LE(at + 38)
    const localOffset = archive.readUInt32LE(at + 42)
    const rawName = archive.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength).toString('utf8')
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength
    if (at > end) throw new ZipError('corrupt central directory')

    const shown = JSON.stringify(rawName)
    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) throw new ZipError(`entry ${shown} is encrypted`)
    if (compressedSize === ZIP64_MARKER || size === ZIP64_MARKER || localOffset === ZIP64_MARKER) throw new ZipError(`entry ${shown} needs zip64`)
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) throw new ZipError(`entry ${shown} uses compression method ${method} (only stored and deflate)`)
    if (creator === UNIX_CREATOR && ((externalAttributes >>> 16) & S_IFMT) === S_IFLNK) throw new ZipError(`entry ${shown} is a symbolic link`)
    const segments = entrySegments(rawName)
    const key = segments.join('/')
    if (names.has(key)) throw new ZipError(`entry ${shown} appears twice`)
    names.add(key)
    const isDirectory = rawName.endsWith('/')
    total += size
    if (total > MAX_EXTRACTED_BYTES) throw new ZipError(`archive unpacks to more than ${MAX_EXTRACTED_BYTES} bytes`)
    const data = isDirectory ? 0 : dataOffset(archive, localOffset, compressedSize, directoryOffset, shown)
    entries.push({
      segments,
      isDirectory,
      size,
      read: () => inflateEntry(archive.subarray(data, data + compressedSize), method, size, crc, shown),
    })
  }
  return entries
}

/** The end-of-central-directory record: the last 22 bytes, or earlier when the archive has a comment. */
function findEndOfCentralDirectory(archive: Buffer): number {
  const earliest = Math.max(0, archive.length - EOCD_SIZE - 0xffff)
  for (let at = archive.length - EOCD_SIZE; at >= earliest; at--)
    if (archive.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + archive.readUInt16LE(at + 20) === archive.length) return at
  throw new ZipError('not a zip archive (no end of central directory)')
}

/**
 * An entry name as checked segments (zip slip): `toSegments` refuses `..`, NUL and backslashes;
 * a name must also be relative (no leading `/`, no drive) and name something.
 */
function entrySegments(name: string): SafeSegments {
  const shown = JSON.stringify(name)
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ZipError(`entry ${shown} has an absolute path`)
  let segments: SafeSegments
  try {
    segments = toSegments(name, 'entry')
  } catch {
    throw new ZipError(`entry ${shown} has an unsafe path`)
  }
  if (segments.length === 0) throw new ZipError(`entry ${shown} has an empty path`)
  return segments
}

/** Where an entry's data starts, after its local header (whose name and extra lengths may differ). */
function dataOffset(archive: Buffer, localOffset: number, compressedSize: number, directoryOffset: number, shown: string): number {
  if (localOffset + LOCAL_HEADER_SIZE > directoryOffset || archive.readUInt32LE(localOffset) !== LOCAL_SIGNATURE)
    throw new ZipError(`entry ${shown} has a corrupt local header`)
  const start = localOffset + LOCAL_HEADER_SIZE + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28)
  if (start + compressedSize > directoryOffset) throw new ZipError(`entry ${shown} lies outside the archive`)
  return start
}

function inflateEntry(data: Buffer, method: number, size: number, crc: number, shown: string): Buffer {
  let bytes: Buffer
  if (method === METHOD_STORED) bytes = data
  else {
    try {
      // The declared size bounds the output: a "zip bomb" cannot unpack past what it declared.
      bytes = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) })
    } catch {
      throw new ZipError(`entry ${shown} does not inflate to its declared ${size} bytes`)
    }
  }
  if (bytes.length !== size) throw new ZipError(`entry ${shown} is ${bytes.length} bytes, not the declared ${size}`)
  if (crc32(bytes) !== crc) throw new ZipError(`entry ${shown} fails its CRC-32 check`)
  return bytes
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** CRC-32 (IEEE), as zip stores it; `zlib.crc32` only exists from Node 20.15. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
