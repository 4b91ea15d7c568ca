import cliProgress from 'cli-progress'
import type { Output } from '../output.js'
import { formatBytes } from './format.js'

/** A bar of bytes moved so far, drawn only on a terminal (plain output prints just the result line). */
export interface ByteProgress {
  advance(bytes: number): void
  stop(): void
}

/** A byte bar on a terminal; a no-op otherwise (callers print their own result line). */
export function createByteProgress(out: Output, label: string, totalBytes: number): ByteProgress {
  if (!out.interactive) return { advance: () => undefined, stop: () => undefined }
  const { color } = out
  const bar = new cliProgress.SingleBar({
    stream: out.progressStream as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: true,
    gracefulExit: false,
    fps: 12,
    format: (_options, params) => {
      const width = 24
      const filled = Math.round(params.progress * width)
      return `    ${label} ${color.cyan('█'.repeat(filled))}${color.dim('░'.repeat(width - filled))} ${formatBytes(params.value)} / ${formatBytes(params.total)}`
    },
  })
  bar.start(totalBytes, 0)
  let done = 0
  let stopped = false
  return {
    advance(bytes) {
      done += bytes
      if (!stopped) bar.update(done)
    },
    stop() {
      if (stopped) return
      stopped = true
      bar.stop()
    },
  }
}
