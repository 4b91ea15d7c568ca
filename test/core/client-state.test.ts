// Issue 10 item 4: each AgentBay owns its state (redactor, coalescer), composed as an interceptor
// chain; per-call options ride on the request (one call can opt out of retry).
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, merge, type Observable } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { AgentBay, type ContextStatusData } from '../../src/entries/index.js'
import { redactText } from '../../src/shared/redact.js'
import { PollCursor } from '../../src/rpc/poll-coalescer.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'

const KEY_A = 'ak-client-A-0123456789'
const KEY_B = 'ak-client-B-9876543210'

/** Collects every logged message and detail as text. */
const capturingLogger = () => {
  const lines: string[] = []
  const record = (message: string, ...details: unknown[]) => lines.push([message, ...details.map((d) => (d instanceof Error ? `${d.message} ${d.stack}` : String(d)))].join(' '))
  return { lines, debug: record, warn: record }
}

const errorOf = async (observable: Observable<unknown>): Promise<Error> => {
  try {
    await lastValueFrom(observable)
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** A server that answers every GetContextInfo with a 503 whose message quotes `key` bare. */
const echoingFailure = (fake: FakeTransport, key: string) =>
  fake.respond('GetContextInfo', jsonResponse({ Code: 'ServiceUnavailable', Message: `upstream rejected ${key} for now`, RequestId: 'r-503' }, 503))

const infoParams = { SessionId: 's-1' }

describe('retry as an interceptor, switched per call', () => {
  it('retries a read by default, and sends a call with retry: false exactly once', async () => {
    const attemptsOf = async (options: { retry?: boolean }) => {
      const fake = createFakeTransport()
      fake.respond('GetContextInfo', jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy' }, 503))
      const scheduler = new VirtualTimeScheduler()
      const agentBay = new AgentBay({ apiKey: KEY_A, transport: fake.transport, scheduler, env: {}, retry: { attempts: 3 } })
      const failure = errorOf(agentBay.rpc('GetContextInfo', infoParams, options))
      scheduler.flush()
      expect(await failure).toMatchObject({ name: 'HttpError', httpStatus: 503 })
      return fake.requests.length
    }
    expect(await attemptsOf({})).toBe(3)
    expect(await attemptsOf({ retry: false })).toBe(1)
  })

  it('never retries a write, whatever the call says', async () => {
    const fake = createFakeTransport()
    fake.respond('SyncContext', jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy' }, 503))
    const scheduler = new VirtualTimeScheduler()
    const agentBay = new AgentBay({ apiKey: KEY_A, transport: fake.transport, scheduler, env: {}, retry: { attempts: 3 } })
    const failure = errorOf(agentBay.rpc('SyncContext', { SessionId: 's-1' }, { retry: true }))
    scheduler.flush()
    expect(await failure).toMatchObject({ httpStatus: 503 })
    expect(fake.requests).toHaveLength(1)
  })
})

describe('two clients, each with its own key, scheduler, redactor and coalescer', () => {
  it('each redacts its own key, in errors and in its logs', async () => {
    const clients = [KEY_A, KEY_B].map((key) => {
      const fake = createFakeTransport()
      echoingFailure(fake, key)
      const logger = capturingLogger()
      const scheduler = new VirtualTimeScheduler()
      return { key, logger, scheduler, agentBay: new AgentBay({ apiKey: key, transport: fake.transport, scheduler, logger, env: {}, retry: { attempts: 2 } }) }
    })
    for (const { key, logger, scheduler, agentBay } of clients) {
      const failure = errorOf(agentBay.rpc('GetContextInfo', infoParams))
      scheduler.flush()
      const error = await failure
      expect(error.message).toContain('upstream rejected <redacted> for now')
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(key)
      // The logging interceptor reports each failed attempt, with the server's message, scrubbed.
      expect(logger.lines.filter((line) => line.includes('attempt failed'))).toHaveLength(2)
      expect(logger.lines.join('\n')).toContain('upstream rejected <redacted>')
      expect(logger.lines.join('\n')).not.toContain(key)
    }
  })

  it('leaves nothing of a client in a module global: text outside every client keeps a key it was never given', () => {
    // A client over HTTP (no request is made) and one over a fake: neither teaches the module its key.
    new AgentBay({ apiKey: KEY_A, endpoint: 'http://127.0.0.1:1', env: {} })
    new AgentBay({ apiKey: KEY_B, transport: createFakeTransport().transport, env: {} })
    expect(redactText(`bare ${KEY_A} and ${KEY_B}`)).toBe(`bare ${KEY_A} and ${KEY_B}`)
    // The patterns still apply everywhere.
    expect(redactText(`Authorization=Bearer%20${KEY_A}`)).not.toContain(KEY_A)
  })

  it('coalesces identical reads within a client, never across clients', async () => {
    const fake = createFakeTransport()
    const answers: ContextStatusData[] = [task({ status: 'Running' })]
    fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody(answers)))
    const [a, b] = [KEY_A, KEY_B].map((apiKey) => new AgentBay({ apiKey, transport: fake.transport, env: {}, scheduler: new VirtualTimeScheduler() })) as [AgentBay, AgentBay]
    const read = (client: AgentBay, cursor: PollCursor) => client.rpc('GetContextInfo', infoParams, { coalesce: cursor })
    // Readers made before the polls: each may use a poll another reader of the same client sent.
    const [a1, a2, b1] = [new PollCursor(), new PollCursor(), new PollCursor()]
    await firstValueFrom(read(a, a1))
    await firstValueFrom(read(a, a2)) // a's answer, reused
    expect(fake.requests).toHaveLength(1)
    await firstValueFrom(read(b, b1)) // b never sees a's polls
    expect(fake.requests).toHaveLength(2)
    expect(a.coalescer).not.toBe(b.coalescer)
  })

  it("ages shared answers on each client's own scheduler", async () => {
    const fake = createFakeTransport()
    fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody([])))
    const clocks = [new VirtualTimeScheduler(), new VirtualTimeScheduler()] as const
    const [a, b] = clocks.map((scheduler, i) => new AgentBay({ apiKey: [KEY_A, KEY_B][i], transport: fake.transport, env: {}, scheduler })) as [AgentBay, AgentBay]
    const [a1, a2, b1, b2] = [new PollCursor(), new PollCursor(), new PollCursor(), new PollCursor()]
    await firstValueFrom(a.rpc('GetContextInfo', infoParams, { coalesce: a1 }))
    await firstValueFrom(b.rpc('GetContextInfo', infoParams, { coalesce: b1 }))
    expect(fake.requests).toHaveLength(2)
    // Only b's clock moves on, far past the 100 ms an answer may be reused.
    clocks[1].schedule(() => undefined, 1_000)
    clocks[1].flush()
    await firstValueFrom(a.rpc('GetContextInfo', infoParams, { coalesce: a2 }))
    expect(fake.requests).toHaveLength(2) // a's answer is 0 ms old on a's clock: reused
    await firstValueFrom(b.rpc('GetContextInfo', infoParams, { coalesce: b2 }))
    expect(fake.requests).toHaveLength(3) // b's answer is 1 s old on b's clock: sent again
  })
})

