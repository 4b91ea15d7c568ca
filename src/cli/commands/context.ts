import { take, tap, toArray } from 'rxjs'
import type { Context, ContextFileEntry } from '../../contexts/types.js'
import { lastValueUntilAborted } from '../abort.js'
import type { CommandContext } from '../command-context.js'
import { UsageError } from '../exit.js'
import type { Output } from '../output.js'
import { formatBytes, formatDuration, table } from '../render/format.js'

// `agentbay-rx context list|get|create|rename|delete|files|clear`: thin wrappers over
// `agentBay.context`. Each prints a table or a line, or one JSON document with --json.

/** `context list [--session ID] [--limit N]`: pages are fetched lazily, so `--limit` bounds the requests too. */
export async function contextListCommand(ctx: CommandContext, options: { readonly session?: string; readonly limit: number }): Promise<void> {
  const list$ = ctx.client().context.list({ ...(options.session === undefined ? {} : { sessionId: options.session }) })
  const contexts = await lastValueUntilAborted(list$.pipe(take(options.limit), toArray()), ctx.signal)
  ctx.out.result({ ok: true, contexts }, () => contextTable(ctx.out, contexts))
}

/** `context get NAME [--create]` or `context get --id ID`. */
export async function contextGetCommand(
  ctx: CommandContext,
  name: string | undefined,
  options: { readonly id?: string; readonly create?: boolean },
): Promise<void> {
  if ((name === undefined) === (options.id === undefined)) throw new UsageError('give either a context name or --id <id>')
  if (options.id !== undefined && options.create === true) throw new UsageError('--create needs a name, not --id')
  const service = ctx.client().context
  const get$ = options.id !== undefined ? service.getById(options.id) : service.get(name ?? '', { create: options.create === true })
  const context = await lastValueUntilAborted(get$, ctx.signal)
  ctx.out.result({ ok: true, context }, () => contextTable(ctx.out, [context]))
}

/** `context create NAME`: gets or creates (the service's AllowCreate semantics). */
export async function contextCreateCommand(ctx: CommandContext, name: string): Promise<void> {
  const context = await lastValueUntilAborted(ctx.client().context.create(name), ctx.signal)
  ctx.out.result({ ok: true, context }, () => `${ctx.out.color.green('✔')} context ${ctx.out.color.bold(context.id)} (${context.name}) is ${context.state}`)
}

/** `context rename ID NAME`. */
export async function contextRenameCommand(ctx: CommandContext, id: string, name: string): Promise<void> {
  const ack = await lastValueUntilAborted(ctx.client().context.update({ id, name }), ctx.signal)
  ctx.out.result({ ok: true, requestId: ack.requestId, context: { id, name } }, () => `${ctx.out.color.green('✔')} context ${id} renamed to ${name}`)
}

/** `context delete ID`: the context and its stored data. */
export async function contextDeleteCommand(ctx: CommandContext, id: string): Promise<void> {
  const ack = await lastValueUntilAborted(ctx.client().context.delete({ id }), ctx.signal)
  ctx.out.result({ ok: true, requestId: ack.requestId, deleted: id }, () => `${ctx.out.color.green('✔')} context ${id} deleted`)
}

/** `context files ID [FOLDER] [--page N] [--page-size N]`. */
export async function contextFilesCommand(
  ctx: CommandContext,
  id: string,
  folder: string,
  options: { readonly page: number; readonly pageSize: number },
): Promise<void> {
  const page = await lastValueUntilAborted(
    ctx.client().context.listFiles(id, folder, { pageNumber: options.page, pageSize: options.pageSize }),
    ctx.signal,
  )
  ctx.out.result({ ok: true, contextId: id, folder, ...page }, () => fileTable(ctx.out, page.entries))
}

/** `context clear ID [--timeout S]`: prints each state until `available`; exit 1 on timeout. */
export async function contextClearCommand(ctx: CommandContext, id: string, options: { readonly timeout: number }): Promise<void> {
  const started = Date.now()
  const states: string[] = []
  const clear$ = ctx.client().context.clear(id, { timeoutMs: options.timeout * 1000, pollIntervalMs: 500 }).pipe(
    tap((state) => {
      states.push(state)
      ctx.out.line(`  ${ctx.out.color.dim(`[${formatDuration(Date.now() - started).padStart(6)}]`)} ${state}`)
    }),
  )
  await lastValueUntilAborted(clear$.pipe(toArray()), ctx.signal)
  const elapsedMs = Date.now() - started
  ctx.out.result({ ok: true, contextId: id, states, elapsedMs }, () => `${ctx.out.color.green('✔')} context ${id} cleared in ${formatDuration(elapsedMs)}`)
}

// ---- rendering -------------------------------------------------------------------------------

/** Contexts as an aligned table. */
export function contextTable(out: Output, contexts: readonly Context[]): string[] {
  if (contexts.length === 0) return [out.color.dim('No contexts.')]
  return table(
    ['ID', 'NAME', 'STATE', 'CREATED', 'LAST USED'],
    contexts.map((c) => [out.color.bold(c.id), c.name, c.state, c.createdAt ?? '-', c.lastUsedAt ?? '-']),
  )
}

/** Context files as an aligned table. */
export function fileTable(out: Output, entries: readonly ContextFileEntry[]): string[] {
  if (entries.length === 0) return [out.color.dim('No files.')]
  return table(
    ['PATH', 'TYPE', 'SIZE', 'MODIFIED'],
    entries.map((e) => [e.filePath, e.fileType ?? '-', e.fileType === 'folder' ? '-' : formatBytes(e.size), e.gmtModified ?? '-']),
  )
}

