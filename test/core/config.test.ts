import { inspect } from 'node:util'
import { asyncScheduler, firstValueFrom } from 'rxjs'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { AgentBay, ValidationError, type AgentBayClientOptions } from '../../src/entries/index.js'
import { endpointToBaseUrl, isLoopbackHost } from '../../src/entries/wire.js'
import { AGENTBAY_OPTION_KEYS, DEFAULT_RETRY, normalizeConfig, resolveApiKey } from '../../src/http/config.js'
import { createFakeTransport } from '../../src/testing/index.js'
import { validationErrorOf } from '../helpers/thrown.js'

const KEY = 'ak-config-secret-42'

const client = (options: AgentBayClientOptions): AgentBay => new AgentBay({ transport: createFakeTransport().transport, ...options })

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('API key', () => {
  it('comes from the apiKey option first', () => {
    expect(resolveApiKey({ apiKey: KEY, env: { AGENTBAY_API_KEY: 'from-env' } })).toBe(KEY)
  })

  it('falls back to AGENTBAY_API_KEY from the env option', () => {
    expect(resolveApiKey({ env: { AGENTBAY_API_KEY: 'from-env-key' } })).toBe('from-env-key')
    expect(resolveApiKey({ apiKey: '  ', env: { AGENTBAY_API_KEY: 'from-env-key' } })).toBe('from-env-key')
  })

  it('is required: a missing or blank key is a ValidationError naming both the option and the variable', () => {
    for (const options of [{ env: {} }, { apiKey: '', env: { AGENTBAY_API_KEY: ' ' } }]) {
      const error = validationErrorOf(() => new AgentBay(options))
      expect(error.message).toContain('apiKey')
      expect(error.message).toContain('AGENTBAY_API_KEY')
    }
  })

  it('reads the `env` option instead of process.env when given', () => {
    vi.stubEnv('AGENTBAY_API_KEY', 'from-process-env')
    validationErrorOf(() => new AgentBay({ env: {} }))
    expect(resolveApiKey({})).toBe('from-process-env')
  })

  it('never shows up in toJSON, JSON.stringify or util.inspect of the client', () => {
    const agentBay = client({ apiKey: KEY, env: {}, regionId: 'cn-shanghai' })
    expect(agentBay.toJSON()).toEqual({ endpoint: 'https://wuyingai.cn-shanghai.aliyuncs.com/', regionId: 'cn-shanghai', timeoutMs: 60_000 })
    expect(JSON.stringify(agentBay)).not.toContain(KEY)
    expect(JSON.stringify(agentBay.config)).not.toContain(KEY)
    expect(inspect(agentBay, { depth: null })).not.toContain(KEY)
    expect(inspect(agentBay.session('s-1'), { depth: null })).not.toContain(KEY)
  })

  it('is in no object reachable from the client, even with showHidden (issue 9 item 10)', async () => {
    const sent: string[] = []
    // A real ky transport (the one that holds the key), answering from an injected fetch.
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init)
      sent.push(request.url + (await request.text()))
      return new Response(JSON.stringify({ RequestId: 'r-1', Success: true, Code: 'ok', Data: [] }), { status: 200 })
    }
    const agentBay = new AgentBay({ apiKey: KEY, env: {}, fetch: fetch as typeof globalThis.fetch })
    const session = agentBay.session('s-1')
    await firstValueFrom(agentBay.context.listPage())
    expect(sent.join('\n')).toContain(encodeURIComponent(`Bearer ${KEY}`)) // the key is used…
    const reachable: Record<string, unknown> = {
      agentBay,
      config: agentBay.config,
      rpc: agentBay.rpc,
      context: agentBay.context,
      session,
      sessionContext: session.context,
      fs: session.fs,
    }
    for (const [name, value] of Object.entries(reachable)) {
      // …but held by no inspectable object (a non-enumerable property is printed by showHidden).
      const printed = [inspect(value, { showHidden: true, depth: Infinity, getters: true }), JSON.stringify(value) ?? '']
      for (const text of printed) {
        expect(text, name).not.toContain(KEY)
        expect(text, name).not.toContain(encodeURIComponent(KEY))
      }
    }
  })
})

