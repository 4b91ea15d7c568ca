import { defer, map, type Observable } from 'rxjs'
import { describeChoice, requireOptions, requirePositiveInteger, requireString, requireText } from '../shared/arguments.js'
import { walkPages } from '../rpc/paging.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import type { Session, SessionFactory, SessionFetched, SessionPage } from './session.js'
import { serializeLabels } from './labels.js'
import { SESSION_LIST_KEYS, SESSION_PAGE_KEYS, SESSION_STATUSES, type SessionDeps, type SessionListOptions, type SessionPageOptions } from './types.js'

/**
 * The official `agentBay.list(labels, page, limit)` takes the label filter itself as first
 * argument; read as options, `{ project: 'x' }` would list every session, so unknown keys are
 * refused (as everywhere: `SESSION_LIST_KEYS`).
 */
export const LIST_SESSIONS_FORM = "agentBay.list({ labels: { project: 'x' }, maxResults: 20 })"

/** GetSession → a `Session` carrying status, resource URL and mounted contexts (protocol §3.5). */
export function fetchSession(client: SessionDeps, sessionId: string, makeSession: SessionFactory): Observable<SessionFetched> {
  return defer(() => {
    requireText(sessionId, 'sessionId')
    return client.rpc('GetSession', { SessionId: sessionId })
  }).pipe(
    map((body) => {
      const data = body.Data
      const session = makeSession(data.SessionId, {
        ...(data.Status === undefined ? {} : { status: data.Status }),
        ...(data.ResourceUrl === undefined ? {} : { resourceUrl: data.ResourceUrl }),
        ...(data.contexts === undefined ? {} : { contexts: data.contexts.map(({ id, name }) => ({ id, name })) }),
      })
      return { requestId: body.RequestId ?? '', session }
    }),
  )
}

/** One ListSession page (protocol §3.6): `Labels` always sent, `{}` without a filter. */
export function listSessionPage(client: SessionDeps, options: SessionPageOptions, makeSession: SessionFactory): Observable<SessionPage> {
  return defer(() => {
    requireOptions(options, 'agentBay.listPage(options)', LIST_SESSIONS_FORM, SESSION_PAGE_KEYS)
    const maxResults = options.maxResults ?? 10
    // The protocol documents no upper bound for page sizes, so none is invented here.
    requirePositiveInteger(maxResults, 'maxResults')
    if (options.nextToken !== undefined) requireString(options.nextToken, 'nextToken')
    if (options.status !== undefined && !(SESSION_STATUSES as readonly string[]).includes(options.status)) {
      throw new ValidationError(`status must be one of ${SESSION_STATUSES.join(', ')}; got ${describeChoice(options.status, SESSION_STATUSES)}`)
    }
    return client.rpc('ListSession', {
      Labels: serializeLabels(options.labels === undefined ? {} : options.labels, { allowEmpty: true }),
      MaxResults: String(maxResults),
      NextToken: options.nextToken === '' ? undefined : options.nextToken,
      Status: options.status,
    })
  }).pipe(
    map((body): SessionPage => ({
      requestId: body.RequestId ?? '',
      sessions: body.Data.map((item) => makeSession(item.SessionId, item.SessionStatus === undefined ? {} : { status: item.SessionStatus })),
      ...(body.NextToken === undefined || body.NextToken === '' ? {} : { nextToken: body.NextToken }),
      ...(body.MaxResults === undefined ? {} : { maxResults: body.MaxResults }),
      ...(body.TotalCount === undefined ? {} : { totalCount: body.TotalCount }),
    })),
  )
}

/** Every matching session, pages fetched lazily (see `walkPages`). */
export function listSessions(client: SessionDeps, options: SessionListOptions, makeSession: SessionFactory): Observable<Session> {
  return defer(() => {
    requireOptions(options, 'agentBay.list(options)', LIST_SESSIONS_FORM, SESSION_LIST_KEYS)
    return walkPages((nextToken) =>
      listSessionPage(client, { ...options, ...(nextToken === undefined ? {} : { nextToken }) }, makeSession).pipe(
        map((page) => ({ items: page.sessions, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) })),
      ),
    )
  })
}
