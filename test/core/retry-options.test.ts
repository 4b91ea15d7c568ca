import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY, dropUndefined, normalizeConfig, type RetryOptions } from '../../src/http/config.js'
import { ValidationError } from '../../src/entries/index.js'

// The `retry` option of `new AgentBay()`: its boundaries and the errors that name it (src/http/config.ts).

const retryOf = (retry: RetryOptions) => normalizeConfig({ apiKey: 'k', env: {}, retry }).retry

function messageOf(retry: RetryOptions): string {
  try {
    retryOf(retry)
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return (error as Error).message
  }
  throw new Error(`expected retry ${JSON.stringify(retry)} to be refused`)
}

describe('the retry option', () => {
  it('defaults to 3 attempts, 200 ms base and 5 s maximum delay', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 })
    expect(retryOf({})).toEqual(DEFAULT_RETRY)
  })

  it('accepts the boundaries: one attempt, a zero base delay, and maxDelayMs equal to baseDelayMs', () => {
    expect(retryOf({ attempts: 1 })).toEqual({ ...DEFAULT_RETRY, attempts: 1 })
    expect(retryOf({ baseDelayMs: 0, maxDelayMs: 0 })).toEqual({ ...DEFAULT_RETRY, baseDelayMs: 0, maxDelayMs: 0 })
    expect(retryOf({ baseDelayMs: 700, maxDelayMs: 700 })).toEqual({ ...DEFAULT_RETRY, baseDelayMs: 700, maxDelayMs: 700 })
  })

  it('names retry.attempts and the value when attempts is not a whole number ≥ 1', () => {
    expect(messageOf({ attempts: 0 })).toContain('retry.attempts must be an integer ≥ 1, got 0')
    expect(messageOf({ attempts: 2.5 })).toContain('retry.attempts must be an integer ≥ 1, got 2.5')
    expect(messageOf({ attempts: -3 })).toContain('got -3')
  })

  it('names the field when a delay is negative or NaN, and states the rule when baseDelayMs is above maxDelayMs', () => {
    const rule = 'retry delays must satisfy 0 ≤ baseDelayMs ≤ maxDelayMs'
    expect(messageOf({ baseDelayMs: -1 })).toContain('retry.baseDelayMs must be a number of ms from 0 to 2147483647, got -1')
    expect(messageOf({ baseDelayMs: Number.NaN })).toContain('retry.baseDelayMs must be a number of ms')
    expect(messageOf({ baseDelayMs: 300, maxDelayMs: 299 })).toContain(rule)
    // maxDelayMs alone below the default base delay
    expect(messageOf({ maxDelayMs: 100 })).toContain(rule)
  })

  it('keeps the defaults for fields given as undefined', () => {
    expect(retryOf({ attempts: undefined, baseDelayMs: 50, maxDelayMs: undefined })).toEqual({ ...DEFAULT_RETRY, baseDelayMs: 50 })
    expect(dropUndefined({ a: 1, b: undefined, c: 0 })).toEqual({ a: 1, c: 0 })
    expect(Object.keys(dropUndefined({ a: undefined, b: null }))).toEqual(['b'])
  })
})
