import { TestScheduler } from 'rxjs/testing'
import { expect } from 'vitest'

/** Reduces errors to `{name, kind, message}` so marble expectations compare meaningfully (rxjs `observableMatcher`). */
const simplify = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(simplify)
  if (value instanceof Error) {
    return { name: value.name, kind: (value as { kind?: unknown }).kind, message: value.message }
  }
  if (value !== null && typeof value === 'object' && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch !== 'function') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, simplify(inner)]))
  }
  return value
}

/** One `TestScheduler` per test, comparing with vitest's deep equality. */
export const createTestScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(simplify(actual)).toEqual(simplify(expected))
  })
