import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { ContextStatusFromString, type ContextStatusData } from '../../src/wire/codecs/context-status.js'
import { API_VERSION, QUERY_FIELDS, bearer, isAction, isTerminalStatus } from '../../src/wire/protocol.js'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js'

/** A raw answer: status, headers and body text, plus the body parsed when it is JSON. */
export interface RawAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions index freely
}

/** Node `querystring.escape` semantics (space → %20), as the TS core sends (protocol §1.4). */
export const encodeForm = (fields: Record<string, string | undefined>): string =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')

/**
 * POSTs one action exactly as the TS core does (protocol §1.2–1.6): common fields in the query,
 * `Authorization` in the body (or in the query for SyncContext), the rest form-encoded.
 */
export async function rpc(
  emulator: Pick<Emulator, 'url'>,
  apiKey: string | undefined,
  action: string,
  params: Record<string, string | undefined> = {},
): Promise<RawAnswer> {
  const query = new URLSearchParams({
    Action: action,
    Format: 'json',
    Version: API_VERSION,
    Timestamp: new Date().toISOString().slice(0, 19) + 'Z',
    SignatureNonce: Math.random().toString(16).slice(2),
  })
  const all: Record<string, string | undefined> = { ...(apiKey === undefined ? {} : { Authorization: bearer(apiKey) }), ...params }
  const inQuery = new Set(isAction(action) ? (QUERY_FIELDS[action] ?? []) : [])
  const body: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) continue
    if (inQuery.has(key)) query.set(key, value)
    else body[key] = value
  }
  return send(`${emulator.url}?${query.toString().replace(/\+/g, '%20')}`, encodeForm(body))
}

/** Sends a prepared request line + body (for wire-level tests). */
export async function send(url: string, body: string, init: RequestInit = {}): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    ...init,
  })
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    // left empty: fault tests look at `text`
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** Calls an action and insists on a successful envelope; returns `Data` and the whole body. */
export async function ok(emulator: Emulator, action: string, params: Record<string, string | undefined> = {}, apiKey = emulator.apiKey) {
  const answer = await rpc(emulator, apiKey, action, params)
  if (answer.status !== 200 || answer.json['Success'] !== true)
    throw new Error(`${action} failed: HTTP ${answer.status} ${answer.text}`)
  return answer.json
}

/** Creates (or gets) a context by name and returns its id. */
export async function createContext(emulator: Emulator, name: string, apiKey = emulator.apiKey): Promise<string> {
  const body = await ok(emulator, 'GetContext', { Name: name, AllowCreate: 'true' }, apiKey)
  return body['Data']['Id'] as string
}

/** Creates a session mounting `mounts`; returns its id. */
export async function createSession(
  emulator: Emulator,
  mounts: { contextId: string; path: string; policy?: unknown }[] = [],
  extra: Record<string, string> = {},
  apiKey = emulator.apiKey,
): Promise<string> {
  const list = mounts.map((m) => ({
    ContextId: m.contextId,
    Path: m.path,
    ...(m.policy === undefined ? {} : { Policy: typeof m.policy === 'string' ? m.policy : JSON.stringify(m.policy) }),
  }))
  const body = await ok(
    emulator,
    'CreateMcpSession',
    { ImageId: 'linux_latest', ...(mounts.length > 0 ? { PersistenceDataList: JSON.stringify(list) } : {}), ...extra },
    apiKey,
  )
  return body['Data']['SessionId'] as string
}

/** Runs a session file tool; returns `{ text, isError }`. */
export async function tool(emulator: Emulator, sessionId: string, name: string, args: Record<string, unknown>, apiKey = emulator.apiKey) {
  const body = await ok(emulator, 'CallMcpTool', { SessionId: sessionId, Name: name, Args: JSON.stringify(args) }, apiKey)
  return { text: body['Data']['content'][0]['text'] as string, isError: body['Data']['isError'] as boolean }
}

/** GetContextInfo decoded through the shared codec (three JSON layers, protocol §4). */
export async function contextInfo(emulator: Emulator, params: Record<string, string | undefined>): Promise<ContextStatusData[]> {
  const body = await ok(emulator, 'GetContextInfo', params)
  const decoded = ContextStatusFromString.decode(body['Data']['ContextStatus'])
  if (decoded._tag === 'Left') throw new Error(`bad ContextStatus: ${String(body['Data']['ContextStatus'])}`)
  return decoded.right
}

/** Polls GetContextInfo until every listed task is terminal (and at least `atLeast` exist). */
export async function waitForTasks(
  emulator: Emulator,
  params: Record<string, string | undefined>,
  { atLeast = 1, timeoutMs = 30_000 } = {},
): Promise<ContextStatusData[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const tasks = await contextInfo(emulator, params)
    if (tasks.length >= atLeast && tasks.every((task) => isTerminalStatus(task.status))) return tasks
    if (Date.now() > deadline) throw new Error(`tasks not finished: ${JSON.stringify(tasks)}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Polls `probe` until it returns true (the ceiling tells a hang from a loaded machine). */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Per-test emulator on 127.0.0.1:0 with a fresh temp dataDir, closed (and the directory removed)
 * in afterEach. `start()` may be called again with the same dataDir to test restarts.
 */
export function useEmulator(defaults: EmulatorOptions = {}) {
  const running: Emulator[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.close()))
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })
  return {
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'agentbay-emulator-test-'))
      dirs.push(dir)
      return dir
    },
    async start(options: EmulatorOptions = {}): Promise<Emulator> {
      const dataDir = options.dataDir ?? (await this.tempDir())
      const emulator = await startEmulator({ taskDelayMs: 20, ...defaults, ...options, dataDir })
      running.push(emulator)
      return emulator
    },
  }
}
