// Issue 11 (extensions, calls doc §5.1–§5.3): the official extension manager uploads each zip into
// the extension context at FilePath `/tmp/extensions/<id>.zip` — a session path, as for file
// transfer — and mounts the context at `/tmp/extensions/` with the ids as a relative white list.
// The session must get exactly the listed ids, at the paths the SDK and InitBrowser expect.
// Everything goes through the official OpenAPI core.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from './helpers.js'
import { FileUrlResponse, officialCalls } from './official-client.js'
import { buildZip } from '../helpers/zip-writer.js'

/** §5.3: the mount path and the repository folder, as the SDKs hard-code them. */
const EXTENSIONS = '/tmp/extensions/'
const REPOSITORY = '/tmp/extensions'

/** §5.1: the TS/Python extension item's policy, the ids as a relative white list; `extract` as given. */
const extensionPolicy = (ids: readonly string[], extract = true) => ({
  uploadPolicy: { autoUpload: false, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: false },
  extractPolicy: { extract, deleteSrcFile: true, extractToCurrentFolder: false },
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: ids.map((id) => ({ path: id, excludePaths: [] })) },
})

const extensionId = (digit: string): string => `ext_${digit.repeat(32)}.zip`
const manifestOf = (id: string): string => JSON.stringify({ manifest_version: 3, name: id, version: '1.0' })
const zipOf = (id: string): Buffer =>
  buildZip([
    { name: 'manifest.json', content: manifestOf(id), method: 'deflate' },
    { name: 'icons/', content: undefined },
    { name: 'icons/icon.txt', content: `icon of ${id}`, method: 'stored' },
  ])

/** `ExtensionsService.create` (§5.3): GetContextFileUploadUrl at `/tmp/extensions/<id>`, then an HTTP PUT. */
async function uploadExtension(emulator: Emulator, contextId: string, id: string, zip: Buffer): Promise<void> {
  const sdk = officialCalls(emulator)
  const url = await sdk.client.invoke(
    'GetContextFileUploadUrl',
    { body: { Authorization: sdk.Authorization, ContextId: contextId, FilePath: `${REPOSITORY}/${id}` } },
    FileUrlResponse,
  )
  expect((await fetch(url.body.data.url as string, { method: 'PUT', body: new Uint8Array(zip) })).status).toBe(200)
}

describe('extension contexts store zips at their session paths (calls doc §5.3)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('a session gets exactly the listed extensions, unpacked under /tmp/extensions/<id>/, and the repository keeps every zip', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const repository = await sdk.context('extensions-1700000000')
    const [listedA, listedB, unlisted] = [extensionId('a'), extensionId('b'), extensionId('c')]
    for (const id of [listedA, listedB, unlisted]) await uploadExtension(emulator, repository, id, zipOf(id))
    // ExtensionsService.list: DescribeContextFiles(ParentFolderPath=/tmp/extensions), id = FileName.
    expect(await sdk.contextFiles(repository, REPOSITORY)).toEqual([listedA, listedB, unlisted])

    const session = await sdk.createSession([{ contextId: repository, path: EXTENSIONS, policy: extensionPolicy([listedA, listedB]) }], 'browser_latest')
    // Only the white-listed ids, each unpacked into a folder named after it (the zip removed: deleteSrcFile).
    expect(await sdk.tool(session, 'list_directory', { path: EXTENSIONS })).toEqual({
      text: `[DIR] ${listedA.replace('.zip', '')}\n[DIR] ${listedB.replace('.zip', '')}`,
      isError: false,
    })
    for (const id of [listedA, listedB]) {
      const folder = `${EXTENSIONS}${id.replace('.zip', '')}`
      expect(await sdk.tool(session, 'read_file', { path: `${folder}/manifest.json` })).toEqual({ text: manifestOf(id), isError: false })
      expect(await sdk.tool(session, 'read_file', { path: `${folder}/icons/icon.txt` })).toEqual({ text: `icon of ${id}`, isError: false })
    }
    // Never nested under the FilePath a second time.
    expect((await sdk.tool(session, 'get_file_info', { path: `${EXTENSIONS}tmp` })).isError).toBe(true)

    // Delete with sync (§5.4) uploads nothing the white list does not name and deletes nothing
    // (syncLocalFile false): the repository still holds the three zips, byte for byte.
    await sdk.deleteSession(session, true)
    expect(await sdk.contextFiles(repository, REPOSITORY)).toEqual([listedA, listedB, unlisted])
    const url = await sdk.client.invoke(
      'GetContextFileDownloadUrl',
      { body: { Authorization: sdk.Authorization, ContextId: repository, FilePath: `${REPOSITORY}/${listedA}` } },
      FileUrlResponse,
    )
    expect(Buffer.from(await (await fetch(url.body.data.url as string)).arrayBuffer())).toEqual(zipOf(listedA))
  })

  it('with extract off, the listed zips themselves appear at /tmp/extensions/<id>.zip', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const repository = await sdk.context('extensions-1700000001')
    const [listed, unlisted] = [extensionId('d'), extensionId('e')]
    for (const id of [listed, unlisted]) await uploadExtension(emulator, repository, id, zipOf(id))

    const session = await sdk.createSession([{ contextId: repository, path: EXTENSIONS, policy: extensionPolicy([listed], false) }])
    expect(await sdk.tool(session, 'list_directory', { path: EXTENSIONS })).toEqual({ text: `[FILE] ${listed}`, isError: false })
    const bytes = await sdk.tool(session, 'read_file', { path: `${EXTENSIONS}${listed}`, offset: 0, length: 0, format: 'binary' })
    expect(Buffer.from(bytes.text, 'base64')).toEqual(zipOf(listed))
  })

  // README "Session-path contexts": files an earlier emulator stored mount-relative (at the context's
  // root) are not moved to /tmp/extensions/ inside the context: a mount there does not see them,
  // and a sync leaves them where they are.
  it('leaves zips of the old mount-relative layout where they are: not moved, and not seen by a mount at /tmp/extensions/', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const repository = await sdk.context('extensions-old-layout')
    const old = extensionId('f')
    const url = await sdk.client.invoke('GetContextFileUploadUrl', { body: { Authorization: sdk.Authorization, ContextId: repository, FilePath: `/${old}` } }, FileUrlResponse)
    expect((await fetch(url.body.data.url as string, { method: 'PUT', body: new Uint8Array(zipOf(old)) })).status).toBe(200)

    const session = await sdk.createSession([{ contextId: repository, path: EXTENSIONS, policy: extensionPolicy([old], false) }])
    expect(await sdk.tool(session, 'list_directory', { path: EXTENSIONS })).toEqual({ text: '', isError: false })
    await sdk.deleteSession(session, true)
    expect(await sdk.contextFiles(repository, '/')).toEqual([old])
    expect(await sdk.contextFiles(repository, REPOSITORY)).toEqual([])
  })
})
