import pc from 'picocolors'
import { redactText, type Redactor } from '../shared/redact.js'
import type { CliIo, CliStream } from './io.js'

/** picocolors' colour functions (no-ops when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>

/**
 * Everything a command prints goes through here, so `--json` can promise exactly one JSON
 * document on stdout (no progress, no colours) and human mode can colour only terminals.
 */
export class Output {
  /** Colours for stdout (off for `--json`, pipes and `NO_COLOR`). */
  readonly color: Colors
  private documentWritten = false

  constructor(
    readonly io: CliIo,
    readonly json: boolean,
    /** The run's redactor (it knows the run's key); by default the credential patterns only. */
    private readonly redact: Redactor['text'] = redactText,
  ) {
    const noColor = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== ''
    const forceColor = io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0'
    this.color = pc.createColors(!json && !noColor && (forceColor || io.stdout.isTTY === true))
  }

  /** True when live progress (bars, spinners) may be drawn: a terminal and not `--json`. */
  get interactive(): boolean {
    return !this.json && this.io.stdout.isTTY === true
  }

  /** The stream progress renderers draw on. */
  get progressStream(): CliStream {
    return this.io.stdout
  }

  /** A human-only line (dropped with `--json`). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${this.redact(text)}\n`)
  }

  /**
   * The command's result: with `--json` the value as one document, otherwise `human()`'s lines.
   * Call it once per run.
   */
  result(value: unknown, human: () => string | readonly string[]): void {
    if (this.json) {
      this.document(value)
      return
    }
    const text = human()
    for (const line of typeof text === 'string' ? [text] : text) this.line(line)
  }

  /** Writes the single `--json` document (later calls are ignored, so an error cannot add a second one). */
  document(value: unknown): void {
    if (!this.json || this.documentWritten) return
    this.documentWritten = true
    this.io.stdout.write(`${this.redact(JSON.stringify(value, null, 2))}\n`)
  }

  get hasDocument(): boolean {
    return this.documentWritten
  }

  /** A line on stderr (warnings, the error line). */
  warn(text: string): void {
    this.io.stderr.write(`${this.redact(text)}\n`)
  }
}
