import { InvalidArgumentError } from 'commander'

/** Commander argument parsers: a bad value becomes a usage error (exit 2). */

/** An integer ≥ 1 that a number holds exactly (`1e300` is an integer too, but no page or count). */
export function positiveInt(value: string): number {
  return decimalInteger(value, 1, Number.MAX_SAFE_INTEGER, 'expected an integer ≥ 1, in decimal digits')
}

/** An integer ≥ 0 that a number holds exactly. */
export function nonNegativeInt(value: string): number {
  return decimalInteger(value, 0, Number.MAX_SAFE_INTEGER, 'expected an integer ≥ 0, in decimal digits')
}

/** A number > 0 in decimal notation (`1.5`, `.5`): not `0x10`, `1e3` or ` 7 `, which `Number()` would read. */
export function positiveNumber(value: string): number {
  const parsed = /^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a number > 0, in decimal digits')
  return parsed
}

/** A TCP port, 0 meaning any free one. */
export function port(value: string): number {
  return decimalInteger(value, 0, 65535, 'expected a port number within 0..65535, in decimal digits')
}

/**
 * Digits only: `Number()` reads `0x10` as 16, `0b1`, `0o7` and `1e3` too, trims `' 7 '` and
 * turns `''` into 0, none of which a user typing a count means. No flag takes a negative value.
 */
function decimalInteger(value: string, min: number, max: number, expected: string): number {
  const parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(expected)
  return parsed
}

/** `--label k=v`, repeatable. */
export function collectLabel(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const at = value.indexOf('=')
  if (at <= 0) throw new InvalidArgumentError('expected key=value')
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) }
}

/** `--mount ID:PATH`, repeatable: a context to mount in a new session. */
export function collectMount(
  value: string,
  previous: readonly { contextId: string; path: string }[] = [],
): { contextId: string; path: string }[] {
  const at = value.indexOf(':')
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('expected CONTEXT_ID:PATH, e.g. SdkCtx-1:/home/wuying/data')
  return [...previous, { contextId: value.slice(0, at), path: value.slice(at + 1) }]
}
