import * as t from 'io-ts'

/**
 * protocol §7 (calls doc): the states a context passes through while `ClearContext` runs.
 * `clearing` and `pre-available` are in progress, `available` is done; `in-use` is named by the
 * official SDKs' comments. Any other value is a decode failure: the official SDKs log it and keep
 * polling, which can only guess whether the clear finished.
 */
export const ClearState = /*#__PURE__*/ t.keyof({ clearing: null, 'pre-available': null, available: null, 'in-use': null })
export type ClearState = t.TypeOf<typeof ClearState>

/**
 * The part of a `GetContext` answer the clear-status probe reads. `State` may be absent: the
 * official SDKs read that as `clearing` (calls doc §7), and so does `clearStateOf`.
 */
export const ClearStatusBody = /*#__PURE__*/ t.type({ Data: t.partial({ State: ClearState }) }, 'ClearStatusBody')
export type ClearStatusBody = t.TypeOf<typeof ClearStatusBody>

/** The state a decoded probe reports (missing `State` → `clearing`, as the official SDKs read it). */
export const clearStateOf = (body: ClearStatusBody): ClearState => body.Data.State ?? 'clearing'
