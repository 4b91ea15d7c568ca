// Stop 18 audit: a contextId with a NUL ('a\0b') was still sent (the emulator took it). Ids and names
// the SDK sends — context ids, session ids, context names, label keys and values, browser context and
// extension ids — now follow the paths' rule (path-control-characters.test.ts): a control character
// (U+0000–U+001F, U+007F) is a ValidationError naming the option, nothing sent. They reach it
// through the shared check they already went through (requireText), not one check per call.
import { describe, expect, it } from 'vitest'
import { expectControlCharactersRefused } from '../helpers/control-characters.js'
import { offlineClient } from '../helpers/offline-client.js'
import { failureOf } from '../helpers/thrown.js'

const { agentBay, session, sent } = offlineClient()
const bad = (c: string) => `ctx${c}1`

/** [the option the error must name, a public call that sends `id` as that option]. */
const CALLS: readonly [string, (id: string) => unknown][] = [
  // contextId, in every method that takes one
  ['contextId', (id) => session.context.infoAsync({ contextId: id })],
  ['contextId', (id) => session.context.info({ contextId: id, path: '/data' })],
  ['contextId', (id) => session.context.syncAsync({ contextId: id, path: '/data' })],
  ['contextId', (id) => session.context.sync({ contextId: id, path: '/data', mode: 'upload' })],
  ['contextSync[0].contextId', (id) => agentBay.createAsync({ contextSync: [{ contextId: id, path: '/data' }] })],
  ['contextId', (id) => agentBay.context.listFilesAsync(id, '/')],
  ['contextId', (id) => agentBay.context.getFileUploadUrl(id, '/a')],
  ['contextId', (id) => agentBay.context.getFileDownloadUrlAsync(id, '/a')],
  ['contextId', (id) => agentBay.context.deleteFileAsync(id, '/a')],
  ['contextId', (id) => agentBay.context.uploadAsync(id, '/a', 'x')],
  ['contextId', (id) => agentBay.context.downloadAsync(id, '/a')],
  ['contextId', (id) => agentBay.context.downloadStreamAsync(id, '/a')],
  ['contextId', (id) => agentBay.context.clearAsync(id)],
  ['contextId', (id) => agentBay.context.startClearAsync(id)],
  ['contextId', (id) => agentBay.context.clearStatusAsync(id)],
  ['id', (id) => agentBay.context.getByIdAsync(id)],
  ['context.id', (id) => agentBay.context.updateAsync({ id, name: 'renamed' })],
  ['context.id', (id) => agentBay.context.deleteAsync({ id })],
  // session ids
  ['sessionId', (id) => agentBay.session(id)],
  ['sessionId', (id) => agentBay.getAsync(id)],
  ['sessionId', (id) => agentBay.get(id)],
  ['session', (id) => agentBay.deleteAsync(id)],
  ['sessionId', (id) => agentBay.context.listPage({ sessionId: id })],
  // context names
  ['name', (name) => agentBay.context.getAsync(name)],
  ['name', (name) => agentBay.context.get(name, { create: true })],
  ['name', (name) => agentBay.context.createAsync(name)],
  ['context.name', (name) => agentBay.context.updateAsync({ id: 'ctx-1', name })],
  // label keys and values, wherever labels are sent
  ['labels', (key) => session.setLabelsAsync({ [key]: 'v' })],
  ['labels.k', (value) => session.setLabelsAsync({ k: value })],
  ['labels', (key) => agentBay.createAsync({ labels: { [key]: 'v' } })],
  ['labels.k', (value) => agentBay.createAsync({ labels: { k: value } })],
  ['labels', (key) => agentBay.list({ labels: { [key]: 'v' } })],
  ['labels.k', (value) => agentBay.listPageAsync({ labels: { k: value } })],
  // browser context, extension and fingerprint ids; the image id; a tool name
  ['browserContext.contextId', (id) => agentBay.createAsync({ browserContext: { contextId: id } })],
  ['browserContext.extensionOption.contextId', (id) => agentBay.createAsync({ browserContext: { contextId: 'b', extensionOption: { contextId: id, extensionIds: ['e'] } } })],
  ['browserContext.extensionOption.extensionIds[1]', (id) => agentBay.createAsync({ browserContext: { contextId: 'b', extensionOption: { contextId: 'x', extensionIds: ['e', id] } } })],
  ['browserContext.fingerprintContext.fingerprintContextId', (id) => agentBay.createAsync({ browserContext: { contextId: 'b', fingerprintContext: { fingerprintContextId: id } } })],
  ['imageId', (id) => agentBay.createAsync({ imageId: id })],
  ['tool name', (name) => session.fs.callTool(name, {})],
]

describe('an id or name with a control character is a ValidationError naming the option, before any request', () => {
  it.each(CALLS.map(([option, call], index) => [index, option, call] as const))('call %i: %s', async (_index, option, call) => {
    await expectControlCharactersRefused(call, bad, option, sent)
  })
})

describe('only control characters are refused', () => {
  it.each(['ctx 1', 'ctx-ü-名前-😀', 'a/b\\c', '\u0080\u00a0\u2028'])('%j is sent as given', async (id) => {
    const before = sent.length
    await failureOf(() => agentBay.context.getAsync(id))
    await failureOf(() => agentBay.context.clearStatusAsync(id))
    await failureOf(() => session.setLabelsAsync({ [id]: id }))
    await failureOf(() => agentBay.getAsync(id))
    expect(sent.slice(before).map((request) => request.action)).toEqual(['GetContext', 'GetContext', 'SetLabel', 'GetSession'])
  })
})