describe('endpoint', () => {
  it('defaults to the Shanghai endpoint over https', () => {
    expect(normalizeConfig({ apiKey: KEY, env: {} }).baseUrl).toBe('https://wuyingai.cn-shanghai.aliyuncs.com/')
  })

  it('reads a bare host[:port] as https (protocol §1.1)', () => {
    expect(endpointToBaseUrl('wuyingai.ap-southeast-1.aliyuncs.com')).toBe('https://wuyingai.ap-southeast-1.aliyuncs.com/')
    expect(endpointToBaseUrl('127.0.0.1:8443')).toBe('https://127.0.0.1:8443/')
    expect(endpointToBaseUrl('localhost:9000')).toBe('https://localhost:9000/')
    expect(endpointToBaseUrl('[::1]:9000')).toBe('https://[::1]:9000/')
  })

  it('accepts full https and http URLs', () => {
    expect(endpointToBaseUrl('https://example.com')).toBe('https://example.com/')
    expect(endpointToBaseUrl('https://example.com:8443/')).toBe('https://example.com:8443/')
    expect(endpointToBaseUrl('HTTP://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/')
  })

  it('refuses plain http to a non-loopback host unless allowInsecureHttp', () => {
    const error = validationErrorOf(() => endpointToBaseUrl('http://example.com'))
    expect(error.message).toContain('allowInsecureHttp')
    validationErrorOf(() => endpointToBaseUrl('http://10.0.0.1:8080'))
    validationErrorOf(() => endpointToBaseUrl('http://127.0.0.1.example.com'))
    validationErrorOf(() => endpointToBaseUrl('http://localhost.example.com'))
    validationErrorOf(() => new AgentBay({ apiKey: KEY, env: {}, endpoint: 'http://example.com' }))
    expect(endpointToBaseUrl('http://example.com', true)).toBe('http://example.com/')
    expect(normalizeConfig({ apiKey: KEY, env: {}, endpoint: 'http://example.com', allowInsecureHttp: true }).baseUrl).toBe('http://example.com/')
  })

  it.each(['http://127.0.0.1:1', 'http://127.3.4.5', 'http://localhost:8080', 'http://[::1]:8080', 'http://api.localhost'])(
    'allows plain http to loopback %s',
    (endpoint) => {
      expect(endpointToBaseUrl(endpoint)).toMatch(/^http:\/\//)
    },
  )

  it('knows which hosts are loopback', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]', 'x.localhost'].every(isLoopbackHost)).toBe(true)
    expect(['example.com', '10.0.0.1', '128.0.0.1', '127.0.0.1.nip.io', '::2', 'localhost.evil'].some(isLoopbackHost)).toBe(false)
  })

  it('rejects other schemes and unparseable endpoints', () => {
    validationErrorOf(() => endpointToBaseUrl('ftp://example.com'))
    validationErrorOf(() => endpointToBaseUrl('http://'))
    validationErrorOf(() => endpointToBaseUrl('exa mple.com'))
  })

  it('comes from the option first, else AGENTBAY_ENDPOINT', () => {
    const env = { AGENTBAY_API_KEY: KEY, AGENTBAY_ENDPOINT: 'env.example.com' }
    expect(normalizeConfig({ env }).baseUrl).toBe('https://env.example.com/')
    expect(normalizeConfig({ env, endpoint: 'http://127.0.0.1:1' }).baseUrl).toBe('http://127.0.0.1:1/')
  })
})

describe('endpoint values that would be silently rewritten (issue 9 item 8)', () => {
  it.each([
    ['http//x', 'path'],
    ['https:/example.com', 'path'],
    ['example.com/api', 'path'],
    ['https://example.com/v1/', 'path'],
    ['https://example.com//', 'path'],
    ['example.com?region=x', 'query'],
    ['https://example.com/?', 'query'],
    ['https://example.com#frag', 'fragment'],
  ])('refuses %j (the %s would be dropped) naming the option', (endpoint) => {
    const error = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: {}, endpoint }))
    expect(error.message).toMatch(/^endpoint must be host\[:port\]/)
    expect(error.message).toContain('path, query or fragment')
  })

  it('names AGENTBAY_ENDPOINT when the bad value came from the environment', () => {
    const error = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: { AGENTBAY_ENDPOINT: 'http//x' } }))
    expect(error.message).toMatch(/^AGENTBAY_ENDPOINT must be/)
    const insecure = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: { AGENTBAY_ENDPOINT: 'http://example.com' } }))
    expect(insecure.message).toMatch(/^AGENTBAY_ENDPOINT: refusing plain http/)
  })

  it.each(['', '   ', '\t'])('refuses an empty endpoint %j instead of falling back to the cloud', (endpoint) => {
    const error = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: { AGENTBAY_ENDPOINT: 'env.example.com' }, endpoint }))
    expect(error.message).toMatch(/^endpoint must not be empty/)
    const fromEnv = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: { AGENTBAY_ENDPOINT: endpoint } }))
    expect(fromEnv.message).toMatch(/^AGENTBAY_ENDPOINT is set but empty/)
  })

  it.each(['https://admin:hunter2-pw@example.com', 'admin:hunter2-pw@example.com:8443', 'http://admin:hunter2-pw@127.0.0.1:9', 'https://admin:hunter2-pw@exa mple.com', 'https://admin:hun/ter2-pw@example.com'])(
    'refuses credentials in %j without echoing them',
    (endpoint) => {
      const error = validationErrorOf(() => new AgentBay({ apiKey: KEY, env: {}, endpoint }))
      expect(error.message).toMatch(/^endpoint must be/)
      expect(error.message).not.toContain('hunter2')
      expect(error.message).not.toContain('admin')
      expect(error.message).not.toContain(KEY)
    },
  )

  it('still accepts a trailing slash alone and surrounding whitespace', () => {
    expect(normalizeConfig({ apiKey: KEY, env: {}, endpoint: 'https://example.com/' }).baseUrl).toBe('https://example.com/')
    expect(normalizeConfig({ apiKey: KEY, env: {}, endpoint: ' example.com:8443/ ' }).baseUrl).toBe('https://example.com:8443/')
    expect(normalizeConfig({ apiKey: KEY, env: { AGENTBAY_ENDPOINT: 'http://127.0.0.1:9/' } }).baseUrl).toBe('http://127.0.0.1:9/')
  })
})

