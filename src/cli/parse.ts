import { InvalidArgumentError } from 'commander'

/** Commander argument parsers: a bad value becomes a usage error (exit 2). */

/** An integer ≥ 1 that a number holds exactly (`1e300` is an integer too, but no page or count). */
export function positiveInt(value: string): number {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected an integer ≥ 1')
  return parsed
}

/** An integer ≥ 0 that a number holds exactly. */
export function nonNegativeInt(value: string): number {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected an integer ≥ 0')
  return parsed
}

/** A finite number > 0. */
export function positiveNumber(value: string): number {
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a number > 0')
  return parsed
}

/** A TCP port, 0 meaning any free one. */
export function port(value: string): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new InvalidArgumentError('expected a port number within 0..65535')
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
