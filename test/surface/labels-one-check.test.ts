// Issue 12: labels at `create({ labels })` and in the `list({ labels })` filter used looser checks
// than `session.setLabels` (blank keys and values passed, a Map was sent as `{}`). Now one check
// serves all three: the same ValidationError, before any request.
import { isObservable, lastValueFrom, type Observable } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ValidationError, type RpcRequest, type Session } from '../../src/entries/index.js'
import { offlineClient } from '../helpers/offline-client.js'

let sent: RpcRequest[]
let agentBay: AgentBay
let session: Session

beforeEach(() => {
  ;({ sent, agentBay, session } = offlineClient())
})

async function errorOf(call: () => Observable<unknown> | Promise<unknown>): Promise<unknown> {
  const result = call()
  return (isObservable(result) ? lastValueFrom(result) : result).then(
    () => undefined,
    (error: unknown) => error,
  )
}

/** The three places labels go in, each as an untyped caller would use it. */
const sites: [string, (labels: unknown) => Observable<unknown> | Promise<unknown>][] = [
  ['create({ labels })', (labels) => agentBay.create({ labels: labels as never })],
  ['createAsync({ labels })', (labels) => agentBay.createAsync({ labels: labels as never })],
  ['list({ labels })', (labels) => agentBay.list({ labels: labels as never })],
  ['listPageAsync({ labels })', (labels) => agentBay.listPageAsync({ labels: labels as never })],
  ['setLabels(labels)', (labels) => session.setLabels(labels as never)],
]

const bad: [string, unknown, RegExp][] = [
  ['a blank value', { project: '  ' }, /^labels\.project must not be empty or blank$/],
  ['an empty value', { project: '' }, /^labels\.project must not be empty or blank$/],
  ['a blank key', { ' ': 'x' }, /^labels: keys must not be empty or blank/],
  ['a non-string value', { retries: 3 }, /^labels\.retries must be a string, got number$/],
  ['a Map (its entries would not be sent)', new Map([['project', 'demo']]), /^labels must be a plain object; a Map is not/],
  ['an array', [['project', 'demo']], /^labels must be an object of strings, not an array$/],
  ['null', null, /^labels must be an object of strings such as \{ project: 'demo' \}, got null$/],
  ['a string', 'project=demo', /^labels must be an object of strings such as \{ project: 'demo' \}, got string$/],
]

describe('one label check for create, the list filter and setLabels', () => {
  it.each(sites.flatMap(([site, call]) => bad.map(([what, labels, message]) => [site, what, call, labels, message] as const)))(
    '%s refuses %s before any request',
    async (_site, _what, call, labels, message) => {
      const error = await errorOf(() => call(labels))
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).message).toMatch(message)
      expect(sent).toEqual([])
    },
  )

  it.each(sites)('%s sends good labels as the JSON object string', async (_site, call) => {
    await errorOf(() => call({ project: 'demo', env: 'test' }))
    expect(sent.length).toBeGreaterThan(0)
    expect(sent[0]?.params['Labels']).toBe('{"project":"demo","env":"test"}')
  })

  it('no labels at all ({}) is a session without labels or a filter that lists all; setLabels needs one, as officially', async () => {
    await errorOf(() => agentBay.create({ labels: {} }))
    await errorOf(() => agentBay.listPage({ labels: {} }))
    expect(sent.map((request) => [request.action, request.params['Labels']])).toEqual([
      ['CreateMcpSession', '{}'],
      ['ListSession', '{}'],
    ])
    const error = await errorOf(() => session.setLabels({}))
    expect((error as ValidationError).message).toBe('labels must not be empty: give at least one label')
    expect(sent).toHaveLength(2)
  })
})
