import { EMPTY, concat, concatMap, defer, from, type Observable } from 'rxjs'

/** One page of a NextToken-paged list action (protocol §3.6, §3.8). */
export interface Page<T> {
  readonly items: readonly T[]
  /** Empty or absent on the last page. */
  readonly nextToken?: string
}

/**
 * Walks NextToken pages lazily: a page is fetched only after every item of the previous one was
 * emitted and the subscriber still listens, so `take(5)` over pages of ≥ 5 items sends one request.
 * A repeated token ends the walk (a server bug must not become an endless loop).
 *
 * @example
 * walkPages((token) => fetchPage(token)).pipe(take(5))
 */
export function walkPages<T>(fetchPage: (nextToken: string | undefined) => Observable<Page<T>>): Observable<T> {
  const walk = (token: string | undefined, seen: ReadonlySet<string>): Observable<T> =>
    defer(() => fetchPage(token)).pipe(
      concatMap((page) => {
        const next = page.nextToken
        // `concat` subscribes to the next page only once the items are out: that is what keeps it lazy.
        const rest = next === undefined || next === '' || seen.has(next) ? EMPTY : defer(() => walk(next, new Set(seen).add(next)))
        return concat(from(page.items), rest)
      }),
    )
  return defer(() => walk(undefined, new Set()))
}
