import type { Observable } from 'rxjs'
import { failureFields, lastValueWithSignal, type FailureFields } from './adapters.js'

/**
 * What a Promise adapter resolves to: the value with `success: true`, or the reference failure
 * shape `{ success: false, requestId, errorMessage, error }`. Narrow on `success`.
 * Invalid arguments (ValidationError) and aborts reject instead.
 */
export type Outcome<T> = (T & { readonly success: true; readonly errorMessage?: undefined; readonly error?: undefined }) | FailureFields

/** `lastValueFrom` + signal + the failure mapping; no logic of its own (style §11). */
export function toOutcome<T extends object>(source: Observable<T>, signal: AbortSignal | undefined): Promise<Outcome<T>> {
  return lastValueWithSignal(source, signal).then(
    (value): Outcome<T> => ({ ...value, success: true }) as Outcome<T>,
    (error: unknown): Outcome<T> => failureFields(error),
  )
}
