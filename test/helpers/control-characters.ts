import { expect } from 'vitest'
import { ValidationError, type RpcRequest } from '../../src/entries/index.js'
import { failureOf } from './thrown.js'

/** Control characters the shared rule refuses (C0 and DEL), from NUL to DEL. */
export const CONTROL_CHARACTERS = ['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f']

/**
 * Asserts that `call`, given `withControl(c)` for each control character `c`, fails with a
 * ValidationError naming `option` and the rule, and that nothing was sent.
 */
export async function expectControlCharactersRefused(call: (value: string) => unknown, withControl: (c: string) => string, option: string, sent: readonly RpcRequest[]): Promise<void> {
  for (const c of CONTROL_CHARACTERS) {
    const error = await failureOf(() => call(withControl(c)))
    expect(error, `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain(option)
    expect((error as Error).message).toMatch(/control character/)
  }
  expect(sent).toEqual([])
}
