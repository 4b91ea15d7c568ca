/** Where the CLI writes and what it reads: the process's streams in `main.ts`, buffers in tests. */
export interface CliStream {
  write(chunk: string): unknown
  /** True for a terminal: enables progress bars and colours. */
  readonly isTTY?: boolean
  /** Terminal width, when known. */
  readonly columns?: number
}

/** The outside world of one CLI run. */
export interface CliIo {
  readonly stdout: CliStream
  readonly stderr: CliStream
  /** Environment to read `AGENTBAY_*` and `NO_COLOR` from. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted on Ctrl-C (SIGINT): long-running commands stop, clean up and exit 130. */
  readonly signal?: AbortSignal
}
