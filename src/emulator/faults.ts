import { isAction, type Action } from '../wire/protocol.js'

// ---- model -------------------------------------------------------------------------------------

/**
 * What an injected fault does to one call (see `FaultRule`).
 *
 * - before the action runs (no side effects): `500`, `503`, `throttle` (429 + `Retry-After` and
 *   `x-ratelimit-user-api: …TimeLeft:<ms>` +
 *   `Code: Throttling`), `reset` (socket destroyed, no answer), `successFalse` (HTTP 200,
 *   `Success:false` + `Code`), `successFalseNoCode` (HTTP 200, `Success:false`, no `Code` key);
 * - around it: `latency` (waits `latencyMs` first; stacks with any other fault);
 * - after the action ran (the side effects happened, the answer is damaged): `truncated` (the
 *   JSON cut in half, HTTP 200), `malformedJson` (complete but invalid JSON), `wrongTypes`
 *   (`Success` and `HttpStatusCode` as strings), `malformedContextStatus` (GetContextInfo only:
 *   `layer` 1 = the `ContextStatus` string is not JSON, 2 = an envelope item's `data` is not a
 *   string, 3 = the task list inside `data` is not JSON).
 *
 * `when: 'after'` moves `500`/`503`/`throttle`/`reset` after the action ran, to model
 * "applied on the server, answer lost".
 */
