// Bad sync and info options get a ValidationError naming the option, before any request
// (issue 9 item 17: these rules were only proved outside the core suites that mutation testing runs).
import { lastValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { SYNC_FORM, SYNC_OPTION_KEYS, normalizeSyncOptions, requireOptionsObject, type SyncOptions } from '../../src/sync/sync-options.js'
import { ValidationError, type ContextInfoFilter } from '../../src/entries/index.js'
import { offlineClient } from '../helpers/offline-client.js'

const refusal = (options: unknown) => {
  try {
    normalizeSyncOptions(options as SyncOptions)
  } catch (error) {
    return error instanceof ValidationError ? error.message : `not a ValidationError: ${String(error)}`
  }
  return 'accepted'
}

describe('requireOptionsObject', () => {
  it.each([
    ['null', null, 1, 'the first null'],
    ['an array', [], 1, 'the first an array'],
    ['a string', 'ctx-1', 1, 'the first the string "ctx-1"'],
    // Shown by its length only, like every string long enough to be a key passed by mistake (the positional form's first argument may be anything).
    ['a long string', 'c'.repeat(60), 1, 'the first a string of 60 characters'],
    ['a number', 3, 1, 'the first a number'],
    ['an object among two arguments', {}, 2, 'the first a object'],
  ])('refuses %s, naming the call form and what it got', (_label, value, count, got) => {
    expect(() => requireOptionsObject(value, count, 'sync', SYNC_FORM, SYNC_OPTION_KEYS)).toThrow(new ValidationError(`sync() takes one options object: ${SYNC_FORM}; got ${count} argument(s), ${got}`))
  })

  it('accepts one object, or nothing at all', () => {
    expect(() => requireOptionsObject({}, 1, 'sync', SYNC_FORM, SYNC_OPTION_KEYS)).not.toThrow()
    expect(() => requireOptionsObject(undefined, 0, 'sync', SYNC_FORM, SYNC_OPTION_KEYS)).not.toThrow()
    expect(() => requireOptionsObject(undefined, 1, 'sync', SYNC_FORM, SYNC_OPTION_KEYS)).not.toThrow()
  })
})

describe('normalizeSyncOptions', () => {
  it('sync() names itself when it is given something other than an options object, and sends nothing', async () => {
    const { session, sent } = offlineClient()
    await expect(lastValueFrom(session.context.sync('ctx-1' as SyncOptions))).rejects.toThrow(
      new ValidationError(`sync() takes one options object: ${SYNC_FORM}; got 1 argument(s), the first the string "ctx-1"`),
    )
    expect(sent).toHaveLength(0)
  })

  it.each([
    ['contextId', { contextId: '', path: '/data' }, '""'],
    ['contextId', { contextId: '   ', path: '/data' }, '"   "'],
    ['contextId', { contextId: 7, path: '/data' }, '7'],
    ['path', { contextId: 'ctx-1', path: '' }, '""'],
    ['path', { contextId: 'ctx-1', path: ' \t' }, '" \\t"'],
    ['path', { contextId: 'ctx-1', path: 7 }, '7'],
  ])('refuses a %s that is not a non-empty string, showing it: %o', (name, options, shown) => {
    expect(refusal(options)).toBe(`${name} must be a non-empty string, got ${shown}`)
  })

  it('refuses an unknown mode, showing it', () => {
    expect(refusal({ mode: 'side' })).toBe(`mode must be 'upload' or 'download', got "side"`)
    // Long enough to be a key passed by mistake: its length only.
    expect(refusal({ mode: 'sideways' })).toBe(`mode must be 'upload' or 'download', got a string of 8 characters`)
  })

  it('takes maxRetries 1 and refuses 0, showing it', () => {
    expect(normalizeSyncOptions({ maxRetries: 1 }).maxRetries).toBe(1)
    expect(refusal({ maxRetries: 0 })).toBe('maxRetries must be an integer ≥ 1, got 0')
  })

  it('refuses a schedule that is not a function', () => {
    expect(refusal({ schedule: 100 })).toBe('schedule must be a function (pollIndex) => delay in ms')
  })
})

describe('info() filters', () => {
  const info = (filter: unknown): Promise<unknown> => {
    const { session, sent } = offlineClient()
    return session.context.infoAsync(filter as ContextInfoFilter).finally(() => expect(sent).toHaveLength(0))
  }

  it.each([
    ['contextId', { contextId: '' }, '""'],
    ['contextId', { contextId: '  ' }, '"  "'],
    ['contextId', { contextId: 7 }, '7'],
    ['path', { path: '' }, '""'],
    ['path', { path: ' ' }, '" "'],
    ['path', { path: 7 }, '7'],
  ])('refuses a %s that is not a non-empty string, showing it: %o', async (name, filter, shown) => {
    await expect(info(filter)).rejects.toThrow(new ValidationError(`${name} must be a non-empty string, got ${shown}`))
  })

  it('refuses an unknown taskType, showing it', async () => {
    await expect(info({ taskType: 'side' })).rejects.toThrow(new ValidationError(`taskType must be 'upload' or 'download', got "side"`))
  })
})

describe('one scope check for sync() and info()', () => {
  /** The message each entry point refuses `scope` with (nothing may be sent), or 'accepted'. */
  const refusals = async (scope: Record<string, unknown>, direction: unknown) => {
    const { session, sent } = offlineClient()
    const { context } = session
    const messageOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (error instanceof ValidationError ? error.message : `not a ValidationError: ${String(error)}`),
      )
    const withDirection = (key: string) => (direction === undefined ? scope : { ...scope, [key]: direction })
    const sync = await messageOf(context.syncAsync(withDirection('mode') as SyncOptions))
    const info = await messageOf(context.infoAsync(withDirection('taskType') as ContextInfoFilter))
    expect(sent).toHaveLength(0)
    return { sync, info }
  }

  it.each([
    ['contextId', { contextId: '', path: '/data' }, '""'],
    ['contextId', { contextId: ' \n', path: '/data' }, '" \\n"'],
    ['contextId', { contextId: null, path: '/data' }, 'null'],
    ['path', { contextId: 'ctx-1', path: '' }, '""'],
    ['path', { contextId: 'ctx-1', path: ['/data'] }, 'an array'],
  ])('refuses a bad %s with the same message from both, showing it, before any request: %o', async (name, scope, shown) => {
    const message = `${name} must be a non-empty string, got ${shown}`
    expect(await refusals(scope, undefined)).toEqual({ sync: message, info: message })
  })

  it.each([
    ['side', 'got "side"'],
    ['Upload', 'got "Upload" (did you mean \'upload\'?)'],
    [1, 'got 1'],
    [null, 'got null'],
  ])('refuses the direction %o under each one\'s option name', async (direction, got) => {
    expect(await refusals({}, direction)).toEqual({
      sync: `mode must be 'upload' or 'download', ${got}`,
      info: `taskType must be 'upload' or 'download', ${got}`,
    })
  })
})
