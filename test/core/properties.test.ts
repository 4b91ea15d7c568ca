import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAgentBayError, type ContextStatusData } from '../../src/entries/index.js'
import { ContextStatusFromString, RESPONSE_CODECS } from '../../src/entries/wire.js'
import { decodeResponse } from '../../src/wire/decode-response.js'
import { createRedactor, redactText } from '../../src/shared/redact.js'

// ---- an oracle written independently of the codecs (protocol §2.1, §2.3, §4) ---------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)
const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

const TASK_STRING_FIELDS = ['contextId', 'path', 'taskType', 'status', 'errorMessage'] as const
const TASK_TYPES: readonly unknown[] = ['upload', 'download']
const TASK_STATUSES: readonly unknown[] = ['Pending', 'Running', 'Success', 'Failed']
const isTask = (value: unknown): boolean =>
  isObject(value) &&
  TASK_STRING_FIELDS.every((field) => typeof value[field] === 'string') &&
  TASK_TYPES.includes(value['taskType']) &&
  TASK_STATUSES.includes(value['status']) &&
  isInteger(value['startTime']) &&
  isInteger(value['finishTime'])

/** The tasks a valid GetContextInfo success answer carries, or `undefined` when the answer is not one. */
function oracle(status: number, text: string): unknown[] | undefined {
  if (status >= 400) return undefined
  const body = parse(text)
  if (!body.ok || !isObject(body.value) || body.value['Success'] !== true) return undefined
  const envelope = body.value
  for (const field of ['RequestId', 'Code', 'Message']) {
    if (envelope[field] !== undefined && typeof envelope[field] !== 'string') return undefined
  }
  if (envelope['HttpStatusCode'] !== undefined && typeof envelope['HttpStatusCode'] !== 'number') return undefined
  const data = envelope['Data']
  if (data === undefined) return []
  if (!isObject(data)) return undefined
  const layer1 = data['ContextStatus']
  if (layer1 === undefined || layer1 === null || layer1 === '') return []
  if (typeof layer1 !== 'string') return undefined
  const items = parse(layer1)
  if (!items.ok || !Array.isArray(items.value)) return undefined
  const tasks: unknown[] = []
  for (const item of items.value) {
    if (!isObject(item) || typeof item['type'] !== 'string') return undefined
    if (item['type'] !== 'data') continue
    if (typeof item['data'] !== 'string') return undefined
    const inner = parse(item['data'])
    if (!inner.ok || !Array.isArray(inner.value) || !inner.value.every(isTask)) return undefined
    tasks.push(...inner.value)
  }
  return tasks
}

/**
 * The property: GetContextInfo never turns garbage into a result. Either a typed AgentBayError is
 * thrown, or the input really was a valid success body and the tasks are exactly the oracle's.
 */
function checkGetContextInfo(status: number, text: string): void {
  const expected = oracle(status, text)
  let decoded: ReturnType<typeof decodeResponse<typeof RESPONSE_CODECS.GetContextInfo>>
  try {
    decoded = decodeResponse('GetContextInfo', RESPONSE_CODECS.GetContextInfo, { status, body: text })
  } catch (error) {
    if (!isAgentBayError(error)) throw new Error(`untyped failure: ${String(error)}`)
    expect(expected).toBeUndefined()
    return
  }
  expect(expected).toBeDefined()
  expect(decoded.Success).toBe(true)
  expect(decoded.Data?.ContextStatus ?? []).toEqual(expected)
}

// ---- generators -----------------------------------------------------------------------------------

const taskArb: fc.Arbitrary<ContextStatusData> = fc.record({
  contextId: fc.string(),
  path: fc.string(),
  // protocol §4 as decoded since issue 9: exactly these spellings; anything else is a DecodeError.
  taskType: fc.constantFrom('upload', 'download'),
  status: fc.constantFrom('Pending', 'Running', 'Success', 'Failed'),
  errorMessage: fc.string(),
  startTime: fc.maxSafeInteger(),
  finishTime: fc.maxSafeInteger(),
})