export const FAULT_KINDS = [
  '500',
  '503',
  'throttle',
  'reset',
  'latency',
  'truncated',
  'malformedJson',
  'wrongTypes',
  'malformedContextStatus',
  'successFalse',
  'successFalseNoCode',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** One injection rule. Give `times` for a deterministic "next N calls" rule, or `rate` for a random one. */
export interface FaultRule {
  /** Action to affect; omit (or `'*'`) for every action. */
  readonly action?: Action | '*'
  readonly kind: FaultKind
  /** Probability 0..1 per matching call (drawn from the seeded generator). Default 1 when `times` is absent. */
  readonly rate?: number
  /** Fire on the next `times` matching calls, then retire. Takes precedence over `rate`. */
  readonly times?: number
  /** `latency`: milliseconds added (default 1000). */
  readonly latencyMs?: number
  /** `throttle`: the `Retry-After` header in seconds (default 1). */
  readonly retryAfterSeconds?: number
  /** `malformedContextStatus`: which JSON layer of protocol §4 breaks (default 1). */
  readonly layer?: 1 | 2 | 3
  /** `successFalse`: the `Code` to send (default `InternalError`). */
  readonly code?: string
  /** `successFalse*`, `500`, `503`: the `Message` to send. */
  readonly message?: string
  /** `500`/`503`/`throttle`/`reset`: fail before the action runs (default) or after it ran. */
  readonly when?: 'before' | 'after'
}

/** Rules plus an optional seed, so a rate-based run can be replayed exactly. */
export interface FaultPlan {
  readonly rules: readonly FaultRule[]
  /** Seed for the rate draws; default: random. */
  readonly seed?: number
}

/** A plan or, as shorthand, just its rules. */
export type FaultsInput = FaultPlan | readonly FaultRule[]

/** The faults chosen for one call. */
export interface FaultDecision {
  readonly latencyMs: number
  /** The single non-latency fault that fires, if any. */
  readonly fault?: FaultRule
}

const POST_EXECUTION_KINDS: ReadonlySet<FaultKind> = new Set([
  'truncated',
  'malformedJson',
  'wrongTypes',
  'malformedContextStatus',
])

/** True when the action must still run before the fault is applied to its answer. */
export const runsActionFirst = (rule: FaultRule): boolean => POST_EXECUTION_KINDS.has(rule.kind) || rule.when === 'after'

// ---- engine ------------------------------------------------------------------------------------

interface LiveRule {
  readonly rule: FaultRule
  remaining: number | undefined
}

/**
 * Decides, per call, which faults fire. Counter rules are consumed in order; rate rules draw from
 * a seeded PRNG (mulberry32) so a failing reliability test can be replayed with its seed.
 */
export class FaultInjector {
  private rules: LiveRule[] = []
  private random: () => number = Math.random

  constructor(input: FaultsInput | undefined) {
    this.set(input)
  }

  /** Replaces the plan (takes effect on the next call). */
  set(input: FaultsInput | undefined): void {
    const plan = normalizeFaults(input)
    this.rules = plan.rules.map((rule) => ({ rule, remaining: rule.times }))
    this.random = mulberry32(plan.seed ?? Math.floor(Math.random() * 2 ** 32))
  }

  /** The rules still active (counter rules that ran out are gone). */
  active(): FaultRule[] {
    return this.rules.map((live) => live.rule)
  }

  decide(action: string): FaultDecision {
    let latencyMs = 0
    let fault: FaultRule | undefined
    for (const live of this.rules) {
      const { rule } = live
      if (rule.action !== undefined && rule.action !== '*' && rule.action !== action) continue
      if (rule.kind === 'malformedContextStatus' && action !== 'GetContextInfo') continue
      // One non-latency fault per call: later rules are not consumed while an earlier one fires.
      if (rule.kind !== 'latency' && fault !== undefined) continue
      if (!this.fires(live)) continue
      if (rule.kind === 'latency') latencyMs += rule.latencyMs ?? 1000
      else fault = rule
    }
    this.rules = this.rules.filter((live) => live.remaining === undefined || live.remaining > 0)
    return fault === undefined ? { latencyMs } : { latencyMs, fault }
  }

  private fires(live: LiveRule): boolean {
    if (live.remaining !== undefined) {
      if (live.remaining <= 0) return false
      live.remaining -= 1
      return true
    }
    return this.random() < (live.rule.rate ?? 1)
  }
}

/** The rule fields that only some kinds use, and those kinds (others ignore them). */
export const FAULT_OPTION_KINDS = {
  latencyMs: ['latency'],
  retryAfterSeconds: ['throttle'],
  layer: ['malformedContextStatus'],
  code: ['successFalse'],
  message: ['500', '503', 'throttle', 'successFalse', 'successFalseNoCode'],
  when: ['500', '503', 'throttle', 'reset'],
} as const satisfies Partial<Record<keyof FaultRule, readonly FaultKind[]>>

/** Kinds that only ever fire on one action (`malformedContextStatus` damages GetContextInfo's answer). */
export const FAULT_ONLY_ACTION: Partial<Record<FaultKind, Action>> = { malformedContextStatus: 'GetContextInfo' }

/**
 * Why `rule` could never do what it says (an option its kind ignores, a kind on an action it never
 * fires on), or `undefined`. The CLI refuses such rules; programmatic plans keep them inert, as
 * documented on `FaultRule`, so a generated plan may carry options for every kind.
 */
export function inapplicableFault(rule: FaultRule): string | undefined {
  const only = FAULT_ONLY_ACTION[rule.kind]
  if (only !== undefined && rule.action !== undefined && rule.action !== '*' && rule.action !== only)
    return `${rule.kind} applies only to ${only}, not ${rule.action}`
  for (const [option, kinds] of Object.entries(FAULT_OPTION_KINDS) as [keyof typeof FAULT_OPTION_KINDS, readonly FaultKind[]][]) {
    if (rule[option] !== undefined && !kinds.includes(rule.kind)) return `${option} applies only to ${kinds.join(', ')}, not ${rule.kind}`
  }
  return undefined
}

/** Validates and normalizes the `faults` option; throws a `TypeError` on a malformed rule. */
export function normalizeFaults(input: FaultsInput | undefined): FaultPlan {
  if (input === undefined) return { rules: [] }
  const plan: FaultPlan = isRuleList(input) ? { rules: input } : input
  for (const rule of plan.rules) checkRule(rule)
  return plan.seed === undefined ? { rules: [...plan.rules] } : { rules: [...plan.rules], seed: plan.seed }
}

/** Node timers hold at most 2^31-1 ms; a longer latency would fire at once. */
const MAX_TIMER_MS = 2_147_483_647

function checkRule(rule: FaultRule): void {
  if (!(FAULT_KINDS as readonly string[]).includes(rule.kind)) throw new TypeError(`faults: unknown kind ${String(rule.kind)}`)
  if (rule.action !== undefined && rule.action !== '*' && !isAction(rule.action)) throw new TypeError(`faults: unknown action ${String(rule.action)}`)
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new TypeError('faults: rate must be within 0..1')
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) throw new TypeError('faults: times must be a non-negative integer')
  if (rule.layer !== undefined && ![1, 2, 3].includes(rule.layer)) throw new TypeError('faults: layer must be 1, 2 or 3')
  if (rule.when !== undefined && rule.when !== 'before' && rule.when !== 'after') throw new TypeError("faults: when must be 'before' or 'after'")
  if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0 && rule.latencyMs <= MAX_TIMER_MS))
    throw new TypeError(`faults: latencyMs must be within 0..${MAX_TIMER_MS}`)
  if (rule.retryAfterSeconds !== undefined && !(Number.isFinite(rule.retryAfterSeconds) && rule.retryAfterSeconds >= 0))
    throw new TypeError('faults: retryAfterSeconds must be a non-negative number')
}

const isRuleList = (input: FaultsInput): input is readonly FaultRule[] => Array.isArray(input)

/** Small, well-known 32-bit PRNG; enough for reproducible fault draws. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
