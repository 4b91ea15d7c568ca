import { firstValueFrom, isObservable } from 'rxjs'
import { expect } from 'vitest'
import { ValidationError } from '../../src/entries/index.js'

/** The error `fn` throws, failing the test when it does not throw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

/** The ValidationError `fn` throws; fails the test when it throws nothing or another error. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  const error = thrown(fn)
  expect(error).toBeInstanceOf(ValidationError)
  return error as ValidationError
}

/** The error a call ends with: thrown at once, rejected, or emitted (undefined when it ends without one). */
export async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    const result = call()
    if (isObservable(result)) await firstValueFrom(result)
    else await result
  } catch (error) {
    return error
  }
  return undefined
}
