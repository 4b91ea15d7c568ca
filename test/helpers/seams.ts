/**
 * `call` with `after` run once it has resolved, before its result is returned: the seam a `vi.mock`
 * factory puts around one export to act in the window right after it looked (a file swapped, a
 * descriptor held). Import it inside the factory (`await import(...)`): the factory is hoisted.
 */
export function afterCall<A extends unknown[], R>(
  call: (...args: A) => Promise<R>,
  after: (result: R, ...args: A) => unknown,
): (...args: A) => Promise<R> {
  return async (...args) => {
    const result = await call(...args)
    await after(result, ...args)
    return result
  }
}
