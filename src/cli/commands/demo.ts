import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { filter, tap } from 'rxjs'
import { AgentBay } from '../../client/agentbay.js'
import { fixedSchedule } from '../../rpc/poll-schedule.js'
import type { ContextSyncResult } from '../../sync/types.js'
import type { Emulator } from '../../emulator/index.js'
import type { Session, SessionCreateEvent } from '../../sessions/session.js'
import { lastValueUntilAborted } from '../abort.js'
import type { CommandContext } from '../command-context.js'
import { OutcomeError } from '../exit.js'
import type { Output } from '../output.js'
import { createByteProgress } from '../render/byte-progress.js'
import { formatBytes, formatDuration } from '../render/format.js'
import { createTaskProgress } from '../render/task-progress.js'
import { followSync } from './sync.js'

// `agentbay-rx demo` (what `npm start` runs): the persistence story end to end against an
// in-process emulator. Session A writes files into a mounted context and uploads them; A is
// deleted; session B mounts the same context, downloads it on creation, and the bytes are checked.

/** Options of `agentbay-rx demo`. */
export interface DemoOptions {
  /** Size of the large file in MiB. Default 4. */
  readonly sizeMiB?: number
}

/** Where the context is mounted in both sessions. */
const MOUNT = '/home/wuying/demo'
/** Raw bytes per `write_file` call: base64 + form encoding keep it under the emulator's 1 MiB form limit. */
const WRITE_CHUNK = 512 * 1024
/** Emulator pacing: slow enough to watch the tasks move, fast enough to finish in a few seconds. */
const EMULATOR_PACING = { taskDelayMs: 150, bytesPerSecond: 8 * 1024 * 1024 } as const
/** Client pacing against a loopback emulator: poll often. */
const POLL_MS = 150

interface DemoFile {
  readonly path: string
  readonly data: Uint8Array
  readonly sha256: string
}

/** The numbers the demo ends with (also the `summary` of `--json`). */
export interface DemoSummary {
  /** Sync tasks the client followed (A's download, A's upload, B's download). */
  readonly tasks: number
  readonly tasksSucceeded: number
  readonly tasksFailed: number
  /** Uploads the emulator ran on its own when a session was released (autoUpload policy); not in `tasks`. */
  readonly autoUploads: number
  readonly files: number
  readonly filesVerified: number
  readonly bytesWritten: number
  /** Bytes the emulator copied (its own task records) for the upload sync of session A… */
  readonly bytesUploaded: number
  /** …and for the download at the creation of sessions A and B (A's found nothing). */
  readonly bytesDownloaded: number
  readonly bytesVerified: number
  readonly elapsedMs: number
  /** HTTP requests the client sent (counted by the `fetch` given to `new AgentBay`). */
  readonly requests: number
  /** Requests the emulator received (its stats: RPC calls + presigned file requests). */
  readonly emulatorRequests: number
}

/**
 * Runs the story against an emulator started in-process on a free loopback port with a temp data
 * dir; both are removed at the end, also on failure and Ctrl-C. Exit 1 if a byte did not survive.
 */
