import { fileURLToPath } from 'node:url'
import { isObservable, of } from 'rxjs'
import ts from 'typescript'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  AgentBay,
  type AgentBayFailure,
  type ContextInfoResult,
  type ContextSyncResult,
  type CreateSessionResult,
  type DeleteSessionResult,
  type FailureFields,
  type Outcome,
  type SyncTriggerResult,
} from '../../src/entries/index.js'
import { jsonResponse } from '../../src/testing/index.js'

// issue 10 item 5: one naming rule. An unsuffixed method returns a cold Observable, its Promise form
// is `…Async`, and every Promise form resolves to one shape. `$` names survive only as deprecated aliases.
const DEPRECATED: Readonly<Record<string, readonly string[]>> = {
  AgentBay: ['create$'],
  ContextService: ['upload$', 'download$', 'uploadFile', 'downloadFile', 'downloadFileStream'],
  ContextManager: ['info$', 'sync$'],
}
/** Not calls to the service: a handle factory (makes no call) and serialisation. */
const NOT_CALLS = new Set(['constructor', 'toJSON', 'session'])
/** Valid arguments of the Promise forms that need some (the others take their defaults). */
const ASYNC_ARGUMENTS: Readonly<Record<string, readonly unknown[]>> = {
  'AgentBay.getAsync': ['s-1'],
  'AgentBay.deleteAsync': ['s-1'],
  'Session.setLabelsAsync': [{ project: 'demo' }],
  'ContextService.getAsync': ['ctx'],
  'ContextService.getByIdAsync': ['ctx-1'],
  'ContextService.createAsync': ['ctx'],
  'ContextService.updateAsync': [{ id: 'ctx-1', name: 'n' }],
  'ContextService.deleteAsync': [{ id: 'ctx-1' }],
  'ContextService.listFilesAsync': ['ctx-1', '/'],
  'ContextService.getFileUploadUrlAsync': ['ctx-1', '/a'],
  'ContextService.getFileDownloadUrlAsync': ['ctx-1', '/a'],
  'ContextService.deleteFileAsync': ['ctx-1', '/a'],
  'ContextService.uploadAsync': ['ctx-1', '/a', 'data'],
  'ContextService.downloadAsync': ['ctx-1', '/a'],
  'ContextService.downloadStreamAsync': ['ctx-1', '/a'],
  'ContextService.clearAsync': ['ctx-1'],
  'ContextService.startClearAsync': ['ctx-1'],
  'ContextService.clearStatusAsync': ['ctx-1'],
  'FileSystem.readFileAsync': ['/a'],
  'FileSystem.readBytesAsync': ['/a'],
  'FileSystem.writeFileAsync': ['/a', 'x'],
  'FileSystem.listDirectoryAsync': ['/a'],
  'FileSystem.deleteFileAsync': ['/a'],
  'FileSystem.createDirectoryAsync': ['/a'],
  'FileSystem.getFileInfoAsync': ['/a'],
  'FileSystem.editFileAsync': ['/a', [{ oldText: 'x', newText: 'y' }]],
  'FileSystem.moveFileAsync': ['/a', '/b'],
  'FileSystem.readMultipleFilesAsync': [['/a', '/b']],
  'FileSystem.searchFilesAsync': ['/a', '*.txt'],
  'FileSystem.getFileChangeAsync': ['/a'],
}

const ENTRY = fileURLToPath(new URL('../../src/entries/index.ts', import.meta.url))

function publicSurface() {
  const sent: string[] = []
  // Every request fails at once with a non-retryable 400, so each Promise form settles quickly.
  const agentBay = new AgentBay({
    apiKey: 'test-key',
    env: {},
    transport: (request) => {
      sent.push(request.action)
      return of(jsonResponse({ RequestId: 'req-400', Code: 'InvalidParameter', Message: 'refused by the test' }, 400))
    },
  })
  const session = agentBay.session('s-1')
  return { sent, objects: { AgentBay: agentBay, ContextService: agentBay.context, Session: session, ContextManager: session.context, FileSystem: session.fs } }
}