describe('wrong types from plain JavaScript (issue 9 item 9)', () => {
  /** `new AgentBay(options)` as an untyped caller would write it. */
  const construct = (options: unknown): ValidationError => validationErrorOf(() => new AgentBay(options as AgentBayClientOptions))

  it.each([null, true, 42, 'ak-key-as-a-string', [{ apiKey: KEY }]])('refuses options %j that are not an object', (options) => {
    expect(construct(options).message).toMatch(/^new AgentBay\(options\): options must be an object/)
  })

  it('refuses unknown option keys, such as the official SDK\'s `config` shape', () => {
    const error = construct({ apiKey: KEY, env: {}, config: { endpoint: '127.0.0.1:9000', timeout_ms: 5000 } })
    expect(error.message).toContain('"config"')
    expect(error.message).toContain('top level')
    expect(construct({ apiKey: KEY, env: {}, timeout: 5000 }).message).toContain('"timeout"')
  })

  it('refuses a non-string apiKey without printing it', () => {
    const error = construct({ apiKey: 12345678901234, env: { AGENTBAY_API_KEY: 'from-env-key' } })
    expect(error.message).toBe('apiKey must be a string, got number')
  })

  it.each([
    ['endpoint', 8080, /^endpoint must be a string, got number/],
    ['regionId', 1, /^regionId must be a string, got 1/],
    ['timeoutMs', '5000', /^timeoutMs must be a positive number/],
    ['allowInsecureHttp', 'yes', /^allowInsecureHttp must be a boolean \(true or false\), got "yes"/],
    ['retry', 3, /^retry must be an object/],
    ['retry', { attempts: '3' }, /^retry.attempts must be an integer/],
    ['retry', { baseDelayMs: '5' }, /^retry.baseDelayMs must be a number/],
    ['retry', { maxDelayMs: 2 ** 31 }, /^retry.maxDelayMs must be a number/],
    ['fetch', 'https://proxy', /^fetch must be a function/],
    ['logger', true, /^logger must have debug\(\) and warn\(\)/],
    ['logger', { debug: () => undefined }, /^logger must have debug\(\) and warn\(\)/],
    ['scheduler', {}, /^scheduler must be an RxJS SchedulerLike/],
    ['env', 'production', /^env must be an object/],
    ['env', null, /^env must be an object/],
    ['transport', {}, /^transport must be a function/],
    ['random', 0.5, /^random must be a function/],
  ])('refuses %s: %j with a ValidationError naming it', (key, value, message) => {
    expect(construct({ apiKey: KEY, env: {}, [key]: value }).message).toMatch(message)
  })

  it('accepts every option with the right type', () => {
    const agentBay = new AgentBay({
      apiKey: KEY,
      env: {},
      endpoint: 'http://127.0.0.1:9',
      regionId: 'cn-shanghai',
      timeoutMs: 1000,
      allowInsecureHttp: false,
      retry: { attempts: 2 },
      fetch: globalThis.fetch,
      logger: console,
      scheduler: asyncScheduler,
      random: Math.random,
    })
    expect(agentBay.config).toMatchObject({ baseUrl: 'http://127.0.0.1:9/', regionId: 'cn-shanghai', timeoutMs: 1000, logger: console })
  })

  it('lists every option key once (compile-time check of the registry)', () => {
    expectTypeOf<keyof typeof AGENTBAY_OPTION_KEYS>().toEqualTypeOf<keyof AgentBayClientOptions>()
  })
})

