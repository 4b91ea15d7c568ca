// Stop 16 left options.ts catching the shared check's ValidationError to re-throw its message as a
// TypeError. The shared check now takes the error type to throw, so the emulator gets its own
// bad-option error directly, with the same message.
import { describe, expect, it } from 'vitest'
import { normalizeEmulatorOptions } from '../../src/emulator/options.js'
import { requireKnownKeys } from '../../src/shared/arguments.js'
import { ValidationError } from '../../src/shared/errors/index.js'

describe('emulator options', () => {
  it('the shared unknown-key check throws the error type its caller gives, with the usual message', () => {
    const known = { taskDelayMs: true } as const
    expect(() => requireKnownKeys({ task_delay_ms: 0 }, 'call(options)', known, { errorType: TypeError })).toThrow(TypeError)
    expect(() => requireKnownKeys({ task_delay_ms: 0 }, 'call(options)', known, { errorType: TypeError })).toThrow(
      'call(options): unknown option(s) "task_delay_ms" (did you mean "taskDelayMs"?); known: taskDelayMs',
    )
    expect(() => requireKnownKeys({ task_delay_ms: 0 }, 'call(options)', known)).toThrow(ValidationError) // the default stays
  })

  it('startEmulator refuses an unknown key with a TypeError (not a ValidationError), as every other bad option', () => {
    const refuse = () => normalizeEmulatorOptions({ task_delay_ms: 0 } as never)
    expect(refuse).toThrow(TypeError)
    expect(refuse).not.toThrow(ValidationError)
    expect(refuse).toThrow(/^startEmulator\(options\): unknown option\(s\) "task_delay_ms" \(did you mean "taskDelayMs"\?\); known: port, host, /)
  })

  it('bodyIdleTimeoutMs: 60 s by default; a positive delay a Node timer can hold, else a TypeError', () => {
    expect(normalizeEmulatorOptions({}).bodyIdleTimeoutMs).toBe(60_000)
    expect(normalizeEmulatorOptions({ bodyIdleTimeoutMs: 2 ** 31 - 1 }).bodyIdleTimeoutMs).toBe(2 ** 31 - 1)
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => normalizeEmulatorOptions({ bodyIdleTimeoutMs: bad })).toThrow(TypeError)
    // Node would fire a longer timer after 1 ms: a huge limit must not mean "time out at once".
    expect(() => normalizeEmulatorOptions({ bodyIdleTimeoutMs: 2 ** 31 })).toThrow('bodyIdleTimeoutMs must be at most 2147483647 ms')
  })
})
