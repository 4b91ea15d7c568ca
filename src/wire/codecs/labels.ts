import * as t from 'io-ts'

/** Session labels: string keys to string values. */
export type Labels = Readonly<Record<string, string>>

/**
 * `Labels` as the service sends it in `GetLabel`'s `Data` (official-sdk-calls §2): a JSON object
 * *string* of string → string; an empty string means no labels. Anything else — not a string,
 * invalid JSON, an array, a non-string value — fails with its path, never reads as "no labels".
 * The result is built with `Object.fromEntries`, so a `__proto__` label stays a label.
 */
export const LabelsFromString = /*#__PURE__*/ new t.Type<Labels, string, unknown>(
  'LabelsFromString',
  (u): u is Labels => typeof u === 'object' && u !== null && !Array.isArray(u) && Object.values(u).every((value) => typeof value === 'string'),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a JSON object string')
    if (u.trim() === '') return t.success({})
    let parsed: unknown
    try {
      parsed = JSON.parse(u)
    } catch {
      return t.failure(u, c, 'expected valid JSON inside the string')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return t.failure(u, c, 'expected a JSON object of labels')
    const entries = Object.entries(parsed)
    const bad = entries.find(([, value]) => typeof value !== 'string')
    if (bad !== undefined) {
      return t.failure(bad[1], t.appendContext(c, bad[0], t.string, bad[1]), `label ${JSON.stringify(bad[0])} must be a string`)
    }
    return t.success(Object.fromEntries(entries) as Labels)
  },
  (labels) => JSON.stringify(labels),
)
