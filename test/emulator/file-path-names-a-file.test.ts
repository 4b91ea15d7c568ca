// Stop 18 audit: `FilePath=/a/` was taken for the file `/a` (the PUT stored `/a`). A path spelt as
// a folder is refused up front, with the same answer as the root `/`, by the three actions that
// name one context file (protocol §3.15, §3.16).
import { describe, expect, it } from 'vitest'
import { createContext, ok, rpc, useEmulator, type RawAnswer } from './helpers.js'

const FILE_ACTIONS = ['GetContextFileUploadUrl', 'GetContextFileDownloadUrl', 'DeleteContextFile'] as const

const refusal = (answer: RawAnswer) => ({
  status: answer.status,
  Success: answer.json['Success'],
  Code: answer.json['Code'],
  Message: answer.json['Message'],
  HttpStatusCode: answer.json['HttpStatusCode'],
  Data: answer.json['Data'],
})

describe('FilePath must name a file', () => {
  const env = useEmulator()

  it('refuses /a/ and /a/. like / (400 InvalidParameter naming FilePath) for upload URL, download URL and delete', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'slash')
    const put = await fetch((await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/a' }))['Data']['Url'], { method: 'PUT', body: 'kept' })
    expect(put.status).toBe(200)

    for (const action of FILE_ACTIONS) {
      const root = refusal(await rpc(emulator, emulator.apiKey, action, { ContextId: contextId, FilePath: '/' }))
      expect(root).toEqual({ status: 400, Success: false, Code: 'InvalidParameter', Message: 'FilePath is invalid: must name a file', HttpStatusCode: 400, Data: undefined })
      for (const filePath of ['/a/', '/a/.', 'a/', '/a//', '/dir/a/'])
        expect(refusal(await rpc(emulator, emulator.apiKey, action, { ContextId: contextId, FilePath: filePath })), `${action} ${filePath}`).toEqual(root)
    }

    // Nothing was stored, deleted or served: `/a` is still the one file, with its bytes.
    const listed = await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/' })
    expect(listed['Data'].map((entry: { FilePath: string; FileType: string }) => [entry.FilePath, entry.FileType])).toEqual([['/a', 'file']])
    const download = await fetch((await ok(emulator, 'GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/a' }))['Data']['Url'])
    expect(await download.text()).toBe('kept')
  })

  it('still accepts a doubled slash inside a path and deletes a folder named without a trailing slash', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'inside')
    // official-sdk-calls §5.1: callers concatenate `ctxPath + "/name"`, giving `/tmp/file-transfer//upload.txt`.
    const url = (await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/dir//x.txt' }))['Data']['Url'] as string
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(200)
    await ok(emulator, 'DeleteContextFile', { ContextId: contextId, FilePath: '/dir' })
    expect((await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/' }))['Data']).toEqual([])
  })
})
