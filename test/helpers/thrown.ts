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
