// A bad argument from plain JavaScript gets a ValidationError naming it, whatever the value is.
// The messages used to show the value with String() or JSON.stringify(), which throw on a
// null-prototype object, an object whose toString throws, a bigint or a cycle: the caller got a raw
// TypeError (or the object's own error) instead, and a string "5" read as the number 5. One
// describer (shared describeValue) now shows a value without running any of its code. Every check
// here runs before a request: the offline client records none.
import { firstValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { AgentBay, ValidationError, adaptiveSchedule } from '../../src/entries/index.js'
import { offlineClient } from '../helpers/offline-client.js'
import { failureOf, validationErrorOf } from '../helpers/thrown.js'

const cyclic: Record<string, unknown> = {}
cyclic['self'] = cyclic
/** Each run of the hostile toString: a check that ran it and caught its error would leave no trace in the message. */
const toStringRuns: unknown[] = []
const HOSTILE: readonly [string, unknown][] = [
  ['a bigint', 10n],
  ['a null-prototype object', Object.create(null)],
  ['an object whose toString throws', { toString: () => { toStringRuns.push(new Error('toString ran').stack); throw new Error('toString ran') } }],
  ['a cyclic object', cyclic],
  ['a symbol', Symbol('s')],
]

const { agentBay, session, sent } = offlineClient()
const sync = (options: object) => session.context.syncAsync(options as never)
const asAny = (value: unknown) => value as never

/** Each public check that shows the bad value: [the check, the name its message must give, a public call reaching it]. */
const CALLS: readonly [string, string, (value: unknown) => unknown][] = [
  ['contextId (requireText)', 'contextId', (v) => agentBay.context.listFilesAsync(asAny(v), '/')],
  ['pageSize (requirePositiveInteger)', 'pageSize', (v) => agentBay.context.listFilesAsync('c', '/', { pageSize: asAny(v) })],
  ['contentLength (requireByteCount)', 'contentLength', (v) => agentBay.context.uploadAsync('c', '/p', 'x', { contentLength: asAny(v) })],
  ['retryInterval (requireDelay)', 'retryInterval', (v) => sync({ retryInterval: v })],
  ['maxRetries', 'maxRetries', (v) => sync({ maxRetries: v })],
  ['mode', 'mode', (v) => sync({ mode: v })],
  ['timeoutMs (requireDeadline)', 'timeoutMs', (v) => session.deleteAsync({ timeoutMs: asAny(v) })],
  ['factor (adaptiveSchedule)', 'factor', (v) => adaptiveSchedule({ retryInterval: 100, factor: asAny(v) })],
  ['overwrite', 'overwrite', (v) => session.files.downloadAsync('/tmp/file-transfer/a', { to: '/tmp/a', overwrite: asAny(v) })],
  ['downloadWait.maxPolls', 'downloadWait.maxPolls', (v) => agentBay.createAsync({ downloadWait: { maxPolls: asAny(v) } })],
  ['write mode', 'mode', (v) => session.fs.writeFileAsync('/a', 'x', { mode: asAny(v) })],
  ['dryRun', 'dryRun', (v) => session.fs.editFileAsync('/a', [{ oldText: 'a', newText: 'b' }], { dryRun: asAny(v) })],
  ['encoding', 'encoding', (v) => session.fs.readFileAsync('/a', { encoding: asAny(v) })],
  ['paths', 'paths', (v) => session.fs.readMultipleFilesAsync(asAny(v))],
  ['sync policy boolean', 'autoUpload', (v) => agentBay.createAsync({ contextSync: [{ contextId: 'c', path: '/p', policy: { uploadPolicy: { autoUpload: asAny(v) } } }] })],
  ['browser context autoUpload', 'autoUpload', (v) => agentBay.createAsync({ browserContext: { contextId: 'c', autoUpload: asAny(v) } })],
  ['observe', 'observe', (v) => firstValueFrom(agentBay.create({ observe: asAny(v) }))],
  ['status', 'status', (v) => agentBay.listPageAsync({ status: asAny(v) })],
  ['agentBay.session(sessionId): every call of the handle would send it', 'sessionId', (v) => agentBay.session(asAny(v))],
  ['syncContext (requireBoolean)', 'syncContext', (v) => session.deleteAsync({ syncContext: asAny(v) })],
  ['force', 'force', (v) => agentBay.deleteAsync('s-1', { force: asAny(v) })],
  ['create', 'create', (v) => agentBay.context.getAsync('name', { create: asAny(v) })],
  ['create (Observable form)', 'create', (v) => agentBay.context.get('name', { create: asAny(v) })],
  ['nextToken (requireString)', 'nextToken', (v) => agentBay.context.listPageAsync({ nextToken: asAny(v) })],
  ['nextToken of sessions', 'nextToken', (v) => agentBay.listPageAsync({ nextToken: asAny(v) })],
  ['contextSync (requireSyncList)', 'contextSync', (v) => agentBay.createAsync({ contextSync: asAny(v) })],
  ['client option (AgentBay constructor)', 'timeoutMs', (v) => new AgentBay({ apiKey: 'k', endpoint: 'http://127.0.0.1:9', env: {}, timeoutMs: asAny(v) })],
]

describe('a bad argument of any kind is a ValidationError naming it, the value shown without running its code', () => {
  it.each(CALLS.flatMap(([site, name, call]) => HOSTILE.map(([kind, value]) => [site, kind, name, call, value] as const)))('%s given %s', async (_site, _kind, name, call, value) => {
    const error = await failureOf(() => call(value))
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain(name)
    expect((error as Error).message).not.toContain('toString ran')
    expect(toStringRuns.splice(0)).toEqual([])
    expect(sent).toEqual([])
  })

  it('a bigint is shown as one (10n), a string quoted ("5" is not the number 5)', async () => {
    const bigint = (await failureOf(() => sync({ maxRetries: 10n }))) as Error
    expect(bigint.message).toMatch(/got 10n$/)
    for (const [call, name] of [
      [() => sync({ maxRetries: '5' }), 'maxRetries'],
      [() => sync({ retryInterval: '5' }), 'retryInterval'],
      [() => session.deleteAsync({ timeoutMs: asAny('5') }), 'timeoutMs'],
      [() => agentBay.context.listFilesAsync('c', '/', { pageSize: asAny('5') }), 'pageSize'],
    ] as const) {
      const error = (await failureOf(call)) as Error
      expect(error, name).toBeInstanceOf(ValidationError)
      expect(error.message, name).toMatch(/got "5"$/)
    }
    expect(sent).toEqual([])
  })
})

it("agentBay.session() refuses a blank or missing id at once (its handle's calls would send it), and takes a real one", () => {
  for (const sessionId of ['', '  ', undefined, 5]) expect(() => agentBay.session(asAny(sessionId)), String(sessionId)).toThrow(ValidationError)
  expect(agentBay.session('s-2').sessionId).toBe('s-2')
  expect(sent).toEqual([])
})

it('a flag is a boolean and a count a safe integer: a string "true"/"false" or 1e300 is refused, not read as something else', async () => {
  for (const [call, name] of [
    // syncContext: 'true' was not `true`: the session was deleted without its upload.
    [() => session.deleteAsync({ syncContext: asAny('true') }), 'syncContext'],
    // force: 'false' was not `true` here, but truthy elsewhere: either reading is a guess.
    [() => session.deleteAsync({ syncContext: true, force: asAny('false') }), 'force'],
    [() => agentBay.context.getAsync('name', { create: asAny('yes') }), 'create'],
    [() => agentBay.createAsync({ contextSync: asAny('') }), 'contextSync'],
    [() => agentBay.context.listPageAsync({ maxResults: 1e300 }), 'maxResults'],
    [() => agentBay.context.listFilesAsync('c', '/', { pageNumber: 2 ** 53 }), 'pageNumber'],
    [() => session.fs.readFileAsync('/a', { chunkSize: 1e300 }), 'chunkSize'],
    [() => agentBay.createAsync({ downloadWait: { maxPolls: 1e300 } }), 'downloadWait.maxPolls'],
  ] as const) {
    const error = (await failureOf(call)) as Error
    expect(error, name).toBeInstanceOf(ValidationError)
    expect(error.message, name).toContain(name)
  }
  expect(sent).toEqual([])
})

describe('nested options: a part of the wrong shape is refused before it is merged over the defaults', () => {
  const create = (policy: unknown) => () => agentBay.createAsync({ contextSync: [{ contextId: 'c', path: '/p', policy: asAny(policy) }] })
  const client = (options: object) => () => new AgentBay({ apiKey: 'k', endpoint: 'http://127.0.0.1:9', env: {}, ...options } as never)
  it.each([
    // A string merged as one excluded path per character.
    ['excludePaths as a string', create({ bwList: { whiteLists: [{ path: 'src', excludePaths: 'node_modules' }] } }), 'policy.bwList.whiteLists[0].excludePaths'],
    // A number for a part merged as "all defaults", with no word.
    ['a part as a number', create({ uploadPolicy: 5 }), 'policy.uploadPolicy'],
    ['the policy as a bigint', create(10n), 'policy'],
    ['the policy as null', create(null), 'policy'],
    ['whiteLists as a string', create({ bwList: { whiteLists: 'src' } }), 'policy.bwList.whiteLists'],
    ['a white-list entry as null', create({ bwList: { whiteLists: [null] } }), 'policy.bwList.whiteLists[0]'],
    ['mappingPolicy as null', create({ mappingPolicy: null }), 'policy.mappingPolicy'],
    ['an env value that is not a string', client({ env: { AGENTBAY_REGION_ID: 5 } }), 'env.AGENTBAY_REGION_ID'],
    ['retry.attempts of 1e300', client({ retry: { attempts: 1e300 } }), 'retry.attempts'],
  ])('%s', async (_label, call, name) => {
    const error = (await failureOf(call)) as Error
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.message).toContain(name)
    expect(sent).toEqual([])
  })
})

it('a value that may be the API key is refused by its kind, never shown', () => {
  const key = 'akm-0123456789abcdef0123456789abcdef'
  for (const [options, name] of [
    // The Python SDK's AgentBay(api_key), ported as is.
    [key, 'options'],
    [{ apiKey: 'k', endpoint: 'http://127.0.0.1:9', env: { AGENTBAY_API_KEY: 12345678901234 } }, 'env.AGENTBAY_API_KEY'],
    [{ endpoint: 'http://127.0.0.1:9', env: { AGENTBAY_API_KEY: 12345678901234n } }, 'env.AGENTBAY_API_KEY'],
  ] as const) {
    const error = validationErrorOf(() => new AgentBay(options as never))
    expect(error.message, name).toContain(name)
    expect(error.message, name).not.toMatch(/akm-0123|1234567890/)
  }
})
