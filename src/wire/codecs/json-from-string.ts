import * as t from 'io-ts'

/**
 * A string that holds JSON, decoded to `unknown` (protocol §2.3: `ContextStatus`, `ToolList`,
 * `Policy` are JSON strings). Join with `.pipe(codec)` to type the parsed value.
 */
export const JsonFromString = /*#__PURE__*/ new t.Type<unknown, string, unknown>(
  'JsonFromString',
  (u): u is unknown => true,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a JSON string')
    try {
      return t.success(JSON.parse(u) as unknown)
    } catch {
      return t.failure(u, c, 'expected valid JSON inside the string')
    }
  },
  (a) => JSON.stringify(a),
)
