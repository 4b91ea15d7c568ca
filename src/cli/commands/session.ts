import { filter, take, tap, toArray } from 'rxjs'
import type { ContextSyncResult } from '../../sync/types.js'
import type { Session, SessionCreateEvent } from '../../sessions/session.js'
import type { SessionListOptions, SessionStatus } from '../../sessions/types.js'
import { lastValueUntilAborted } from '../abort.js'
import type { CommandContext } from '../command-context.js'
import { OutcomeError, UsageError } from '../exit.js'
import { formatDuration, table } from '../render/format.js'
import { createTaskProgress } from '../render/task-progress.js'
import { failedUpload } from '../../sessions/delete.js'
import { followSync } from './sync.js'

// `agentbay-rx session create|list|delete`.

/** How often `session delete` asks whether the session is gone (the reference's 1 s is slow for a terminal). */
const DELETE_POLL_MS = 250

/** Options of `agentbay-rx session create`. */
export interface SessionCreateCommandOptions {
  readonly mount?: readonly { readonly contextId: string; readonly path: string }[]
  readonly image?: string
  readonly label?: Readonly<Record<string, string>>
}

/**
 * Creates a session. With `--mount`, shows the mounted contexts' download tasks live and exits 1
 * (printing the session id, which still exists) when a download failed or timed out.
 */
export async function sessionCreateCommand(ctx: CommandContext, options: SessionCreateCommandOptions): Promise<void> {
  const started = Date.now()
  const mounts = options.mount ?? []
  if (mounts.length > 0) ctx.out.line(`${ctx.out.color.bold('Creating')} session, downloading ${mounts.length} mounted context(s)`)
  const progress = createTaskProgress(ctx.out)
  const create$ = ctx.client().create({
    observe: 'events',
    ...(options.image === undefined ? {} : { imageId: options.image }),
    ...(options.label === undefined ? {} : { labels: options.label }),
    ...(mounts.length === 0 ? {} : { contextSync: mounts }),
  })
  let created: Session | undefined
  const ready = await lastValueUntilAborted(
    create$.pipe(
      tap((event) => {
        if (event.kind === 'created') created = event.session
        if (event.kind === 'task') progress.update(event.task)
        if (event.kind === 'session') progress.stop()
      }),
      filter((event): event is Extract<SessionCreateEvent, { kind: 'session' }> => event.kind === 'session'),
    ),
    ctx.signal,
  ).catch((error: unknown) => {
    progress.stop()
    // Ctrl-C or a failed wait after CreateMcpSession answered: say which session now exists.
    if (created !== undefined) ctx.out.warn(`agentbay-rx: session ${created.sessionId} was created; delete it with: agentbay-rx session delete ${created.sessionId}`)
    throw error
  })
  const { session, downloads } = ready
  const elapsedMs = Date.now() - started
  const ok = downloads === undefined || downloads.success
  ctx.out.result({ ok, requestId: ready.requestId, sessionId: session.sessionId, resourceUrl: session.resourceUrl ?? null, elapsedMs, downloads: downloads ?? null }, () => [
    `${ok ? ctx.out.color.green('✔') : ctx.out.color.red('✖')} session ${ctx.out.color.bold(session.sessionId)} created in ${formatDuration(elapsedMs)}` +
      (downloads === undefined ? '' : ok ? `, ${downloads.tasks.length} download(s) done` : `, but its contexts were not downloaded: ${downloads.errorMessage ?? ''}`),
  ])
  if (!ok) throw new OutcomeError(`session ${session.sessionId} was created but its contexts were not downloaded: ${downloads?.errorMessage ?? 'unknown reason'}`)
}

/** `session list [--label k=v] [--status S] [--limit N]`. */
export async function sessionListCommand(
  ctx: CommandContext,
  options: { readonly label?: Readonly<Record<string, string>>; readonly status?: string; readonly limit: number },
): Promise<void> {
  const listOptions: SessionListOptions = {
    ...(options.label === undefined ? {} : { labels: options.label }),
    ...(options.status === undefined ? {} : { status: options.status as SessionStatus }), // the SDK validates it
  }
  const sessions = await lastValueUntilAborted(ctx.client().list(listOptions).pipe(take(options.limit), toArray()), ctx.signal)
  const rows = sessions.map((s) => ({ sessionId: s.sessionId, status: s.status ?? null }))
  ctx.out.result({ ok: true, sessions: rows }, () =>
    rows.length === 0 ? [ctx.out.color.dim('No sessions.')] : table(['SESSION', 'STATUS'], rows.map((r) => [ctx.out.color.bold(r.sessionId), r.status ?? '-'])),
  )
}

/**
 * Deletes a session. With `--sync`, first uploads its contexts with live progress (as `sync --mode
 * upload` does); if that upload fails the session is kept and the exit code is 1, unless `--force`.
 */
export async function sessionDeleteCommand(ctx: CommandContext, id: string, options: { readonly sync?: boolean; readonly force?: boolean }): Promise<void> {
  // --force decides what happens when the upload of --sync fails; alone it would mean nothing.
  if (options.force === true && options.sync !== true) throw new UsageError('--force only applies with --sync (delete even if the upload before it fails)')
  const started = Date.now()
  const session = ctx.client().session(id)
  let upload: ContextSyncResult | undefined
  if (options.sync === true) {
    ctx.out.line(`${ctx.out.color.bold('Uploading')} the contexts of ${id} before deleting it`)
    // A remote failure (e.g. SyncContext answering 500) is a failed upload, as in the SDK's
    // delete: `--force` still deletes. Ctrl-C and invalid arguments still end the command.
    upload = await followSync(session.context.sync({ mode: 'upload' }), ctx.out, ctx.signal).then(
      (followed) => followed.result,
      (error: unknown) => failedUpload(error),
    )
    if (!upload.success && options.force !== true) {
      const message = `session ${id} was kept because the upload before delete failed (${upload.errorMessage ?? 'unknown reason'}); retry, or add --force`
      ctx.out.result({ ok: false, sessionId: id, deleted: false, upload }, () => `${ctx.out.color.red('✖')} ${message}`)
      throw new OutcomeError(message)
    }
  }
  const result = await lastValueUntilAborted(session.delete({ pollIntervalMs: DELETE_POLL_MS }), ctx.signal)
  const elapsedMs = Date.now() - started
  const ok = result.success && (upload === undefined || upload.success)
  ctx.out.result({ ok, sessionId: id, elapsedMs, ...result, ...(upload === undefined ? {} : { upload }) }, () =>
    `${ok ? ctx.out.color.green('✔') : ctx.out.color.yellow('!')} session ${id} deleted in ${formatDuration(elapsedMs)}${ok ? '' : ' (forced, although the upload failed)'}`,
  )
  if (!ok) throw new OutcomeError(result.errorMessage ?? `session ${id} was deleted (--force) although the upload before it failed: ${upload?.errorMessage ?? 'unknown reason'}`)
}
