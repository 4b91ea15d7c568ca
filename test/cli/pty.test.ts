import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { CLI_SOURCE, runProcess } from './helpers.js'

// A real pseudo-terminal from util-linux `script` (present on stock Linux images; no install).
const hasScript = ((): boolean => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
if (!hasScript) console.warn('test/cli/pty.test.ts skipped: util-linux `script` is not installed (apt-get install -y bsdutils)')

const plain = (text: string): string =>
  text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[78]/g, '')
    .replace(/\r/g, '')

describe.skipIf(!hasScript)('agentbay-rx under a pseudo-terminal', () => {
  it('draws live task progress (spinner, bars, states) and ends with a true summary', async () => {
    const command = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CLI_SOURCE)} demo --size-mib 1`
    // `script -e` returns the child's exit code. Live lines are cut to the terminal width; the
    // final line of each task is printed in full.
    const result = await runProcess('script', ['-qec', command, '/dev/null'], { TERM: 'xterm-256color' })
    expect(result.code).toBe(0)
    const raw = result.stdout
    expect(raw).toContain('\x1b[?25l') // cursor hidden while the bars are live…
    expect(raw).toContain('\x1b[?25h') // …and shown again
    expect(raw).toMatch(/\x1b\[3\dm/) // colours on a terminal
    const text = plain(raw)
    expect(text).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ░+ Pending/) // spinner + empty bar while queued
    expect(text).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] █+░+ Running/) // half bar while running
    expect(text).toMatch(/✔ █{24} Success\s+\S+\s+upload\s+SdkCtx-\S+:\/home\/wuying\/demo/) // final line per task
    expect(text).toMatch(/✔ █{24} Success\s+\S+\s+download\s+SdkCtx-\S+:\/home\/wuying\/demo/)

    // The human summary is true: parse its numbers.
    const bytes = /bytes\s+(\d+) written, (\d+) uploaded, (\d+) downloaded, (\d+) verified/.exec(text)
    expect(bytes).not.toBeNull()
    const [written, uploaded, downloaded, verified] = (bytes ?? []).slice(1).map(Number)
    expect(written).toBeGreaterThan(1024 * 1024)
    expect([uploaded, downloaded, verified]).toEqual([written, written, written])
    const requests = /requests\s+(\d+) sent by the client, (\d+) received by the emulator/.exec(text)
    expect(Number(requests?.[1])).toBeGreaterThan(0)
    expect(requests?.[1]).toBe(requests?.[2])
    expect(text).toMatch(/files\s+3\/3 verified by sha256/)
    expect(text).toMatch(/tasks\s+3 followed \(3 succeeded, 0 failed\)/)
  })
})
