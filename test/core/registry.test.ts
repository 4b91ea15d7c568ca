import { describe, expect, expectTypeOf, it } from 'vitest'
import { RESPONSE_CODECS, type ResponseBody } from '../../src/wire/codecs/actions.js'
import type { ContextStatusData } from '../../src/wire/codecs/context-status.js'
import type { RpcResponse } from '../../src/rpc/rpc.js'
import { READ_ACTIONS } from '../../src/rpc/retry.js'
import { ACTIONS, QUERY_FIELDS, isAction, type Action } from '../../src/wire/protocol.js'

// Style §14: the registries are checked by the compiler (`tsc --noEmit` covers test/) and at run time.
describe('the action → codec registry', () => {
  it('has a codec for exactly the actions of the protocol (types)', () => {
    expectTypeOf<keyof typeof RESPONSE_CODECS>().toEqualTypeOf<Action>()
    expectTypeOf<Action>().toEqualTypeOf<(typeof ACTIONS)[number]>()
  })

  it('has a codec for exactly the actions of the protocol (values)', () => {
    expect(Object.keys(RESPONSE_CODECS).sort()).toEqual([...ACTIONS].sort())
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length)
    for (const action of ACTIONS) expect(typeof RESPONSE_CODECS[action].decode).toBe('function')
  })

  it('types each decoded body from its codec', () => {
    expectTypeOf<ResponseBody<'GetContext'>['Data']['Id']>().toEqualTypeOf<string>()
    expectTypeOf<NonNullable<NonNullable<ResponseBody<'GetContextInfo'>['Data']>['ContextStatus']>>().toEqualTypeOf<ContextStatusData[]>()
    expectTypeOf<RpcResponse<'SyncContext'>['Success']>().toEqualTypeOf<boolean>()
    expectTypeOf<RpcResponse<'ListContexts'>['NextToken']>().toEqualTypeOf<string | undefined>()
  })

  it('only names known actions in the other wire tables', () => {
    for (const action of READ_ACTIONS) expect(isAction(action)).toBe(true)
    for (const action of Object.keys(QUERY_FIELDS)) expect(isAction(action)).toBe(true)
    expect(READ_ACTIONS.has('SyncContext')).toBe(false)
    expect(READ_ACTIONS.has('CreateMcpSession')).toBe(false)
    expectTypeOf<keyof typeof QUERY_FIELDS>().toExtend<Action>()
  })
})
