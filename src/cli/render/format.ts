/** Small formatting helpers for human output. */

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`
}

/** `1234` → `1.2s`, `240` → `240ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`
}

/** Epoch seconds (0 = unset) → ISO time, or `-`. */
export function formatEpoch(seconds: number | undefined): string {
  return seconds === undefined || seconds <= 0 ? '-' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * Left-aligned columns, two spaces apart. `widthOf` ignores ANSI colour codes so coloured cells
 * still line up.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => widthOf(row[column] ?? ''))))
  return all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - widthOf(cell))))
      .join('  ')
      .trimEnd(),
  )
}

const ANSI = /\x1b\[[0-9;]*m/g
/** Visible width of text that may hold colour codes. */
export const widthOf = (text: string): number => text.replace(ANSI, '').length
