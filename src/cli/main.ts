// The `agentbay-rx` executable (bundled to dist/cli.js with a shebang). Logic lives in run.ts.
import { EXIT } from './exit.js'
import { runCli } from './run.js'

const controller = new AbortController()
// First Ctrl-C: commands stop, clean up (the demo closes its emulator and removes its temp dir)
// and exit 130. A second Ctrl-C exits at once.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted)
  controller.abort()
})
process.on('SIGTERM', () => controller.abort())
// `agentbay-rx demo | head -2`: a closed pipe is not an error worth a stack trace. Stop the
// command as Ctrl-C would (so the demo still cleans up), then exit quietly.
let pipeClosed = false
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    pipeClosed = true
    controller.abort()
  })
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
// Flush both streams, then exit: idle keep-alive sockets must not hold the process open.
if (pipeClosed) process.exit(EXIT.ok)
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
