import { ValidationError } from './errors/validation-error.js'

/**
 * Checks the options argument of a call and returns it (`{}` when omitted).
 *
 * The official SDKs take positional arguments where this SDK takes an options object:
 * `context.get(name, true)`, `session.delete(true)`, `listFiles(id, folder, 2, 20)`,
 * `clear(id, 30)`, `fs.writeFile(path, text, 'append')`. From plain JavaScript those would read
 * as `{}` and silently do something else (no create, no upload before delete, page 1, a 60 s
 * budget, an overwrite), so anything but an object is a `ValidationError` that names the form
 * to use (issue 9 item 9). With `keys`, unknown keys are refused too, for calls where the
 * official SDK passes an object that means something else (`agentBay.list(labels)`).
 *
 * @example
 * const { create } = requireOptions(options, 'context.get(name, options)', 'context.get(name, { create: true })')
 */
export function requireOptions<T extends object>(value: T | undefined, call: string, use: string, keys?: readonly string[]): T {
  if (value === undefined) return {} as T
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${call}: options must be an object, got ${describe(value)}; use ${use}`)
  }
  if (keys !== undefined) {
    const unknown = Object.keys(value).filter((key) => !keys.includes(key))
    if (unknown.length > 0) {
      throw new ValidationError(`${call}: unknown option(s) ${unknown.map((key) => JSON.stringify(key)).join(', ')} (known: ${keys.join(', ')}); use ${use}`)
    }
  }
  return value
}

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40))
  return typeof value === 'function' ? 'a function' : String(value)
}

/** Argument checks, each throwing `ValidationError` (they run inside `defer`, before any request). */
export function requireText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`)
  }
}

export function requirePositiveInteger(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be an integer ≥ 1, got ${String(value)}`)
  }
}

/** The protocol documents no upper bound for page sizes, so none is invented here. */
export function requirePageSize(value: unknown, name: string): void {
  requirePositiveInteger(value, name)
}
