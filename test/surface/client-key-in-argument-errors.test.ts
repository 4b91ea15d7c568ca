// A client's own API key passed where another value belongs (`mode: apiKey`, a key as the options
// argument, a flag) must not show in the ValidationError: the describer quoted strings up to 40
// characters, redacting only key *patterns*, so a key of any other shape was shown whole, or its
// first 40 characters when longer (closing note 17, Left). Message, stack and inspect output are
// checked for any 6-character slice of the key.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/entries/index.js'
import { offlineClient } from '../helpers/offline-client.js'
import { failureOf } from '../helpers/thrown.js'

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const randomKey = (prefix: string, letters: number): string =>
  prefix + Array.from({ length: letters }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('')

/** Every 6-character slice of `key` that `text` contains. */
const slicesIn = (text: string, key: string): string[] => {
  const found: string[] = []
  for (let at = 0; at + 6 <= key.length; at++) if (text.includes(key.slice(at, at + 6))) found.push(key.slice(at, at + 6))
  return found
}

type Client = ReturnType<typeof offlineClient>
const asAny = (value: unknown) => value as never

/** [what the value stands for, a call of the client that gets `value` where something else belongs]. */
const CALLS: readonly [string, (client: Client, value: string) => unknown][] = [
  // sync options
  ['sync mode (Promise form)', ({ session }, v) => session.context.syncAsync({ mode: asAny(v) })],
  ['sync mode (Observable form)', ({ session }, v) => session.context.sync({ mode: asAny(v) })],
  ['sync positional form', ({ session }, v) => session.context.sync(asAny(v))],
  ['info taskType', ({ session }, v) => session.context.infoAsync({ taskType: asAny(v) })],
  // contexts
  ['context create flag', ({ agentBay }, v) => agentBay.context.getAsync('name', { create: asAny(v) })],
  ['context options as a string', ({ agentBay }, v) => agentBay.context.getAsync('name', asAny(v))],
  ['context clear options as a string', ({ agentBay }, v) => agentBay.context.clearAsync('SdkCtx-1', asAny(v))],
  ['context page size', ({ agentBay }, v) => agentBay.context.listFilesAsync('SdkCtx-1', '/', { pageSize: asAny(v) })],
  // sessions
  ['create observe', ({ agentBay }, v) => agentBay.create({ observe: asAny(v) })],
  ['list status', ({ agentBay }, v) => agentBay.listPageAsync({ status: asAny(v) })],
  ['delete syncContext', ({ session }, v) => session.deleteAsync({ syncContext: asAny(v) })],
  ['delete options as a string', ({ agentBay }, v) => agentBay.deleteAsync('s-1', asAny(v))],
  ['write mode', ({ session }, v) => session.fs.writeFileAsync('/a', 'x', { mode: asAny(v) })],
  ['read encoding', ({ session }, v) => session.fs.readFileAsync('/a', { encoding: asAny(v) })],
  ['file transfer remotePath', ({ session }, v) => session.files.downloadAsync(v)],
]

describe("a client's own key given as another argument never shows in the ValidationError", () => {
  // Shapes no key pattern matches: short enough to be shown whole, and long enough to be cut.
  const KEYS = [
    ['a 33-character key', randomKey('zz-', 30)],
    ['a 60-character key', randomKey('zz-', 57)],
  ] as const
  const cases = KEYS.flatMap(([keyLabel, key]) =>
    CALLS.flatMap(([callLabel, call]) => [
      [callLabel, keyLabel, 'the key', key, call] as const,
      [callLabel, keyLabel, 'text holding the key', `SdkCtx/${key}/x`, call] as const,
    ]),
  )
  it.each(cases)('%s given %s (%s)', async (_callLabel, _keyLabel, _valueLabel, value, call) => {
    const key = KEYS.find(([, candidate]) => value.includes(candidate))![1]
    const client = offlineClient(key)
    const error = await failureOf(() => call(client, value))
    expect(error).toBeInstanceOf(ValidationError)
    const { message, stack } = error as Error
    expect(slicesIn(message, key), message).toEqual([])
    expect(slicesIn(stack ?? '', key)).toEqual([])
    expect(slicesIn(inspect(error, { depth: 5 }), key)).toEqual([])
    expect(client.sent).toEqual([])
  })
})

describe('a long value close to an allowed one is not quoted, but the allowed one it most likely meant is named', () => {
  const { agentBay, session, sent } = offlineClient()
  it.each([
    ['sync mode', () => session.context.syncAsync({ mode: asAny('downlaod') }), "mode must be 'upload' or 'download', got a string of 8 characters (did you mean 'download'?)"],
    ['info taskType', () => session.context.infoAsync({ taskType: asAny('Download') }), "taskType must be 'upload' or 'download', got a string of 8 characters (did you mean 'download'?)"],
    ['create observe', () => agentBay.create({ observe: asAny('sessions') }), "observe must be 'session' or 'events', got a string of 8 characters (did you mean 'session'?)"],
    ['list status', () => agentBay.listPageAsync({ status: asAny('Resuming') }), 'status must be one of RUNNING, PAUSING, PAUSED, RESUMING, DELETING, DELETED; got a string of 8 characters (did you mean \'RESUMING\'?)'],
    ['write mode', () => session.fs.writeFileAsync('/a', 'x', { mode: asAny('overwrit') }), "mode must be one of 'overwrite', 'append', 'create_new', got a string of 8 characters (did you mean 'overwrite'?)"],
    ['read encoding', () => session.fs.readFileAsync('/a', { encoding: asAny('base-64') }), "encoding must be 'utf8' or 'base64', got \"base-64\" (did you mean 'base64'?)"],
    [
      'sync policy lifecycle',
      () => agentBay.createAsync({ contextSync: [{ contextId: 'c', path: '/p', policy: { recyclePolicy: { lifecycle: asAny('lifecycle_1day') } } }] }),
      "(did you mean 'Lifecycle_1Day'?)",
    ],
  ] as const)('%s', async (_label, call, message) => {
    const error = await failureOf(call)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain(message)
    expect(sent).toEqual([])
  })

  it('names none when nothing allowed is close (a key is never close to a word)', async () => {
    const error = (await failureOf(() => session.context.syncAsync({ mode: asAny('sideways') }))) as Error
    expect(error.message).toBe("mode must be 'upload' or 'download', got a string of 8 characters")
  })
})
