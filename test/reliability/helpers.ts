// Shared harness of the reliability suite (issue 6): an emulator over real HTTP, a client whose
// sockets we own, and oracles that compare what the SDK reported with what the emulator did.
import { Agent, request as httpRequest } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import { firstValueFrom, type Observable, type Subscription } from 'rxjs'
import { startEmulator, type Emulator, type EmulatorOptions, type EmulatorTaskRecord } from '../../src/emulator/index.js'
import {
  AgentBay,
  adaptiveSchedule,
  isAgentBayError,
  isValidationError,
  type AgentBayClientOptions,
  type ContextStatusData,
  type ContextSyncResult,
  type Logger,
  type Session,
  type SyncOptions,
} from '../../src/entries/index.js'

// ---- settings --------------------------------------------------------------------------------------

/** Small client retry settings: three attempts, 5..20 ms backoff. */
export const RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } as const
/** Per-attempt timeout of ordinary clients: far above what the emulator needs on a loaded 2-core box (2 s was not). */
export const TIMEOUT_MS = 10_000
/** Per-attempt timeout of the client used against the `latency` fault: far above an unfaulted request on a loaded box. */
export const SHORT_TIMEOUT_MS = 500
/** What the `latency` fault adds: well past `SHORT_TIMEOUT_MS`. */
export const LATENCY_MS = 1500
/** Slack of the hang deadlines below: they tell a hang from a slow machine, they do not measure speed. */
const HANG_SLACK_MS = 15_000
/**
 * Sync settings for syncs that may fail: adaptive schedule from 50 ms (at most 100 ms apart), at
 * most 10 polls, so a sync whose polls keep failing ends on its poll count in about a second. The
 * budget is also a wall-clock deadline that includes requests in flight (issue 9): 10 × 500 ms = 5 s.
 */
export const SYNC: SyncOptions = { mode: 'upload', retryInterval: 500, schedule: adaptiveSchedule({ retryInterval: 50 }), maxRetries: 10, noTaskGraceMs: 300 }
/**
 * For a sync that must succeed: a budget no loaded machine exhausts on these short tasks. The
 * deadline is 200 × 100 ms = 20 s, and 200 polls on SYNC's schedule last about as long, so
 * neither bound ends it first; only a bug (a task never seen to finish) waits it out.
 */
export const GENEROUS_SYNC: SyncOptions = { ...SYNC, retryInterval: 100, maxRetries: 200 }
/** The emulator holds each task phase this long (pending, then running). */
export const TASK_DELAY_MS = 20
export const MOUNT = '/home/wuying/data'

/** Upper bound of one read call: every attempt times out, plus the largest backoffs, plus slack. */
export function infoDeadlineMs(timeoutMs: number, retryAfterMs = 0): number {
  return RETRY.attempts * timeoutMs + (RETRY.attempts - 1) * Math.max(RETRY.maxDelayMs, retryAfterMs) + HANG_SLACK_MS
}

/**
 * Upper bound of one sync. With a deadline (`maxRetries × retryInterval` > 0) it ends by then,
 * requests in flight included; by poll count it ends after the baseline poll, the trigger and at
 * most `maxRetries` polls with the schedule's waits between them; whichever comes first.
 */
export function syncDeadlineMs(timeoutMs: number, options: SyncOptions = SYNC, retryAfterMs = 0): number {
  const poll = infoDeadlineMs(timeoutMs, retryAfterMs) - HANG_SLACK_MS
  const polls = options.maxRetries ?? 150
  const retryInterval = options.retryInterval ?? 1500
  const schedule = options.schedule ?? adaptiveSchedule({ retryInterval })
  let waits = 0
  for (let index = 0; index < polls; index += 1) waits += schedule(index)
  const byPollCount = poll + timeoutMs + polls * poll + waits
  const budget = polls * retryInterval
  return (budget > 0 ? Math.min(budget, byPollCount) : byPollCount) + HANG_SLACK_MS
}

// ---- a fetch whose sockets we own --------------------------------------------------------------------

/**
 * `fetch` over `node:http` with our own keep-alive `Agent`, so a test can see every socket the
 * client holds (`agent.sockets` = requests in flight, `agent.freeSockets` = idle keep-alive) and
 * close them all with `agent.destroy()`. The global fetch keeps undici's pool out of reach.
 * `onResponse` sees each answer's action before the SDK does (used to arm faults after a trigger).
 */
