import { firstValueFrom, isObservable, lastValueFrom, type Observable } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ValidationError, type RpcRequest, type Session } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody } from '../../src/testing/index.js'
import { offlineClient } from '../helpers/offline-client.js'

// Issue 9 item 9: the official SDKs' positional forms, called from plain JavaScript, must be
// ValidationErrors naming the form to use — never silently something else, never a TypeError.

let sent: RpcRequest[]
let agentBay: AgentBay
let session: Session

beforeEach(() => {
  ;({ sent, agentBay, session } = offlineClient())
})

/** Calls as an untyped caller would; the library must not throw at call time. */
type UntypedCall = (bad: unknown) => Observable<unknown> | Promise<unknown>
/** A method as plain JavaScript sees it: any arguments. */
type Untyped = (...args: unknown[]) => Observable<unknown>

/** The ValidationError the call ends with, through the error channel (Observable) or a rejection (Promise). */
async function validationErrorOf(call: () => Observable<unknown> | Promise<unknown>): Promise<ValidationError> {
  let result: Observable<unknown> | Promise<unknown>
  try {
    result = call()
  } catch (error) {
    throw new Error(`threw at call time instead of erroring through the library: ${String(error)}`)
  }
  const settled = isObservable(result) ? lastValueFrom(result) : result
  const error = await settled.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return error as ValidationError
}

describe('the official SDK positional forms name the form to use', () => {
  it('context.get(name, true) does not silently skip the create', async () => {
    const error = await validationErrorOf(() => (agentBay.context.get as Untyped).call(agentBay.context, 'ctx', true))
    expect(error.message).toContain('context.get(name, { create: true })')
    const rejected = await validationErrorOf(() => agentBay.context.getAsync('ctx', true as never))
    expect(rejected.message).toContain('context.getAsync(name, { create: true })')
    expect(sent).toEqual([])
  })

  it('context.listFiles(id, folder, 2, 20) does not silently list page 1', async () => {
    const error = await validationErrorOf(() => (agentBay.context.listFiles as Untyped).call(agentBay.context, 'SdkCtx-1', '/', 2, 20))
    expect(error.message).toContain('{ pageNumber: 2, pageSize: 20 }')
    await validationErrorOf(() => agentBay.context.listFilesAsync('SdkCtx-1', '/', 2 as never))
    expect(sent).toEqual([])
  })

  it('context.clear(id, 30) does not silently use the 60 s budget', async () => {
    const error = await validationErrorOf(() => agentBay.context.clear('SdkCtx-1', 30 as never))
    expect(error.message).toContain('context.clear(contextId, { timeoutMs')
    expect(error.message).toContain('seconds')
    await validationErrorOf(() => agentBay.context.clearAsync('SdkCtx-1', 30 as never))
    expect(sent).toEqual([])
  })

  it('session.delete(true) / deleteAsync(true) do not silently skip the upload', async () => {
    const error = await validationErrorOf(() => session.delete(true as never))
    expect(error.message).toContain('session.delete({ syncContext: true })')
    const rejected = await validationErrorOf(() => session.deleteAsync(true as never))
    expect(rejected.message).toContain('session.deleteAsync({ syncContext: true })')
    expect(sent).toEqual([])
  })

  it("fs.writeFileAsync(path, text, 'append') does not silently overwrite", async () => {
    const error = await validationErrorOf(() => session.fs.writeFileAsync('/a.txt', 'more', 'append' as never))
    expect(error.message).toContain("fs.writeFileAsync(path, content, { mode: 'append' })")
    await validationErrorOf(() => session.fs.writeFile('/a.txt', 'more', 'append' as never))
    expect(sent).toEqual([])
  })

  it('agentBay.list(labels) does not silently list every session', async () => {
    const error = await validationErrorOf(() => agentBay.list({ project: 'x' } as never))
    expect(error.message).toContain('"project"')
    expect(error.message).toContain("labels: { project: 'x' }")
    await validationErrorOf(() => agentBay.listPage({ project: 'x' } as never))
    await validationErrorOf(() => agentBay.listPageAsync({ project: 'x' } as never))
    expect(sent).toEqual([])
  })
})

