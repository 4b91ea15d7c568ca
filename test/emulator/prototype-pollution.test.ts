import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDLERS } from '../../src/emulator/actions/index.js'
import type { Emulator } from '../../src/emulator/index.js'
import { createContext, createSession, ok, rpc, useEmulator, type RawAnswer } from './helpers.js'

// Issue 9 item 2: ids and names are client data. `__proto__`, `constructor`, … must behave exactly
// like any other unknown id — never reach an inherited property, never change Object.prototype.

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const

/** Every parameter that names something by id or name, plus the ids and keys inside JSON parameters. */
const ID_PARAMETERS = ['SessionId', 'ContextId', 'Id', 'Name', 'PersistenceDataList', 'Labels'] as const
type IdParameter = (typeof ID_PARAMETERS)[number]

/** The wire form of `value` in `parameter` (JSON parameters carry it as an id or a key). */
const asParameter = (parameter: IdParameter, value: string): string =>
  parameter === 'PersistenceDataList'
    ? JSON.stringify([{ ContextId: value, Path: '/home/wuying/hostile' }])
    : parameter === 'Labels'
      ? JSON.stringify({ [value]: 'x' })
      : value

/** Own property names and descriptors of the prototypes a polluted lookup would write to. */
const prototypeSnapshot = (): unknown =>
  [Object.prototype, Function.prototype, Array.prototype].map((proto) =>
    Reflect.ownKeys(proto).map((key) => [String(key), Object.getOwnPropertyDescriptor(proto, key)]),
  )

/** What must be equal between a hostile id and an ordinary unknown id. */
const outcome = (answer: RawAnswer) => ({
  status: answer.status,
  success: answer.json['Success'],
  code: answer.json['Code'],
  isError: answer.json['Data']?.['isError'],
  totalCount: answer.json['TotalCount'],
})

