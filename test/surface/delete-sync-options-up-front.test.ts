// session.delete({ sync: { maxRetries: -1 } }) without syncContext used to be accepted: the values
// under `sync` were checked only when the upload ran, while files.upload refused the same value up
// front. Both now check them with the sync's own rule (requireSyncTimingOptions → normalizeSyncOptions),
// before any request, whether or not the upload runs; agentBay.delete goes through session.delete.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/entries/index.js'
import { offlineClient } from '../helpers/offline-client.js'
import { failureOf } from '../helpers/thrown.js'

const { agentBay, session, sent } = offlineClient()
const asAny = (value: unknown) => value as never

/** [the option the error must name, a bad `sync` value]. */
const BAD_SYNC: readonly [string, Record<string, unknown>][] = [
  ['maxRetries', { maxRetries: -1 }],
  ['maxRetries', { maxRetries: 0.5 }],
  ['retryInterval', { retryInterval: -1 }],
  ['retryInterval', { retryInterval: Number.NaN }],
  ['noTaskGraceMs', { noTaskGraceMs: 2 ** 31 }],
  ['schedule', { schedule: 5 }],
]

const DELETES: readonly [string, (options: object) => unknown][] = [
  ['session.delete', (options) => session.delete(asAny(options))],
  ['session.deleteAsync', (options) => session.deleteAsync(asAny(options))],
  ['agentBay.delete(session)', (options) => agentBay.delete(session, asAny(options))],
  ['agentBay.deleteAsync(id)', (options) => agentBay.deleteAsync('s-1', asAny(options))],
]

describe('the values under delete({ sync }) are checked up front, nothing sent', () => {
  const cases = DELETES.flatMap(([call, run]) =>
    [undefined, false, true].flatMap((syncContext) => BAD_SYNC.map(([option, sync]) => [call, String(syncContext), option, JSON.stringify(sync), run, syncContext, sync] as const)),
  )
  it.each(cases)('%s, syncContext %s: %s %s', async (_call, _label, option, _shown, run, syncContext, sync) => {
    const error = await failureOf(() => run(syncContext === undefined ? { sync } : { syncContext, sync }))
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain(option)
    expect(sent).toEqual([])
  })

  it('the same value is refused by files.upload with the same rule', async () => {
    const error = await failureOf(() => session.files.uploadAsync(new Uint8Array(1), '/tmp/file-transfer/a', { sync: { maxRetries: -1 } }))
    const deleteError = await failureOf(() => session.deleteAsync({ sync: { maxRetries: -1 } }))
    expect(error).toBeInstanceOf(ValidationError)
    expect((deleteError as Error).message).toBe((error as Error).message)
    expect(sent).toEqual([])
  })
})
