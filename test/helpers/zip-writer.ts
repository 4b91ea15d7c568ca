// A tiny zip writer for the extraction tests, written from the zip format (APPNOTE 4.3), not from
// the emulator's reader: local headers, data, central directory, end record. Stored or deflated
// entries; the flag, size and name overrides build the hostile archives the reader must refuse.
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipInput {
  readonly name: string
  /** Omitted for a folder entry (`name` ending in `/`). */
  readonly content?: string | Buffer
  readonly method?: 'stored' | 'deflate'
  /** General-purpose flags as stored (bit 0 = encrypted). */
  readonly flags?: number
  /** Overrides the declared uncompressed size (a lying header). */
  readonly declaredSize?: number
  /** Overrides both sizes with the zip64 marker 0xFFFFFFFF. */
  readonly zip64?: boolean
}

export function buildZip(entries: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const raw = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content)
    const deflate = entry.method === 'deflate'
    const data = deflate ? deflateRawSync(raw) : raw
    const crc = crc32(raw)
    const compressed = entry.zip64 === true ? 0xffffffff : data.length
    const size = entry.zip64 === true ? 0xffffffff : (entry.declaredSize ?? raw.length)
    const flags = (entry.flags ?? 0) | 0x0800 // bit 11: UTF-8 names

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(deflate ? 8 : 0, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, data)

    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4) // made by: MS-DOS, 2.0
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(deflate ? 8 : 0, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(entry.name.endsWith('/') ? 0x10 : 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