describe('prototype keys as ids and names (issue 9 item 2)', () => {
  const harness = useEmulator({ taskDelayMs: 0 })
  const start: typeof harness.start = (options) => harness.start(options)
  let before: unknown
  beforeAll(() => void (before = prototypeSnapshot()))
  afterAll(() => {
    expect(prototypeSnapshot()).toEqual(before)
    const probe = {} as Record<string, unknown>
    for (const key of ['name', 'Name', 'state', 'status', '500', 'calls']) expect(probe[key]).toBeUndefined()
  })

  /** Each case gets its own tenant (API key) holding one context and one session: no case sees another's effects. */
  const TENANT_KEYS = Array.from({ length: ID_PARAMETERS.length * (HOSTILE.length + 1) }, (_, i) => `ak-tenant-${i}`)
  async function fixture(emulator: Emulator, apiKey: string) {
    const contextId = await createContext(emulator, 'ctx', apiKey)
    // No download at creation: the mount is what matters, and each task would cost several writes.
    const policy = { downloadPolicy: { autoDownload: false }, uploadPolicy: { autoUpload: false } }
    const sessionId = await createSession(emulator, [{ contextId, path: '/home/wuying/data', policy }], {}, apiKey)
    const valid: Record<string, string> = {
      SessionId: sessionId,
      ContextId: contextId,
      Id: contextId,
      Name: 'read_file',
      Path: '/home/wuying/data',
      FilePath: 'a.txt',
      Args: JSON.stringify({ path: '/home/wuying/data' }),
      // SetLabel needs labels to reach the SessionId lookup (issue 12 made it a wire action).
      Labels: JSON.stringify({ fixture: 'label' }),
    }
    return valid
  }

  it.each(Object.keys(HANDLERS))('%s treats prototype keys like any unknown id', async (action) => {
    const emulator = await start({ apiKeys: TENANT_KEYS })
    const keys = [...TENANT_KEYS]
    const call = async (parameter: IdParameter, value: string) => {
      const apiKey = keys.pop()!
      return rpc(emulator, apiKey, action, { ...(await fixture(emulator, apiKey)), [parameter]: asParameter(parameter, value) })
    }
    const snapshot = prototypeSnapshot()
    for (const parameter of ID_PARAMETERS) {
      // The reference: the same call with an id nobody has. A hostile id must answer the same.
      const reference = outcome(await call(parameter, 'unknown-id-0'))
      expect(reference.status, `${action} ${parameter}`).not.toBe(500)
      for (const hostile of HOSTILE) {
        const answer = await call(parameter, hostile)
        expect(outcome(answer), `${action} ${parameter}=${hostile}: ${answer.text}`).toEqual(reference)
        // Context.InUse: DeleteContext of the fixture's mounted context, whatever the ignored parameters say.
        if (answer.status !== 200) expect(answer.json['Code'], `${action} ${parameter}=${hostile}`).toMatch(/NotFound|InvalidParameter|Context\.InUse/)
        expect(prototypeSnapshot(), `${action} ${parameter}=${hostile}`).toEqual(snapshot)
      }
    }
    expect(({} as Record<string, unknown>)['name']).toBeUndefined()
  })

  it('answers NotFound for the cases of the report, and changes nothing', async () => {
    const emulator = await start()
    const contextId = await createContext(emulator, 'real')
    for (const hostile of HOSTILE) {
      for (const [action, params] of [
        ['ModifyContext', { Id: hostile, Name: 'X' }],
        ['ClearContext', { Id: hostile }],
        ['DeleteContext', { Id: hostile }],
        ['GetContext', { ContextId: hostile }],
        ['GetContext', { Name: hostile }],
        ['DeleteSessionAsync', { SessionId: hostile }],
        ['GetSessionDetail', { SessionId: hostile }],
        ['CreateMcpSession', { PersistenceDataList: asParameter('PersistenceDataList', hostile) }],
      ] as const) {
        const answer = await rpc(emulator, emulator.apiKey, action, params)
        expect(answer.status, `${action} ${JSON.stringify(params)}: ${answer.text}`).toBe(400)
        expect(answer.json['Success']).toBe(false)
        expect(answer.json['Code']).toMatch(/NotFound/)
      }
    }
    expect(({} as Record<string, unknown>)['name']).toBeUndefined()
    const listed = await ok(emulator, 'ListContexts', { MaxResults: '100' })
    expect(listed['Data'].map((context: { Id: string; Name: string }) => [context.Id, context.Name])).toEqual([[contextId, 'real']])
  })

  it('lets a context really named constructor (or __proto__) work like any other', async () => {
    const emulator = await start()
    const created = await ok(emulator, 'GetContext', { Name: 'constructor', AllowCreate: 'true' })
    const contextId = created['Data']['Id'] as string
    expect(created['Data']['Name']).toBe('constructor')
    expect((await ok(emulator, 'GetContext', { Name: 'constructor' }))['Data']['Id']).toBe(contextId)
    const sessionId = await createSession(emulator, [{ contextId, path: '/home/wuying/data' }])
    const session = await ok(emulator, 'GetSession', { SessionId: sessionId })
    expect(session['Data']['contexts']).toEqual([{ id: contextId, name: 'constructor' }])
    await ok(emulator, 'ModifyContext', { Id: contextId, Name: '__proto__' })
    expect((await ok(emulator, 'GetContext', { Name: '__proto__' }))['Data']['Id']).toBe(contextId)
    expect((await rpc(emulator, emulator.apiKey, 'GetContext', { Name: 'constructor' })).json['Code']).toMatch(/NotFound/)
  })

  it('keeps a __proto__ label as a label, across a restart, and filters on it exactly', async () => {
    const dataDir = join(await harness.tempDir(), 'data')
    let emulator = await start({ dataDir })
    // Written as JSON text: an object literal's __proto__ would set a prototype, not a key.
    const labelled = await createSession(emulator, [], { Labels: '{"__proto__":"x","constructor":"y"}' })
    await createSession(emulator, [], { Labels: JSON.stringify({ other: 'z' }) })
    const find = async (labels: Record<string, string>) =>
      (await ok(emulator, 'ListSession', { Labels: JSON.stringify(labels) }))['Data'].map((s: { SessionId: string }) => s.SessionId)
    const protoFilter = JSON.parse('{"__proto__":"x"}') as Record<string, string>
    expect(await find(protoFilter)).toEqual([labelled])
    expect(await find({ toString: 'x' })).toEqual([])
    await emulator.close()
    emulator = await start({ dataDir })
    expect(await find(protoFilter)).toEqual([labelled])
    expect(await find({ constructor: 'y' })).toEqual([labelled])
  })

  it('never revives prototype keys from state.json: a hand-edited id is refused with a clear error', async () => {
    const dataDir = await harness.tempDir()
    const first = await start({ dataDir })
    const tenantKey = first.apiKey
    await createContext(first, 'kept')
    await first.close()
    const stateFile = join(dataDir, 'state.json')
    const text = (await readFile(stateFile, 'utf8')).replace('"contexts":{', '"contexts":{"__proto__":{"id":"__proto__","name":"name","state":"available"},')
    expect(text).toContain('"__proto__"')
    await writeFile(stateFile, text)
    await expect(start({ dataDir, apiKeys: [tenantKey] })).rejects.toThrow(/cannot read emulator state.*context key "__proto__"/)
    expect(({} as Record<string, unknown>)['name']).toBeUndefined()
  })
})