describe('timeout', () => {
  const timeoutFrom = (value: string | undefined): number => normalizeConfig({ apiKey: KEY, env: { AGENTBAY_TIMEOUT_MS: value } }).timeoutMs

  it('defaults to 60000 ms', () => {
    expect(timeoutFrom(undefined)).toBe(60_000)
  })

  it('reads a positive AGENTBAY_TIMEOUT_MS', () => {
    expect(timeoutFrom('5000')).toBe(5_000)
    expect(timeoutFrom(' 250 ')).toBe(250)
  })

  it('treats a blank AGENTBAY_TIMEOUT_MS as unset', () => {
    expect(timeoutFrom('')).toBe(60_000)
    expect(timeoutFrom('   ')).toBe(60_000)
  })

  // Deliberately stricter than protocol §1.7 (the official TS SDK ignores it): a typo would
  // otherwise run silently with the default, while the same value as `timeoutMs` is refused (issue 9 item 9).
  it.each(['soon', 'abc', '0', '-5', 'NaN', 'Infinity', '5s', '1e12'])('refuses an invalid AGENTBAY_TIMEOUT_MS %j with a ValidationError naming it', (value) => {
    const error = validationErrorOf(() => timeoutFrom(value))
    expect(error.message).toContain('AGENTBAY_TIMEOUT_MS')
    expect(error.message).toContain(JSON.stringify(value.trim()))
    validationErrorOf(() => new AgentBay({ apiKey: KEY, env: { AGENTBAY_TIMEOUT_MS: value } }))
  })

  it('prefers the timeoutMs option and validates it', () => {
    expect(normalizeConfig({ apiKey: KEY, timeoutMs: 1_000, env: { AGENTBAY_TIMEOUT_MS: '5000' } }).timeoutMs).toBe(1_000)
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      validationErrorOf(() => normalizeConfig({ apiKey: KEY, env: {}, timeoutMs }))
    }
  })

  it('refuses a timeout larger than timers can hold, instead of failing every request later', () => {
    // ky throws a RangeError above 2147483647 ms, and Node timers fire at once beyond it.
    const error = validationErrorOf(() => normalizeConfig({ apiKey: KEY, env: {}, timeoutMs: 2 ** 31 }))
    expect(error.message).toContain('timeoutMs')
    expect(normalizeConfig({ apiKey: KEY, env: {}, timeoutMs: 2 ** 31 - 1 }).timeoutMs).toBe(2 ** 31 - 1)
  })
})

describe('region, retry and the rest', () => {
  it('reads regionId from the option first, else AGENTBAY_REGION_ID', () => {
    expect(normalizeConfig({ apiKey: KEY, env: { AGENTBAY_REGION_ID: 'ap-southeast-1' } }).regionId).toBe('ap-southeast-1')
    expect(normalizeConfig({ apiKey: KEY, regionId: 'cn-shanghai', env: { AGENTBAY_REGION_ID: 'x' } }).regionId).toBe('cn-shanghai')
    expect(normalizeConfig({ apiKey: KEY, env: {} }).regionId).toBeUndefined()
  })

  it('merges a partial retry policy over the defaults, ignoring undefined fields', () => {
    expect(normalizeConfig({ apiKey: KEY, env: {} }).retry).toEqual(DEFAULT_RETRY)
    expect(normalizeConfig({ apiKey: KEY, env: {}, retry: { attempts: 1, baseDelayMs: undefined } }).retry).toEqual({ ...DEFAULT_RETRY, attempts: 1 })
  })

  it.each([{ attempts: 0 }, { attempts: 1.5 }, { baseDelayMs: -1 }, { baseDelayMs: 10, maxDelayMs: 5 }, { baseDelayMs: Number.NaN }])(
    'rejects the retry policy %j',
    (retry) => {
      validationErrorOf(() => normalizeConfig({ apiKey: KEY, env: {}, retry }))
    },
  )
})

describe('import', () => {
  it('reads no environment variable and needs no key when the package is imported', async () => {
    vi.stubEnv('AGENTBAY_API_KEY', undefined)
    const read: string[] = []
    const realEnv = process.env
    process.env = new Proxy(realEnv, {
      get(target, property, receiver) {
        if (typeof property === 'string' && property.startsWith('AGENTBAY')) read.push(property)
        return Reflect.get(target, property, receiver)
      },
      has(target, property) {
        if (typeof property === 'string' && property.startsWith('AGENTBAY')) read.push(property)
        return Reflect.has(target, property)
      },
    })
    try {
      vi.resetModules()
      const fresh = await import('../../src/entries/index.js')
      expect(typeof fresh.AgentBay).toBe('function')
      expect(read).toEqual([])
      // Construction is where the environment is read.
      expect(() => new fresh.AgentBay()).toThrow(/AGENTBAY_API_KEY/)
      expect(read).toContain('AGENTBAY_API_KEY')
    } finally {
      process.env = realEnv
    }
  })
})
