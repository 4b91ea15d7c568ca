import { invalidParameter, missingParameter } from './errors.js'

/**
 * The request's parameters: query string and form body merged (protocol §1.2/§1.5: `Authorization`
 * and a few fields may sit in either). `URLSearchParams` decodes both `%20` and `+` as a space
 * (§1.4). Unknown parameters, `Format`, `Timestamp` and `SignatureNonce` are simply never read.
 * Every accessor throws an `RpcFailure` (HTTP 400) on a bad value, so handlers stay linear.
 */
export class Params {
  private readonly values = new Map<string, string>()

  constructor(query: string, body: string) {
    // Query first, then body: a body field wins over a query field of the same name.
    for (const source of [query, body]) {
      for (const [key, value] of new URLSearchParams(source)) this.values.set(key, value)
    }
  }

  /** The raw value, or `undefined` when absent. An empty value counts as absent (§1.4: never sent empty). */
  optional(name: string): string | undefined {
    const value = this.values.get(name)
    return value === undefined || value === '' ? undefined : value
  }

  required(name: string): string {
    const value = this.optional(name)
    if (value === undefined) throw missingParameter(name)
    return value
  }

  /** protocol §1.4: `true`/`True`/`TRUE` all mean true (Python sends `True`). */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name)
    if (value === undefined) return fallback
    const lower = value.toLowerCase()
    if (lower === 'true') return true
    if (lower === 'false') return false
    throw invalidParameter(name, 'expected true or false')
  }

  /** A decimal integer within `[min, max]`. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.optional(name)
    if (value === undefined) return fallback
    if (!/^-?\d+$/.test(value)) throw invalidParameter(name, 'expected an integer')
    const parsed = Number(value)
    if (parsed < min || parsed > max) throw invalidParameter(name, `expected ${min}..${max}`)
    return parsed
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optional(name)
    if (value === undefined) return undefined
    if (!(allowed as readonly string[]).includes(value)) throw invalidParameter(name, `expected one of ${allowed.join(', ')}`)
    return value as T
  }

  /** A field holding a JSON string (protocol §1.4: Labels, PersistenceDataList, Args…). */
  json(name: string): unknown {
    const value = this.optional(name)
    if (value === undefined) return undefined
    try {
      return JSON.parse(value) as unknown
    } catch {
      throw invalidParameter(name, 'expected a JSON string')
    }
  }

  /**
   * A JSON object of string → string (protocol §3.1/§3.6 `Labels`), as a `Map`: label keys are the
   * client's, and `__proto__` assigned into a plain object would be dropped (or worse) rather than kept.
   * Blank or whitespace-only keys and values are refused: the official SDKs never send them
   * (official-sdk-calls §2).
   */
  labels(name: string): Map<string, string> {
    const value = this.json(name)
    const labels = new Map<string, string>()
    if (value === undefined || value === null) return labels
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(name, 'expected a JSON object')
    for (const [key, label] of Object.entries(value)) {
      if (key.trim() === '') throw invalidParameter(name, 'label keys cannot be blank')
      if (typeof label !== 'string') throw invalidParameter(name, `label ${key} must be a string`)
      if (label.trim() === '') throw invalidParameter(name, 'label values cannot be blank')
      labels.set(key, label)
    }
    return labels
  }
}
