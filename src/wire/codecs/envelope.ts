import * as t from 'io-ts'

/** protocol §2.1: fields every response carries. `Success` is required: never assume it. */
export const Envelope = /*#__PURE__*/ t.intersection(
  [
    t.type({ Success: t.boolean }),
    t.partial({
      RequestId: t.string,
      Code: t.string,
      Message: t.string,
      HttpStatusCode: t.number,
    }),
  ],
  'Envelope',
)
export type Envelope = t.TypeOf<typeof Envelope>

/** Loose view used to read `Code`/`Message`/`RequestId` from error bodies of any shape. */
export const ErrorBody = /*#__PURE__*/ t.partial(
  { RequestId: t.string, Code: t.string, Message: t.string, Success: t.boolean, HttpStatusCode: t.number },
  'ErrorBody',
)
export type ErrorBody = t.TypeOf<typeof ErrorBody>
