// A path with a control character (NUL, CR, LF, ESC, DEL, …) used to reach the service, which
// answered 400: the audit's sdk-options.mjs sent `info({ path: '/home/\u0000' })`. Every path-like
// option now goes through the one shared rule (requireText / requireNoControlCharacter in
// src/shared/arguments.ts): a ValidationError naming the option, nothing sent. Relative and
// Windows-style paths are not judged client-side (Windows sessions use `C:\…` with mappingPolicy).
import { firstValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { syncPolicy } from '../../src/entries/index.js'
import { expectControlCharactersRefused } from '../helpers/control-characters.js'
import { offlineClient } from '../helpers/offline-client.js'
import { failureOf } from '../helpers/thrown.js'

const { agentBay, session, sent } = offlineClient()
const bad = (c: string) => `/home/wuying/a${c}b`

/** [the option the error must name, a public call that sends `path` as that option]. */
const CALLS: readonly [string, (path: string) => unknown][] = [
  ['path', (p) => session.context.infoAsync({ contextId: 'ctx-1', path: p })],
  ['path', (p) => session.context.info({ contextId: 'ctx-1', path: p })],
  ['path', (p) => session.context.syncAsync({ contextId: 'ctx-1', path: p })],
  ['path', (p) => session.context.sync({ contextId: 'ctx-1', path: p, mode: 'upload' })],
  ['contextSync[0].path', (p) => agentBay.createAsync({ contextSync: [{ contextId: 'ctx-1', path: p }] })],
  ['mappingPolicy.path', (p) => agentBay.createAsync({ contextSync: [{ contextId: 'ctx-1', path: '/data', policy: { mappingPolicy: { path: p } } }] })],
  ['whiteLists[0].path', (p) => agentBay.createAsync({ contextSync: [{ contextId: 'ctx-1', path: '/data', policy: syncPolicy({ bwList: { whiteLists: [{ path: p }] } }) }] })],
  ['excludePaths[0]', (p) => agentBay.createAsync({ contextSync: [{ contextId: 'ctx-1', path: '/data', policy: { bwList: { whiteLists: [{ path: '', excludePaths: [p] }] } } }] })],
  ['folder', (p) => agentBay.context.listFilesAsync('ctx-1', p)],
  ['path', (p) => agentBay.context.getFileUploadUrl('ctx-1', p)],
  ['path', (p) => agentBay.context.getFileDownloadUrl('ctx-1', p)],
  ['path', (p) => agentBay.context.deleteFile('ctx-1', p)],
  ['path', (p) => agentBay.context.uploadAsync('ctx-1', p, 'x')],
  ['path', (p) => agentBay.context.downloadAsync('ctx-1', p)],
  ['path', (p) => session.fs.readFileAsync(p)],
  ['path', (p) => session.fs.readBytes(p)],
  ['path', (p) => session.fs.getFileInfo(p)],
  ['path', (p) => session.fs.writeFileAsync(p, 'x')],
  ['path', (p) => session.fs.editFileAsync(p, [{ oldText: 'a', newText: 'b' }])],
  ['source', (p) => session.fs.moveFileAsync(p, '/tmp/b')],
  ['destination', (p) => session.fs.moveFileAsync('/tmp/a', p)],
  ['paths[1]', (p) => session.fs.readMultipleFilesAsync(['/tmp/a', p])],
  ['path', (p) => session.fs.searchFilesAsync(p, '*.txt')],
  ['path', (p) => session.fs.listDirectoryAsync(p)],
  ['path', (p) => session.fs.createDirectoryAsync(p)],
  ['path', (p) => session.fs.deleteFileAsync(p)],
  ['path', (p) => session.fs.getFileChangeAsync(p)],
  ['path', (p) => session.fs.watchDirectory(p)],
  ['remotePath', (p) => session.files.uploadAsync(new Uint8Array(1), `/tmp/file-transfer${p}`)],
  ['remotePath', (p) => session.files.downloadAsync(`/tmp/file-transfer${p}`)],
]

describe('a path with a control character is a ValidationError naming the option, before any request', () => {
  it.each(CALLS.map(([option, call], index) => [index, option, call] as const))('call %i: %s', async (_index, option, call) => {
    await expectControlCharactersRefused(call, bad, option, sent)
  })
})

describe('relative and Windows-style paths are the service’s to judge', () => {
  it.each(['relative/dir', 'C:\\Users\\wuying\\data', 'C:/Users/wuying'])('%s is sent as given', async (path) => {
    const before = sent.length
    await failureOf(() => session.context.infoAsync({ contextId: 'ctx-1', path }))
    await failureOf(() => firstValueFrom(session.fs.listDirectory(path)))
    await failureOf(() => agentBay.createAsync({ contextSync: [{ contextId: 'ctx-1', path, policy: { mappingPolicy: { path } } }] }))
    expect(sent.length - before).toBeGreaterThanOrEqual(3)
    expect(sent.slice(before).some((request) => JSON.stringify(request).includes(JSON.stringify(path).slice(1, -1)))).toBe(true)
  })
})