/** Public methods of each class as the compiler sees them (private ones are on the prototype too). */
function publicMethods(): Record<string, readonly string[]> {
  const program = ts.createProgram([ENTRY], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!)
  const methods: Record<string, string[]> = {}
  for (const owner of ['AgentBay', 'ContextService', 'Session', 'ContextManager', 'FileSystem']) {
    const symbol = exports.find((candidate) => candidate.name === owner)!
    const declaration = checker.getAliasedSymbol(symbol).valueDeclaration as ts.ClassDeclaration
    methods[owner] = declaration.members
      .filter(ts.isMethodDeclaration)
      .filter((member) => !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
      .map((member) => member.name.getText())
      .filter((name, index, all) => !NOT_CALLS.has(name) && all.indexOf(name) === index)
  }
  return methods
}

describe('one naming rule for the public API (issue 10 item 5)', () => {
  const methods = publicMethods()
  const cases = Object.entries(methods).flatMap(([owner, names]) =>
    names
      .filter((name) => !(DEPRECATED[owner] ?? []).includes(name))
      .map((name) => [`${owner}.${name}`, owner, name] as const),
  )

  it('no method outside the deprecated aliases carries a `$`', () => {
    expect(cases.map(([label]) => label).filter((label) => label.includes('$'))).toEqual([])
  })

  it.each(cases.filter(([, , name]) => !name.endsWith('Async')))('%s() returns a cold Observable and sends nothing', (_label, owner, name) => {
    const { sent, objects: fresh } = publicSurface()
    const result = (fresh[owner as keyof typeof fresh] as unknown as Record<string, () => unknown>)[name]!()
    expect(isObservable(result)).toBe(true)
    expect(sent).toEqual([])
  })

  it.each(cases.filter(([, , name]) => name.endsWith('Async')))(
    '%s() returns a Promise; a remote failure resolves to { success: false, requestId, errorMessage, error }',
    async (_label, owner, name) => {
      const { objects: fresh } = publicSurface()
      const target = fresh[owner as keyof typeof fresh] as unknown as Record<string, (...args: unknown[]) => unknown>
      const result = target[name]!(...(ASYNC_ARGUMENTS[`${owner}.${name}`] ?? []))
      expect(result).toBeInstanceOf(Promise)
      const outcome = (await result) as Record<string, unknown>
      expect(outcome).toMatchObject({ success: false, requestId: 'req-400', errorMessage: expect.stringContaining('refused by the test') })
      expect(outcome['error']).toBeInstanceOf(Error)
    },
  )

  it('each Observable method has its …Async Promise form, and each …Async its Observable', () => {
    for (const [owner, list] of Object.entries(methods)) {
      const names = new Set(list)
      for (const name of names) {
        // downloadStreamAsync hands back a Node stream that outlives any subscription: Promise only.
        if (name.endsWith('Async') && name !== 'downloadStreamAsync') expect(names, `${owner}.${name}`).toContain(name.slice(0, -'Async'.length))
      }
    }
  })
})

describe('one Promise result shape (issue 10 item 5)', () => {
  /** What every `…Async` resolves to, whatever else it carries. */
  type OneShape = { readonly requestId: string; readonly success: boolean; readonly errorMessage?: string | undefined; readonly error?: AgentBayFailure | undefined }

  it('every Promise result type is { requestId, success, errorMessage?, error? } and its failure is FailureFields', () => {
    expectTypeOf<Outcome<{ readonly requestId: string; readonly value: number }>>().toExtend<OneShape>()
    expectTypeOf<ContextInfoResult>().toExtend<OneShape>()
    expectTypeOf<ContextSyncResult>().toExtend<OneShape>()
    expectTypeOf<SyncTriggerResult>().toExtend<OneShape>()
    expectTypeOf<CreateSessionResult>().toExtend<OneShape>()
    expectTypeOf<DeleteSessionResult>().toExtend<OneShape>()
    expectTypeOf<Extract<Outcome<{ readonly requestId: string }>, { success: false }>>().toEqualTypeOf<FailureFields>()
  })
})