export function agentFetch(agent: Agent, onResponse?: (action: string, status: number) => void, onRequest?: (action: string) => void): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init)
    onRequest?.(new URL(request.url).searchParams.get('Action') ?? '')
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
    const url = new URL(request.url)
    const requestHeaders: Record<string, string> = {}
    request.headers.forEach((value, key) => (requestHeaders[key] = value))
    return new Promise<Response>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: request.method, headers: requestHeaders, agent, signal: request.signal },
        (res) => {
          const headers = new Headers()
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!)
          const status = res.statusCode ?? 0
          onResponse?.(url.searchParams.get('Action') ?? '', status)
          const nullBody = status === 204 || status === 304 || request.method === 'HEAD'
          if (nullBody) res.resume()
          resolve(new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }
}

// ---- emulator ----------------------------------------------------------------------------------------

export interface Harness {
  readonly emulator: Emulator
  /** Every line the emulator logged (one per finished request). */
  readonly logLines: string[]
  /** Requests the emulator started handling and has not finished (RPC + presigned). */
  handlersOpen(): number
  /** Waits until the emulator finished every request handler and every sync task. */
  quiesce(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-reliability-'))
  const logLines: string[] = []
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: TASK_DELAY_MS, ...options, log: (line) => logLines.push(line) })
  const handlersOpen = (): number => {
    const stats = emulator.stats()
    const started = Object.values(stats.calls).reduce((sum, n) => sum + n, 0) + stats.fileRequests
    return started - logLines.length
  }
  return {
    emulator,
    logLines,
    handlersOpen,
    async quiesce(timeoutMs = 30_000) {
      // A request the client aborted may still sit in the emulator's socket buffer and be handled a
      // moment later: wait until the counters have stayed at rest for 25 ms.
      const deadline = Date.now() + timeoutMs
      for (;;) {
        await emulator.idle()
        await until(() => handlersOpen() === 0, Math.max(0, deadline - Date.now()), () => `emulator still handling ${handlersOpen()} request(s)`)
        const seen = logLines.length
        await new Promise((resolve) => setTimeout(resolve, 25))
        if (handlersOpen() === 0 && logLines.length === seen && emulator.stats().activeTasks === 0) return
      }
    },
    async close() {
      await emulator.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls `probe` every 5 ms until it holds; throws `describe()` after `timeoutMs`. */
export async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(describe())
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

// ---- client ------------------------------------------------------------------------------------------

/** A logger that keeps every message and detail as text (to search for the key). */
export function capturingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = []
  const record = (level: string) => (message: string, ...details: unknown[]) =>
    void lines.push(`${level} ${message} ${details.map((d) => inspect(d, { depth: 6 })).join(' ')}`)
  return { lines, debug: record('debug'), warn: record('warn') }
}

export interface TestClient {
  readonly agentBay: AgentBay
  readonly agent: Agent
  readonly logger: ReturnType<typeof capturingLogger>
  /** Called with each answer's action before the SDK reads it. */
  onResponse: ((action: string, status: number) => void) | undefined
  /**
   * Requests this client sent, per action (`''` for presigned URLs). Counted as they leave, so
   * "nothing sent afterwards" does not depend on when the emulator gets round to reading them.
   */
  readonly sent: Map<string, number>
  /** Closes the client's sockets (idle and busy). */
  destroy(): void
}

/** A client of `target` (an emulator, local or remote) over `agentFetch`, with the small retry settings. */
export function createClient(target: { readonly apiKey: string; readonly endpoint: string }, options: Partial<AgentBayClientOptions> = {}): TestClient {
  const agent = new Agent({ keepAlive: true })
  const logger = capturingLogger()
  const client: TestClient = {
    agent,
    logger,
    onResponse: undefined,
    sent: new Map(),
    agentBay: undefined as unknown as AgentBay,
    destroy: () => agent.destroy(),
  }
  const agentBay = new AgentBay({
    apiKey: target.apiKey,
    endpoint: target.endpoint,
    env: {},
    retry: RETRY,
    timeoutMs: TIMEOUT_MS,
    logger,
    fetch: agentFetch(
      agent,
      (action, status) => client.onResponse?.(action, status),
      (action) => void client.sent.set(action, (client.sent.get(action) ?? 0) + 1),
    ),
    ...options,
  })
  Object.assign(client, { agentBay })
  return client
}

/** Requests `client` sent in total, or of one action. */
export const requestsSent = (client: TestClient, action?: string): number =>
  action === undefined ? [...client.sent.values()].reduce((sum, n) => sum + n, 0) : (client.sent.get(action) ?? 0)

/** Requests the client has in flight (sockets assigned to a request). */
export const busySockets = (agent: Agent): number => Object.values(agent.sockets).reduce((sum, list) => sum + (list?.length ?? 0), 0)

/** Creates a context and a session mounting it at `MOUNT` (download at creation included). */
export async function sessionWithMount(agentBay: AgentBay, name: string): Promise<{ session: Session; contextId: string }> {
  const context = await firstValueFrom(agentBay.context.create(`${name}-${Math.random().toString(16).slice(2, 10)}`))
  const created = await agentBay.createAsync({
    contextSync: [{ contextId: context.id, path: MOUNT }],
    downloadWait: { schedule: () => 20, maxPolls: 1500, noTaskGraceMs: 2000 }, // 30 s of waits: never binds on a loaded box
  })
  if (!created.success || created.session === undefined) throw new Error(`session not created: ${created.errorMessage ?? ''}`)
  return { session: created.session, contextId: context.id }
}

// ---- unhandled rejections ----------------------------------------------------------------------------

/** Records every unhandled rejection from `start()` until `stop()`. */
export function rejectionRecorder() {
  const seen: unknown[] = []
  const listener = (reason: unknown) => void seen.push(reason)
  return {
    seen,
    start: () => void process.on('unhandledRejection', listener),
    stop: () => void process.off('unhandledRejection', listener),
  }
}

/** Active handles by type (`Timeout`, `TCPSocketWrap`, …) as Node reports them for this process. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1
  return counts
}
export const activeCount = (kind: string): number => activeResources()[kind] ?? 0

/** Lets queued promise callbacks (and a would-be unhandled rejection) run. */
export const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

// ---- outcomes and oracles ----------------------------------------------------------------------------

/** What one call reported, reduced to three cases. */
export type Verdict =
  | { readonly kind: 'success'; readonly tasks: readonly ContextStatusData[] }
  | { readonly kind: 'failure'; readonly tasks: readonly ContextStatusData[]; readonly timedOut: boolean; readonly error?: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'hung' }

export const syncVerdict = (result: ContextSyncResult): Verdict =>
  result.success
    ? { kind: 'success', tasks: result.tasks }
    : { kind: 'failure', tasks: result.tasks, timedOut: result.timedOut, ...(result.error === undefined ? {} : { error: result.error }) }

/** Runs `work` with a deadline: a call still pending past it is reported `hung` (and aborted). */
export async function withDeadline<T>(deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<{ value?: T; hung: boolean; elapsedMs: number }> {
  const controller = new AbortController()
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), deadlineMs)))
  try {
    const outcome = await Promise.race([work(controller.signal), hung])
    if (outcome === 'hung') {
      controller.abort()
      return { hung: true, elapsedMs: performance.now() - started }
    }
    return { value: outcome, hung: false, elapsedMs: performance.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

/** Subscribes to a sync stream and folds it into a verdict: completion reports the last state of each task. */
export function observeSync(source: Observable<ContextStatusData>, signal: AbortSignal): Promise<Verdict> {
  return new Promise<Verdict>((resolve) => {
    const last = new Map<string, ContextStatusData>()
    let subscription: Subscription | undefined = undefined
    const onAbort = () => subscription?.unsubscribe()
    signal.addEventListener('abort', onAbort, { once: true })
    subscription = source.subscribe({
      next: (task) => void last.set(identity(task), task),
      error: (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        resolve({ kind: 'error', error })
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort)
        const tasks = [...last.values()]
        const done = tasks.every((task) => task.status === 'Success' || task.status === 'Failed')
        const failed = tasks.some((task) => task.status === 'Failed')
        resolve(done && !failed ? { kind: 'success', tasks } : { kind: 'failure', tasks, timedOut: !done })
      },
    })
  })
}

export const identity = (task: Pick<ContextStatusData, 'contextId' | 'path' | 'taskType' | 'startTime'>): string =>
  JSON.stringify([task.contextId, task.path, task.taskType, task.startTime])

/** The emulator's sync tasks that a call created: records of `sessionId` whose id is not in `before`. */
export function newSyncTasks(emulator: Emulator, sessionId: string, before: ReadonlySet<string>): EmulatorTaskRecord[] {
  return emulator.tasks({ sessionId }).filter((task) => task.trigger === 'sync' && !before.has(task.taskId))
}

/**
 * The tasks one sync call started: by the `RequestId` of its SyncContext answer when the client
 * saw one (exact even when an earlier, timed-out trigger is handled late), else new since `before`.
 */
export function tasksOfSync(emulator: Emulator, sessionId: string, requestId: string | undefined, before: ReadonlySet<string>): EmulatorTaskRecord[] {
  if (requestId === undefined || requestId === '') return newSyncTasks(emulator, sessionId, before)
  return emulator.tasks({ sessionId }).filter((task) => task.trigger === 'sync' && task.requestId === requestId)
}

export const taskIds = (emulator: Emulator, sessionId: string): Set<string> => new Set(emulator.tasks({ sessionId }).map((task) => task.taskId))

/**
 * The sync oracle. Returns the problems found (empty = the report is honest):
 * - success ⇒ the emulator ran tasks for this call, every one ended `Success`, and the report names
 *   exactly those tasks, all `Success`;
 * - failure ⇒ every task reported `Failed` really failed;
 * - error ⇒ it is one of our typed remote errors (never a ValidationError, never a raw Error);
 * - never hung.
 */
export function checkSyncVerdict(verdict: Verdict, created: readonly EmulatorTaskRecord[]): string[] {
  const problems: string[] = []
  switch (verdict.kind) {
    case 'hung':
      problems.push('the call hung past its deadline')
      break
    case 'error':
      if (!isAgentBayError(verdict.error) || isValidationError(verdict.error)) problems.push(`untyped error: ${inspect(verdict.error)}`)
      break
    case 'success': {
      if (created.length === 0) problems.push('success reported but the emulator ran no task for this sync')
      for (const task of created) if (task.status !== 'Success') problems.push(`success reported but emulator task ${task.taskId} is ${task.status}`)
      const reported = new Map(verdict.tasks.map((task) => [identity(task), task]))
      if (reported.size !== created.length) problems.push(`success reported with ${reported.size} task(s), emulator ran ${created.length}`)
      for (const task of verdict.tasks) if (task.status !== 'Success') problems.push(`success reported with a ${task.status} task`)
      for (const task of created) if (!reported.has(identity(task))) problems.push(`emulator task ${task.taskId} missing from the report`)
      break
    }
    case 'failure': {
      if (verdict.error !== undefined && (!isAgentBayError(verdict.error) || isValidationError(verdict.error)))
        problems.push(`untyped error: ${inspect(verdict.error)}`)
      const truth = new Map(created.map((task) => [identity(task), task]))
      for (const task of verdict.tasks) {
        if (task.status !== 'Failed') continue
        const real = truth.get(identity(task))
        if (real?.status !== 'Failed') problems.push(`task reported Failed but the emulator says ${real?.status ?? 'no such task'}`)
      }
      break
    }
  }
  return problems
}

/** The key must appear nowhere: not in messages, causes, JSON forms or logs. */
export function keyLeaks(apiKey: string, ...things: unknown[]): string[] {
  const needles = [apiKey, encodeURIComponent(apiKey)]
  const leaks: string[] = []
  for (const thing of things) {
    const texts = [typeof thing === 'string' ? thing : inspect(thing, { depth: 8, showHidden: true })]
    try {
      texts.push(JSON.stringify(thing) ?? '')
    } catch {
      // circular: inspect covers it
    }
    if (thing instanceof Error) texts.push(thing.message, String(thing.stack))
    for (const text of texts) for (const needle of needles) if (text.includes(needle)) leaks.push(text.slice(0, 300))
  }
  return leaks
}
