import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AgentBay, ValidationError, endpointToBaseUrl, isLoopbackHost, type AgentBayClientOptions } from '../../src/index.js'
import { DEFAULT_RETRY, normalizeConfig } from '../../src/config.js'
import { createFakeTransport } from '../../src/testing/index.js'

const KEY = 'ak-config-secret-42'

/** The ValidationError `fn` throws; fails when it does not throw one. */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return error as ValidationError
  }
  throw new Error('expected a ValidationError')
}

const client = (options: AgentBayClientOptions): AgentBay => new AgentBay({ transport: createFakeTransport().transport, ...options })

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('API key', () => {
  it('comes from the apiKey option first', () => {
    expect(normalizeConfig({ apiKey: KEY, env: { AGENTBAY_API_KEY: 'from-env' } }).apiKey).toBe(KEY)
  })

  it('falls back to AGENTBAY_API_KEY from the env option', () => {
    expect(normalizeConfig({ env: { AGENTBAY_API_KEY: 'from-env-key' } }).apiKey).toBe('from-env-key')
    expect(normalizeConfig({ apiKey: '  ', env: { AGENTBAY_API_KEY: 'from-env-key' } }).apiKey).toBe('from-env-key')
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
    expect(normalizeConfig({}).apiKey).toBe('from-process-env')
  })

  it('never shows up in toJSON, JSON.stringify or util.inspect of the client', () => {
    const agentBay = client({ apiKey: KEY, env: {}, regionId: 'cn-shanghai' })
    expect(agentBay.toJSON()).toEqual({ endpoint: 'https://wuyingai.cn-shanghai.aliyuncs.com/', regionId: 'cn-shanghai', timeoutMs: 60_000 })
    expect(JSON.stringify(agentBay)).not.toContain(KEY)
    expect(JSON.stringify(agentBay.config)).not.toContain(KEY)
    expect(inspect(agentBay, { depth: null })).not.toContain(KEY)
    expect(inspect(agentBay.session('s-1'), { depth: null })).not.toContain(KEY)
    expect(agentBay.config.apiKey).toBe(KEY) // still readable where the SDK needs it
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

describe('timeout', () => {
  const timeoutFrom = (value: string | undefined): number => normalizeConfig({ apiKey: KEY, env: { AGENTBAY_TIMEOUT_MS: value } }).timeoutMs

  it('defaults to 60000 ms', () => {
    expect(timeoutFrom(undefined)).toBe(60_000)
  })

  it('reads a positive AGENTBAY_TIMEOUT_MS', () => {
    expect(timeoutFrom('5000')).toBe(5_000)
    expect(timeoutFrom(' 250 ')).toBe(250)
  })

  it.each(['', 'abc', '0', '-5', 'NaN', 'Infinity', '5s', '1e12'])('ignores an invalid AGENTBAY_TIMEOUT_MS %j (protocol §1.7)', (value) => {
    expect(timeoutFrom(value)).toBe(60_000)
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
      const fresh = await import('../../src/index.js')
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
