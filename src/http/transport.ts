import type { Observable } from 'rxjs'
import type { RawResponse, RpcRequest } from '../wire/messages.js'

/**
 * The single seam tests replace: one cold Observable per attempt that emits one `RawResponse`
 * and completes, or errors with a `NetworkError` / `RequestTimeoutError`. Unsubscribing aborts.
 */
export type Transport = (request: RpcRequest) => Observable<RawResponse>
