import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { DemoSummary } from '../../src/cli/commands/demo.js'
import { parseJson, runCliProcess } from './helpers.js'

interface DemoDocument {
  readonly ok: boolean
  readonly endpoint: string
  readonly dataDir: string
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[]
  readonly summary: DemoSummary
}

describe('agentbay-rx demo', () => {
  it('runs the persistence story, exits 0, and its --json summary matches what happened', async () => {
    const started = Date.now()
    const result = await runCliProcess(['demo', '--json'])
    const wallMs = Date.now() - started
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const doc = parseJson<DemoDocument>(result.stdout)
    const { summary } = doc
    expect(doc.ok).toBe(true)

    // Bytes: the large file is 4 MiB; every byte written came back with the same sha256.
    const written = doc.files.reduce((sum, file) => sum + file.bytes, 0)
    expect(doc.files.find((file) => file.path.endsWith('blob.bin'))?.bytes).toBe(4 * 1024 * 1024)
    expect(summary).toMatchObject({ files: 3, filesVerified: 3, bytesWritten: written, bytesVerified: written })
    // The emulator's own task records: the upload copied every byte, and so did B's download.
    expect(summary.bytesUploaded).toBe(written)
    expect(summary.bytesDownloaded).toBe(written)

    // Tasks: A's download, A's upload, B's download, all Success.
    expect(summary).toMatchObject({ tasks: 3, tasksSucceeded: 3, tasksFailed: 0 })

    // Requests: counted by the client's fetch and by the emulator; they agree, and cover at least
    // the 8 chunked writes of 4 MiB and the 3 reads.
    expect(summary.requests).toBe(summary.emulatorRequests)
    expect(summary.requests).toBeGreaterThanOrEqual(11)

    // Time: measured inside the run, so below the process's wall time (how long depends on the machine's load).
    expect(summary.elapsedMs).toBeGreaterThan(0)
    expect(summary.elapsedMs).toBeLessThanOrEqual(wallMs)

    // Cleaned up after itself.
    expect(existsSync(doc.dataDir)).toBe(false)
  })

  // Stop 18 item 6: the text a newcomer reads says what happened in plain words, and the data dir
  // it names is said to be temporary (it is gone once the demo exits).
  it('says in plain words what happened: uploads on delete, and a temporary data dir that is removed', async () => {
    const result = await runCliProcess(['demo', '--size-mib', '1'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(/auto-upload|on release/)
    expect(result.stdout).toMatch(/^ {2}on delete +2 uploads the service ran by itself, saving each session's files as it was deleted$/m)
    const dataDir = /\(emulator at \S+, temporary data in (\S+), removed when the demo ends\)/.exec(result.stdout)?.[1]
    expect(dataDir).toBeDefined()
    expect(existsSync(dataDir ?? '')).toBe(false)
  })

  it('cleans up and exits 130 on Ctrl-C (SIGINT)', async () => {
    const { spawn } = await import('node:child_process')
    const { CLI_SOURCE, REPO_ROOT, cleanEnv } = await import('./helpers.js')
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, 'demo'], { cwd: REPO_ROOT, env: cleanEnv() })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (/Upload sync/.test(stdout)) child.kill('SIGINT') // mid-story, with sessions and tasks live
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(130)
    expect(stderr.trim()).toBe('agentbay-rx: interrupted')
    const dataDir = /temporary data in (\S+), removed when the demo ends\)/.exec(stdout)?.[1]
    expect(dataDir).toBeDefined()
    expect(existsSync(dataDir ?? '')).toBe(false)
  })
})