export async function demoCommand(ctx: CommandContext, options: DemoOptions = {}): Promise<void> {
  const { out, signal } = ctx
  const { color } = out
  const started = Date.now()
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-demo-'))
  let emulator: Emulator | undefined
  try {
    const { startEmulator } = await import('../../emulator/index.js') // loaded only for the demo
    emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, ...EMULATOR_PACING })
    let requests = 0
    const countingFetch: typeof fetch = (input, init) => {
      requests++
      return fetch(input, init)
    }
    const agentBay = new AgentBay({ endpoint: emulator.url, apiKey: emulator.apiKey, fetch: countingFetch, env: {} })
    const until = <T>(source: Parameters<typeof lastValueUntilAborted<T>>[0]): Promise<T> => lastValueUntilAborted(source, signal)
    const step = stepper(out)

    out.line(`${color.bold('AgentBay persistence demo')} ${color.dim(`(emulator at ${emulator.url}, temporary data in ${dataDir}, removed when the demo ends)`)}`)

    // 1. A context: the storage that outlives sessions.
    const context = await until(agentBay.context.create(`demo-${randomBytes(3).toString('hex')}`))
    step(`Created context ${color.bold(context.name)} ${color.dim(`(${context.id})`)}`)
    const mount = [{ contextId: context.id, path: MOUNT }]

    // 2. Session A mounts it (its download at creation finds nothing yet).
    step(`Creating session A, mounting ${context.id} at ${MOUNT}`)
    const a = await createWithProgress(agentBay, mount, out, signal)
    out.line(`    session A is ${color.bold(a.session.sessionId)}`)

    // 3. A writes files, one of them large, through session.fs.
    const files = demoFiles(options.sizeMiB ?? 4)
    const bytesWritten = files.reduce((sum, file) => sum + file.data.length, 0)
    step(`Session A writes ${files.length} files (${formatBytes(bytesWritten)})`)
    for (const file of files) {
      await writeChunked(a.session, file, out, signal)
      out.line(`    ${color.green('✔')} ${file.path} ${color.dim(`${formatBytes(file.data.length)} sha256 ${file.sha256.slice(0, 12)}…`)}`)
    }

    // 4. Upload: session → context storage, with live task progress.
    step('Upload sync (session A → context storage)')
    const upload = await followSync(a.session.context.sync({ mode: 'upload', retryInterval: POLL_MS }), out, signal, { indent: '    ' })
    reportSync(out, upload.result, upload.elapsedMs)
    const stored = await until(agentBay.context.listFiles(context.id, '/'))
    out.line(`    context storage now lists ${stored.entries.length} entr${stored.entries.length === 1 ? 'y' : 'ies'}: ${stored.entries.map((e) => e.fileName ?? e.filePath).join(', ')}`)

    // 5. A goes away; the data must not.
    await until(a.session.delete({ pollIntervalMs: POLL_MS }))
    step(`Deleted session A ${color.dim(`(${a.session.sessionId})`)}`)

    // 6. Session B mounts the same context and downloads it on creation.
    step(`Creating session B, mounting ${context.id}: the context downloads on creation`)
    const b = await createWithProgress(agentBay, mount, out, signal)
    out.line(`    session B is ${color.bold(b.session.sessionId)}`)

    // 7. Same bytes?
    step('Verifying the files in session B (sha256)')
    let filesVerified = 0
    let bytesVerified = 0
    for (const file of files) {
      const data = await until(b.session.fs.readBytes(file.path))
      const sha256 = sha256Hex(data)
      const same = sha256 === file.sha256 && data.length === file.data.length
      if (same) {
        filesVerified++
        bytesVerified += data.length
      }
      out.line(`    ${same ? color.green('✔') : color.red('✖')} ${file.path} ${color.dim(`${formatBytes(data.length)} sha256 ${sha256.slice(0, 12)}…`)}`)
    }
    await until(b.session.delete({ pollIntervalMs: POLL_MS }))
    out.line(`    deleted session B ${color.dim(`(${b.session.sessionId})`)}`)

    // Summary: the client's counts, checked against what the emulator recorded.
    await emulator.idle()
    const followed = [...a.tasks, ...upload.result.tasks, ...b.tasks]
    // The emulator's own records of those tasks: what it really copied.
    const records = emulator.tasks({ contextId: context.id })
    const copied = (taskType: 'upload' | 'download', trigger: 'sync' | 'create'): number =>
      records.filter((r) => r.taskType === taskType && r.trigger === trigger && r.status === 'Success').reduce((sum, r) => sum + r.bytesCopied, 0)
    const stats = emulator.stats()
    const summary: DemoSummary = {
      tasks: followed.length,
      tasksSucceeded: followed.filter((t) => t.status === 'Success').length,
      tasksFailed: followed.filter((t) => t.status === 'Failed').length,
      autoUploads: records.filter((r) => r.trigger === 'delete').length,
      files: files.length,
      filesVerified,
      bytesWritten,
      bytesUploaded: copied('upload', 'sync'),
      bytesDownloaded: copied('download', 'create'),
      bytesVerified,
      elapsedMs: Date.now() - started,
      requests,
      emulatorRequests: Object.values(stats.calls).reduce((sum, n) => sum + n, 0) + stats.fileRequests,
    }
    const ok = summary.tasksFailed === 0 && summary.tasks === summary.tasksSucceeded && filesVerified === files.length
    out.result(
      {
        ok,
        endpoint: emulator.url,
        dataDir, // removed before the process exits

        contextId: context.id,
        sessions: { a: a.session.sessionId, b: b.session.sessionId },
        files: files.map((f) => ({ path: f.path, bytes: f.data.length, sha256: f.sha256 })),
        summary,
      },
      () => summaryLines(out, summary, ok),
    )
    if (!ok) throw new OutcomeError(`demo failed: ${files.length - filesVerified} file(s) did not survive, ${summary.tasksFailed} task(s) failed`)
  } finally {
    // Also on Ctrl-C (InterruptedError) and failures: nothing is left behind.
    await emulator?.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

// ---- steps -------------------------------------------------------------------------------------

function stepper(out: Output): (text: string) => void {
  let n = 0
  return (text) => out.line(`${out.color.cyan(`${String(++n).padStart(2)}.`)} ${text}`)
}

/** `create({ observe: 'events' })` with the download tasks shown live; resolves to the ready session and its tasks. */
async function createWithProgress(
  agentBay: AgentBay,
  contextSync: readonly { readonly contextId: string; readonly path: string }[],
  out: Output,
  signal: AbortSignal,
): Promise<{ readonly session: Session; readonly tasks: ContextSyncResult['tasks'] }> {
  const progress = createTaskProgress(out, { indent: '    ' })
  const started = Date.now()
  try {
    const ready = await lastValueUntilAborted(
      agentBay
        .create({ observe: 'events', contextSync, downloadWait: { schedule: fixedSchedule(POLL_MS), noTaskGraceMs: 2000 } })
        .pipe(
          tap((event) => {
            if (event.kind === 'task') progress.update(event.task)
          }),
          filter((event): event is Extract<SessionCreateEvent, { kind: 'session' }> => event.kind === 'session'),
        ),
      signal,
    )
    progress.stop()
    const downloads = ready.downloads
    if (downloads !== undefined) reportSync(out, downloads, Date.now() - started)
    if (downloads !== undefined && !downloads.success) {
      throw new OutcomeError(`session ${ready.session.sessionId} could not download its context: ${downloads.errorMessage ?? 'unknown reason'}`)
    }
    return { session: ready.session, tasks: downloads?.tasks ?? [] }
  } finally {
    progress.stop()
  }
}

function reportSync(out: Output, result: ContextSyncResult, elapsedMs: number): void {
  const { color } = out
  if (!result.success) throw new OutcomeError(`sync failed: ${result.errorMessage ?? 'unknown reason'}`)
  out.line(`    ${color.green('✔')} ${result.tasks.length} task(s) done in ${formatDuration(elapsedMs)}`)
}

/** Writes a file in chunks (`overwrite`, then `append`), drawing a byte bar on a terminal. */
async function writeChunked(session: Session, file: DemoFile, out: Output, signal: AbortSignal): Promise<void> {
  const progress = file.data.length > WRITE_CHUNK ? createByteProgress(out, file.path, file.data.length) : undefined
  try {
    for (let offset = 0; offset === 0 || offset < file.data.length; offset += WRITE_CHUNK) {
      const chunk = file.data.subarray(offset, offset + WRITE_CHUNK)
      await lastValueUntilAborted(session.fs.writeFile(file.path, chunk, { mode: offset === 0 ? 'overwrite' : 'append' }), signal)
      progress?.advance(chunk.length)
    }
  } finally {
    progress?.stop()
  }
}

function demoFiles(sizeMiB: number): DemoFile[] {
  const encoder = new TextEncoder()
  const make = (name: string, data: Uint8Array): DemoFile => ({ path: `${MOUNT}/${name}`, data, sha256: sha256Hex(data) })
  return [
    make('notes.txt', encoder.encode(`Written by session A at ${new Date().toISOString()}.\nIf session B can read this, the context persisted.\n`)),
    make('config.json', encoder.encode(`${JSON.stringify({ model: 'demo', retries: 3, tags: ['persist', 'sync'] }, null, 2)}\n`)),
    make('blob.bin', randomText(sizeMiB * 1024 * 1024)),
  ]
}

/**
 * `length` random bytes that are ASCII (base64 letters): `fs.writeFile` sends text, since the
 * service's `write_file` takes text only (calls doc §1.5); random binary would be refused.
 */
const randomText = (length: number): Uint8Array => new TextEncoder().encode(randomBytes(Math.ceil((length * 3) / 4)).toString('base64').slice(0, length))

const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

function summaryLines(out: Output, s: DemoSummary, ok: boolean): string[] {
  const { color } = out
  const row = (label: string, value: string): string => `  ${color.dim(label.padEnd(9))} ${value}`
  return [
    '',
    ok ? color.green(color.bold('✔ The data survived the session.')) : color.red(color.bold('✖ The data did not survive.')),
    row('tasks', `${s.tasks} followed (${s.tasksSucceeded} succeeded, ${s.tasksFailed} failed)`),
    // The autoUpload policy's uploads, said in plain words for someone new to AgentBay.
    row('on delete', `${s.autoUploads} upload${s.autoUploads === 1 ? '' : 's'} the service ran by itself, saving each session's files as it was deleted`),
    row('files', `${s.filesVerified}/${s.files} verified by sha256`),
    row('bytes', `${s.bytesWritten} written, ${s.bytesUploaded} uploaded, ${s.bytesDownloaded} downloaded, ${s.bytesVerified} verified (${formatBytes(s.bytesVerified)})`),
    row('time', `${formatDuration(s.elapsedMs)} (${s.elapsedMs} ms)`),
    row('requests', `${s.requests} sent by the client, ${s.emulatorRequests} received by the emulator`),
  ]
}