// Any UTF-16 code unit, lone surrogates included (cheaper than unit: 'binary').
const anyUtf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))

const statusArb = fc.oneof(fc.constant(200), fc.integer({ min: 100, max: 599 }))

/** A valid body as a tree whose JSON-string layers are still structured (serialized by `render`). */
const validTreeArb = fc.record(
  {
    RequestId: fc.string(),
    Success: fc.constant(true),
    Code: fc.constant('ok'),
    HttpStatusCode: fc.constant(200),
    Data: fc.record({
      ContextStatus: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('data'), data: fc.array(taskArb, { maxLength: 3 }) }),
          fc.record({ type: fc.constant('log'), data: fc.string() }),
        ),
        { maxLength: 3 },
      ),
    }),
  },
  { requiredKeys: ['Success'] },
)

/** Turns a (possibly mutated) tree into the wire text: arrays at the JSON-string layers become strings. */
function render(tree: unknown): string {
  if (!isObject(tree) || !isObject(tree['Data']) || !Array.isArray(tree['Data']['ContextStatus'])) return JSON.stringify(tree)
  const items = tree['Data']['ContextStatus'].map((item: unknown) =>
    isObject(item) && Array.isArray(item['data']) ? { ...item, data: JSON.stringify(item['data']) } : item,
  )
  return JSON.stringify({ ...tree, Data: { ...tree['Data'], ContextStatus: JSON.stringify(items) } })
}

/** Every path to a value inside `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(...value.map((inner, index) => pathsOf(inner, [...prefix, index])))
  if (isObject(value)) return here.concat(...Object.entries(value).map(([key, inner]) => pathsOf(inner, [...prefix, key])))
  return here
}

type Mutation = { kind: 'replace'; value: Json } | { kind: 'delete' }

/** A copy of `tree` with the value at `path` replaced or deleted. */
function mutateAt(tree: unknown, path: (string | number)[], mutation: Mutation): unknown {
  if (path.length === 0) return mutation.kind === 'replace' ? mutation.value : undefined
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  if (Array.isArray(tree)) {
    const copy = [...tree]
    if (rest.length === 0 && mutation.kind === 'delete') copy.splice(Number(head), 1)
    else copy[Number(head)] = mutateAt(copy[Number(head)], rest, mutation)
    return copy
  }
  if (isObject(tree)) {
    const copy = { ...tree }
    if (rest.length === 0 && mutation.kind === 'delete') delete copy[head]
    else copy[head] = mutateAt(copy[head], rest, mutation)
    return copy
  }
  return tree
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: 'replace', value: value as Json })),
  fc.constantFrom<Mutation>(
    { kind: 'replace', value: null },
    { kind: 'replace', value: '' },
    { kind: 'replace', value: '[]' },
    { kind: 'replace', value: false },
    { kind: 'replace', value: 1.5 },
    { kind: 'replace', value: 'Success' },
    { kind: 'replace', value: [] },
    { kind: 'replace', value: {} },
  ),
)

/** A valid body with one structural mutation somewhere in any of its layers. */
const mutatedBodyArb = fc
  .tuple(validTreeArb, fc.nat(), mutationArb)
  .map(([tree, pick, mutation]) => {
    const paths = pathsOf(tree)
    return render(mutateAt(tree, paths[pick % paths.length] ?? [], mutation))
  })

/** A valid body's text, cut short or with one character changed. */
const textMutatedBodyArb = fc
  .tuple(validTreeArb, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), fc.boolean())
  .map(([tree, pick, char, truncate]) => {
    const text = render(tree)
    const at = pick % (text.length + 1)
    return truncate ? text.slice(0, at) : `${text.slice(0, at)}${char}${text.slice(at + 1)}`
  })

// ---- properties ------------------------------------------------------------------------------------

