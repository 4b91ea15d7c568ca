import { FAULT_KINDS, FAULT_OPTION_KINDS, FAULT_ONLY_ACTION, inapplicableFault, normalizeFaults, type FaultRule } from './faults.js'

/**
 * The `--fault` syntax of `agentbay-rx emulator`: one `FaultRule` per flag, covering every field
 * the programmatic rules have. Shown verbatim by `agentbay-rx emulator --help`.
 */
export const FAULT_SPEC_HELP = `
Fault rules (--fault, repeatable): KIND[@ACTION][:RATE][,OPTION=VALUE]...
  KIND     ${FAULT_KINDS.slice(0, 6).join(' ')}
           ${FAULT_KINDS.slice(6).join(' ')}
  ACTION   the API action to affect, e.g. GetContextInfo (omitted or *: every action)
  RATE     probability 0..1 per matching call (default 1); or use times=N
  OPTION   times=N            fire on the next N matching calls, then stop
           when=before|after  ${FAULT_OPTION_KINDS.when.join('/')}: fail before the action runs (default)
                              or after it ran ("applied on the server, answer lost")
           ms=N               latency: milliseconds added (default 1000); stacks with other faults
           retry-after=N      throttle: Retry-After in seconds (default 1)
           layer=1|2|3        malformedContextStatus: which JSON layer breaks (default 1)
           code=CODE          successFalse: the Code sent (default InternalError)
           message=TEXT       ${FAULT_OPTION_KINDS.message.join('/')}: the Message; comes last
                              (it takes the rest of the rule, commas included)
  A rule that could never apply is a usage error (exit 2): an option its kind ignores, RATE together
  with times, or ${Object.entries(FAULT_ONLY_ACTION).map(([kind, action]) => `${kind} on an action other than ${action}`).join(', ')}.
  Examples: 503@GetContextInfo:0.1   reset@SyncContext,when=after,times=1   latency:0.5,ms=300
            malformedContextStatus,layer=2   successFalse@GetSession,code=InvalidSession,message=gone
`

/** `OPTION` name on the command line → `FaultRule` field. */
const OPTIONS = {
  times: 'times',
  when: 'when',
  ms: 'latencyMs',
  'retry-after': 'retryAfterSeconds',
  layer: 'layer',
  code: 'code',
  message: 'message',
} as const satisfies Record<string, keyof FaultRule>

const HEAD = /^([A-Za-z0-9]+)(?:@([A-Za-z]+|\*))?(?::([^,]+))?$/

/**
 * Parses one `--fault` value (see `FAULT_SPEC_HELP`). Throws a `TypeError` whose message says what
 * is wrong; the result has passed the same checks as the programmatic `faults` option.
 */
export function parseFaultSpec(text: string): FaultRule {
  const messageAt = text.search(/,message=/)
  const message = messageAt === -1 ? undefined : text.slice(messageAt + ',message='.length)
  const [head = '', ...options] = (messageAt === -1 ? text : text.slice(0, messageAt)).split(',')
  const match = HEAD.exec(head)
  if (match === null) throw new TypeError(`expected KIND[@ACTION][:RATE][,OPTION=VALUE]..., e.g. 503@GetContextInfo:0.1, got ${JSON.stringify(text)}`)
  const [, kind = '', action, rate] = match
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`unknown fault kind ${kind}; one of ${FAULT_KINDS.join(', ')}`)
  const rule: Record<string, unknown> = { kind }
  if (action !== undefined) rule['action'] = action
  if (rate !== undefined) rule['rate'] = number(rate, 'RATE')
  for (const option of options) {
    const at = option.indexOf('=')
    const name = option.slice(0, at)
    if (at <= 0 || !Object.hasOwn(OPTIONS, name)) throw new TypeError(`unknown fault option ${JSON.stringify(option)}; one of ${Object.keys(OPTIONS).join(', ')}`)
    const field = OPTIONS[name as keyof typeof OPTIONS]
    if (rule[field] !== undefined) throw new TypeError(`fault option ${name} given twice`)
    const value = option.slice(at + 1)
    rule[field] = field === 'when' || field === 'code' ? value : number(value, name)
  }
  if (message !== undefined) rule['message'] = message
  if (rule['rate'] !== undefined && rule['times'] !== undefined) throw new TypeError('give RATE or times=N, not both: times wins and RATE would never apply')
  const checked = rule as unknown as FaultRule
  normalizeFaults([checked]) // the programmatic checks: bad values are refused alike
  const inapplicable = inapplicableFault(checked)
  if (inapplicable !== undefined) throw new TypeError(`faults: ${inapplicable}`)
  return checked
}

const number = (value: string, name: string): number => {
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new TypeError(`fault ${name} must be a number, got ${JSON.stringify(value)}`)
  return parsed
}
