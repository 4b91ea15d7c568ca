import { AgentBay } from '../client/agentbay.js'
import { endpointToBaseUrl } from '../http/config.js'
import { UsageError } from './exit.js'
import type { CliIo } from './io.js'
import type { Output } from './output.js'

/** Options every command accepts (declared once, on the program). */
export interface GlobalOptions {
  readonly endpoint?: string
  readonly apiKey?: string
  readonly json?: boolean
  readonly verbose?: boolean
  /** `--allow-insecure-http`: plain http to a non-loopback endpoint (the SDK's `allowInsecureHttp`). */
  readonly allowInsecureHttp?: boolean
}

/** What a command handler gets: where to print, how to reach the service, when to stop. */
export interface CommandContext {
  readonly io: CliIo
  readonly out: Output
  readonly verbose: boolean
  /** The global options as given (most commands only need `client()`). */
  readonly globals: GlobalOptions
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal
  /**
   * A client from `--endpoint`/`--api-key`, else `AGENTBAY_ENDPOINT`/`AGENTBAY_API_KEY` (the SDK's
   * own precedence). A missing key is a `ValidationError` (exit 2).
   */
  client(extra?: { readonly fetch?: typeof fetch }): AgentBay
}

/** Builds a command's context from the global options (nothing is read or created until `client()`). */
export function commandContext(io: CliIo, out: Output, globals: GlobalOptions, signal: AbortSignal): CommandContext {
  return {
    io,
    out,
    verbose: globals.verbose === true,
    globals,
    signal,
    client: (extra = {}) => {
      if ((globals.apiKey ?? io.env['AGENTBAY_API_KEY'] ?? '').trim() === '') {
        throw new UsageError('an API key is required: pass --api-key or set AGENTBAY_API_KEY')
      }
      const endpoint = globals.endpoint ?? io.env['AGENTBAY_ENDPOINT']
      if (globals.allowInsecureHttp !== true && endpoint !== undefined && refusedOnlyAsInsecure(endpoint)) {
        // The SDK's own message names its option; a CLI user needs the flag.
        throw new UsageError(`refusing plain http to ${endpoint}: the API key would travel unencrypted; use https or pass --allow-insecure-http`)
      }
      return new AgentBay({
        env: io.env,
        ...(globals.endpoint === undefined ? {} : { endpoint: globals.endpoint }),
        ...(globals.apiKey === undefined ? {} : { apiKey: globals.apiKey }),
        ...(globals.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
        ...(extra.fetch === undefined ? {} : { fetch: extra.fetch }),
      })
    },
  }
}

/** True when `endpoint` is valid and refused only because it is plain http to a non-loopback host. */
function refusedOnlyAsInsecure(endpoint: string): boolean {
  const accepted = (allowInsecureHttp: boolean): boolean => {
    try {
      endpointToBaseUrl(endpoint, allowInsecureHttp)
      return true
    } catch {
      return false
    }
  }
  return accepted(true) && !accepted(false)
}