describe('GetContextInfo never decodes garbage to a result', () => {
  it('for arbitrary JSON values', () => {
    fc.assert(fc.property(statusArb, fc.jsonValue(), (status, value) => checkGetContextInfo(status, JSON.stringify(value))), { numRuns: 300 })
  })

  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(statusArb, fc.oneof(fc.string(), fc.string({ unit: anyUtf16Unit }), fc.json()), (status, text) => checkGetContextInfo(status, text)),
      { numRuns: 200 },
    )
  })

  it('for valid bodies with one mutation in any layer', () => {
    fc.assert(fc.property(statusArb, mutatedBodyArb, (status, text) => checkGetContextInfo(status, text)), { numRuns: 500 })
  })

  it('for valid bodies with their text cut or changed', () => {
    fc.assert(fc.property(statusArb, textMutatedBodyArb, (status, text) => checkGetContextInfo(status, text)), { numRuns: 300 })
  })

  it('decodes every valid body to exactly its data tasks (the generator is not vacuous)', () => {
    fc.assert(
      fc.property(validTreeArb, (tree) => {
        const text = render(tree)
        expect(oracle(200, text)).toBeDefined()
        checkGetContextInfo(200, text)
      }),
      { numRuns: 200 },
    )
  })
})

describe('ContextStatusFromString', () => {
  it('round-trips any task list through encode and decode', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 8 }), (tasks) => {
        const encoded = ContextStatusFromString.encode(tasks)
        expect(typeof encoded).toBe('string')
        const decoded = ContextStatusFromString.decode(encoded)
        expect(decoded).toEqual({ _tag: 'Right', right: tasks })
        expect(ContextStatusFromString.is(tasks)).toBe(true)
      }),
    )
  })

  it('concatenates tasks across data envelopes and skips the others', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.array(taskArb, { maxLength: 3 }), fc.string()), { maxLength: 5 }), (groups) => {
        const items = groups.map((group) => (typeof group === 'string' ? { type: 'log', data: group } : { type: 'data', data: JSON.stringify(group) }))
        const expected = groups.flatMap((group) => (typeof group === 'string' ? [] : group))
        expect(ContextStatusFromString.decode(JSON.stringify(items))).toEqual({ _tag: 'Right', right: expected })
      }),
    )
  })
})

describe('redactText', () => {
  const noCredentialWords = (text: string): boolean => !/bearer|authorization|token|signature/i.test(text)
  const surroundingArb = fc.string().filter(noCredentialWords)
  // Realistic key alphabet: what API keys and their URL encodings are made of.
  const keyArb = fc.stringMatching(/^[A-Za-z0-9._~-]{1,48}$/)

  it('removes a key written as Bearer <key> in any encoding, or as Authorization=<key>', () => {
    fc.assert(
      fc.property(
        surroundingArb,
        keyArb,
        fc.constantFrom('Bearer ', 'Bearer%20', 'Bearer+', 'bearer  ', 'Authorization=', 'authorization=Bearer%20', 'token='),
        fc.constantFrom('', '&', ' ', '"', "'", ',', ';', ')', '\n'),
        surroundingArb,
        (before, key, form, delimiter, after) => {
          const out = redactText(`${before} ${form}${key}${delimiter}${after}`)
          expect(out).not.toContain(`${form}${key}${delimiter}`)
          expect(out).toContain('<redacted>')
        },
      ),
    )
  })

  it("removes a client's key wherever it appears, bare or URL-encoded", () => {
    const registeredKeyArb = fc
      .string({ minLength: 8, maxLength: 40 })
      .filter((key) => !/[<>]/.test(key) && !'<redacted>'.includes(key) && key.trim() === key)
    fc.assert(
      fc.property(fc.string(), registeredKeyArb, fc.string(), fc.boolean(), (before, key, after, encoded) => {
        const out = createRedactor([key]).text(`${before}${encoded ? encodeURIComponent(key) : key}${after}`)
        expect(out).not.toContain(key)
        if (encodeURIComponent(key) !== key) expect(out).not.toContain(encodeURIComponent(key))
      }),
      { numRuns: 200 },
    )
  })
})