describe('every method taking an options object refuses anything else', () => {
  const calls: Record<string, UntypedCall> = {
    'context.get': (bad) => agentBay.context.get('ctx', bad as never),
    'context.getAsync': (bad) => agentBay.context.getAsync('ctx', bad as never),
    'context.getByIdAsync': (bad) => agentBay.context.getByIdAsync('SdkCtx-1', bad as never),
    'context.createAsync': (bad) => agentBay.context.createAsync('ctx', bad as never),
    'context.updateAsync': (bad) => agentBay.context.updateAsync({ id: 'SdkCtx-1', name: 'n' }, bad as never),
    'context.deleteAsync': (bad) => agentBay.context.deleteAsync({ id: 'SdkCtx-1' }, bad as never),
    'context.list': (bad) => agentBay.context.list(bad as never),
    'context.listPage': (bad) => agentBay.context.listPage(bad as never),
    'context.listPageAsync': (bad) => agentBay.context.listPageAsync(bad as never),
    'context.listFiles': (bad) => agentBay.context.listFiles('SdkCtx-1', '/', bad as never),
    'context.listFilesAsync': (bad) => agentBay.context.listFilesAsync('SdkCtx-1', '/', bad as never),
    'context.getFileUploadUrlAsync': (bad) => agentBay.context.getFileUploadUrlAsync('SdkCtx-1', '/a', bad as never),
    'context.getFileDownloadUrlAsync': (bad) => agentBay.context.getFileDownloadUrlAsync('SdkCtx-1', '/a', bad as never),
    'context.deleteFileAsync': (bad) => agentBay.context.deleteFileAsync('SdkCtx-1', '/a', bad as never),
    'context.upload': (bad) => agentBay.context.upload('SdkCtx-1', '/a', 'x', bad as never),
    'context.uploadAsync': (bad) => agentBay.context.uploadAsync('SdkCtx-1', '/a', 'x', bad as never),
    'context.downloadAsync': (bad) => agentBay.context.downloadAsync('SdkCtx-1', '/a', bad as never),
    'context.downloadStreamAsync': (bad) => agentBay.context.downloadStreamAsync('SdkCtx-1', '/a', bad as never),
    'context.clear': (bad) => agentBay.context.clear('SdkCtx-1', bad as never),
    'context.clearAsync': (bad) => agentBay.context.clearAsync('SdkCtx-1', bad as never),
    'agentBay.create': (bad) => agentBay.create(bad as never),
    'agentBay.create$': (bad) => agentBay.create$(bad as never),
    'agentBay.createAsync': (bad) => agentBay.createAsync(bad as never),
    'agentBay.getAsync': (bad) => agentBay.getAsync('s-1', bad as never),
    'agentBay.list': (bad) => agentBay.list(bad as never),
    'agentBay.listPage': (bad) => agentBay.listPage(bad as never),
    'agentBay.listPageAsync': (bad) => agentBay.listPageAsync(bad as never),
    'session.delete': (bad) => session.delete(bad as never),
    'session.deleteAsync': (bad) => session.deleteAsync(bad as never),
    'fs.readFile': (bad) => session.fs.readFile('/a', bad as never),
    'fs.readFileAsync': (bad) => session.fs.readFileAsync('/a', bad as never),
    'fs.readBytesAsync': (bad) => session.fs.readBytesAsync('/a', bad as never),
    'fs.writeFile': (bad) => session.fs.writeFile('/a', 'x', bad as never),
    'fs.writeFileAsync': (bad) => session.fs.writeFileAsync('/a', 'x', bad as never),
    'fs.listDirectoryAsync': (bad) => session.fs.listDirectoryAsync('/a', bad as never),
    'fs.deleteFileAsync': (bad) => session.fs.deleteFileAsync('/a', bad as never),
    'fs.createDirectoryAsync': (bad) => session.fs.createDirectoryAsync('/a', bad as never),
  }

  it.each(Object.keys(calls))('%s(…, true | 7 | "x" | null | []) errors through the library with a ValidationError, before any request', async (name) => {
    const call = calls[name]!
    for (const bad of [true, 7, 'x', null, []]) {
      const error = await validationErrorOf(() => call(bad))
      expect(error.message, `${name}(${JSON.stringify(bad)})`).toMatch(/options must be an object, got .*; use /)
    }
    expect(sent).toEqual([])
  })

  it('still accepts undefined and {} (the defaults)', async () => {
    const fake = createFakeTransport()
    agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {} })
    fake.respond('ListContexts', jsonResponse(okBody([])))
    expect(await firstValueFrom(agentBay.context.listPage(undefined))).toMatchObject({ contexts: [] })
    expect(await agentBay.context.listPageAsync({})).toMatchObject({ success: true })
  })
})
