import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createContext, createSession, ok, rpc, tool, useEmulator, waitForTasks } from './helpers.js'

describe('presigned URLs (protocol §3.15)', () => {
  const env = useEmulator()
  afterEach(() => vi.useRealTimers())

  const urlFor = async (emulator: Awaited<ReturnType<typeof env.start>>, action: string, contextId: string, filePath: string) => {
    const body = await ok(emulator, action, { ContextId: contextId, FilePath: filePath })
    return body['Data'] as { Url: string; ExpireTime: number }
  }

  it('stores a PUT and serves the same bytes on GET, with an MD5 ETag', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'xfer')
    const bytes = randomBytes(300_000)
    const upload = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/dir/blob.bin')
    expect(upload.Url.startsWith(`${emulator.url}files/`)).toBe(true)
    expect(upload.Url).toContain('token=')
    expect(upload.ExpireTime).toBeGreaterThan(Date.now() / 1000 + 3500)

    const put = await fetch(upload.Url, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } })
    expect(put.status).toBe(200)
    expect(put.headers.get('etag')).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`)

    const download = await urlFor(emulator, 'GetContextFileDownloadUrl', contextId, '/dir/blob.bin')
    const get = await fetch(download.Url)
    expect(get.status).toBe(200)
    expect(Buffer.from(await get.arrayBuffer())).toEqual(bytes)

    const listing = await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/dir' })
    expect(listing['Data']).toEqual([expect.objectContaining({ FileName: 'blob.bin', FilePath: '/dir/blob.bin', FileType: 'file', Size: 300_000 })])
    const root = await ok(emulator, 'DescribeContextFiles', { ContextId: contextId })
    expect(root['Data']).toEqual([expect.objectContaining({ FileName: 'dir', FileType: 'folder', Size: 0 })])
  })

  it('delivers an uploaded file into a session with SyncContext download (file-transfer flow)', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'transfer')
    const session = await createSession(emulator, [{ contextId, path: '/home/wuying/in' }])
    await waitForTasks(emulator, { SessionId: session })
    const upload = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, 'report.txt')
    await fetch(upload.Url, { method: 'PUT', body: 'quarterly' })
    await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/home/wuying/in', Mode: 'download' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'download' })
    expect(await tool(emulator, session, 'read_file', { path: '/home/wuying/in/report.txt' })).toEqual({ text: 'quarterly', isError: false })
  })

  it('refuses a PUT onto an existing folder with a 400 InvalidParameter envelope and keeps the folder (issue 9 item 13)', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'folders')
    const inner = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/dir/inner.txt')
    expect((await fetch(inner.Url, { method: 'PUT', body: 'kept' })).status).toBe(200)
    const onFolder = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/dir')
    const response = await fetch(onFolder.Url, { method: 'PUT', body: 'clobber' })
    expect(response.status).toBe(400)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ Success: false, Code: 'InvalidParameter', HttpStatusCode: 400 })
    expect(String(body['Message'])).toContain('/dir')
    // The same shape as the sibling refusal: a parent of the target is a file.
    const underFile = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/dir/inner.txt/x')
    const sibling = await fetch(underFile.Url, { method: 'PUT', body: 'x' })
    expect(sibling.status).toBe(400)
    expect(await sibling.json()).toMatchObject({ Success: false, Code: 'InvalidParameter' })

    const get = await fetch((await urlFor(emulator, 'GetContextFileDownloadUrl', contextId, '/dir/inner.txt')).Url)
    expect(await get.text()).toBe('kept')
    expect(await readdir(join(emulator.dataDir, 'tmp'))).toEqual([])
  })

  it('answers GET of a missing file with 404 File.NotFound', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'empty')
    const response = await fetch((await urlFor(emulator, 'GetContextFileDownloadUrl', contextId, '/nothing.txt')).Url)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ Success: false, Code: 'File.NotFound' })
  })

  it('rejects a forged token, a token for another file, and a token for the other operation', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'tokens')
    const upload = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/a.txt')
    const forged = upload.Url.replace(/token=([0-9a-f])/, (_m, c: string) => `token=${c === '0' ? '1' : '0'}`)
    const otherFile = upload.Url.replace('path=%2Fa.txt', 'path=%2Fb.txt')
    for (const url of [forged, otherFile]) {
      const response = await fetch(url, { method: 'PUT', body: 'x' })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ Success: false, Code: 'InvalidToken' })
    }
    expect((await fetch(upload.Url)).status).toBe(403) // an upload URL does not grant GET
    expect((await fetch(`${emulator.url}files/${contextId}?path=%2Fa.txt&op=get`)).status).toBe(403)
  })

  it('rejects a URL past its expiry with 403 TokenExpired', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'expiry')
    const upload = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/late.txt')
    // Only Date is faked: the emulator's timers and sockets keep running in real time.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3601 * 1000)
    const response = await fetch(upload.Url, { method: 'PUT', body: 'too late' })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ Code: 'TokenExpired' })
  })

  it('refuses an upload over maxUploadBytes with 413 and keeps no partial file', async () => {
    const emulator = await env.start({ maxUploadBytes: 1000 })
    const contextId = await createContext(emulator, 'big')
    const upload = await urlFor(emulator, 'GetContextFileUploadUrl', contextId, '/big.bin')
    const response = await fetch(upload.Url, { method: 'PUT', body: randomBytes(5000) })
    expect(response.status).toBe(413)
    expect((await ok(emulator, 'DescribeContextFiles', { ContextId: contextId }))['Count']).toBe(0)
  })

  it('keeps presigned URLs valid across a restart (the secret lives in dataDir)', async () => {
    const dataDir = await env.tempDir()
    const before = await env.start({ dataDir })
    const contextId = await createContext(before, 'restart')
    const upload = await urlFor(before, 'GetContextFileUploadUrl', contextId, '/kept.txt')
    await before.close()
    const after = await env.start({ dataDir })
    const response = await fetch(upload.Url.replace(before.url, after.url), { method: 'PUT', body: 'still valid' })
    expect(response.status).toBe(200)
  })

  it('deletes context files and folders, and reports File.NotFound for missing ones', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'deletes')
    for (const path of ['/a.txt', '/dir/b.txt']) await fetch((await urlFor(emulator, 'GetContextFileUploadUrl', contextId, path)).Url, { method: 'PUT', body: path })
    await ok(emulator, 'DeleteContextFile', { ContextId: contextId, FilePath: '/a.txt' })
    await ok(emulator, 'DeleteContextFile', { ContextId: contextId, FilePath: 'dir' })
    expect((await ok(emulator, 'DescribeContextFiles', { ContextId: contextId }))['Count']).toBe(0)
    const again = await rpc(emulator, emulator.apiKey, 'DeleteContextFile', { ContextId: contextId, FilePath: '/a.txt' })
    expect(again).toMatchObject({ status: 400, json: { Success: false, Code: 'File.NotFound' } })
  })

  it('paginates DescribeContextFiles with PageNumber and PageSize, Count being the total', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'pages')
    for (const name of ['a', 'b', 'c', 'd', 'e']) await fetch((await urlFor(emulator, 'GetContextFileUploadUrl', contextId, name)).Url, { method: 'PUT', body: name })
    const page2 = await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, PageNumber: '2', PageSize: '2' })
    expect(page2['Data'].map((f: { FileName: string }) => f.FileName)).toEqual(['c', 'd'])
    expect(page2['Count']).toBe(5)
  })
})
