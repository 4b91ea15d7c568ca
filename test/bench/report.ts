// Small helpers shared by the benchmarks: tables, statistics, machine info.
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'

/** One benchmark's printed section. */
export interface Section {
  readonly title: string
  /** What was measured and what the baseline is. */
  readonly description: string
  readonly headers: readonly string[]
  readonly rows: readonly (readonly (string | number)[])[]
  readonly notes?: readonly string[]
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map(String))
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? '').length)))
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(cells[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n')
}

export function renderSection(section: Section): string {
  const notes = (section.notes ?? []).map((note) => `- ${note}`).join('\n')
  return `### ${section.title}\n\n${section.description}\n\n${markdownTable(section.headers, section.rows)}\n${notes === '' ? '' : `\n${notes}\n`}`
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')

export const ratio = (ours: number, reference: number): string => (reference === 0 ? 'n/a' : `${(ours / reference).toFixed(2)}×`)

/** The machine, as `nproc` and /proc/cpuinfo name it (os.cpus() elsewhere). */
export function machineInfo(): string {
  const cpu = cpuModel() ?? cpus()[0]?.model ?? 'unknown CPU'
  return `nproc ${availableParallelism()}, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`
}

function cpuModel(): string | undefined {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim()
  } catch {
    return undefined
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