describe('coalescing identical reads', () => {
  it('keys a shared read by action and parameters: the same parameters of another action are another read', async () => {
    const fake = createFakeTransport()
    fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody([])))
    fake.respond('GetSession', () => jsonResponse(okBody({ SessionId: 's-1', contexts: [] })))
    const agentBay = new AgentBay({ apiKey: KEY_A, transport: fake.transport, env: {}, scheduler: new VirtualTimeScheduler() })
    const [c1, c2] = [new PollCursor(), new PollCursor()]
    const info = await firstValueFrom(agentBay.rpc('GetContextInfo', infoParams, { coalesce: c1 }))
    const session = await firstValueFrom(agentBay.rpc('GetSession', infoParams, { coalesce: c2 }))
    expect(fake.requests.map((request) => request.action)).toEqual(['GetContextInfo', 'GetSession'])
    expect(info.Data).toHaveProperty('ContextStatus')
    expect(session.Data).toMatchObject({ SessionId: 's-1' })
  })

  it('never shares a write, even with a cursor', async () => {
    const fake = createFakeTransport()
    fake.respond('SyncContext', () => jsonResponse(okBody()))
    const agentBay = new AgentBay({ apiKey: KEY_A, transport: fake.transport, env: {}, scheduler: new VirtualTimeScheduler() })
    const [c1, c2] = [new PollCursor(), new PollCursor()]
    await lastValueFrom(merge(agentBay.rpc('SyncContext', infoParams, { coalesce: c1 }), agentBay.rpc('SyncContext', infoParams, { coalesce: c2 })))
    expect(fake.requestsOf('SyncContext')).toHaveLength(2)
  })
})

describe('debug logging of failed attempts: installed for a user logger only', () => {
  /**
   * A virtual clock that counts reads of `now()`. On a write (no coalescing, no retry) only the
   * logging interceptor reads the clock: when an attempt starts and when it fails.
   */
  const countingClock = () => {
    const scheduler = new VirtualTimeScheduler()
    const clock = { scheduler, reads: 0 }
    const now = scheduler.now
    scheduler.now = () => {
      clock.reads += 1
      return now()
    }
    return clock
  }

  const failedWrite = async (logger?: ReturnType<typeof capturingLogger>) => {
    const fake = createFakeTransport()
    fake.respond('SyncContext', jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }, 503))
    const clock = countingClock()
    const agentBay = new AgentBay({ apiKey: KEY_A, transport: fake.transport, scheduler: clock.scheduler, env: {}, ...(logger === undefined ? {} : { logger }) })
    const failure = errorOf(agentBay.rpc('SyncContext', infoParams))
    clock.scheduler.flush()
    expect(await failure).toMatchObject({ name: 'HttpError', httpStatus: 503 })
    return clock.reads
  }

  it("gives a user's logger one debug line for the failed attempt", async () => {
    const logger = capturingLogger()
    expect(await failedWrite(logger)).toBe(2)
    expect(logger.lines).toEqual([expect.stringMatching(/^SyncContext: attempt failed after 0 ms: .*busy/)])
  })

  it('adds no operator with the silent default logger: the call never reads the clock', async () => {
    expect(await failedWrite()).toBe(0)
  })
})
