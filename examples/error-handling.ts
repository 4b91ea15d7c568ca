// Errors are a small tagged family: narrow with `isXError` guards or switch on `error.kind`.
// Messages read "<Action> failed: <reason> (requestId …)" and never contain the API key.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/error-handling.ts
import { firstValueFrom, lastValueFrom } from 'rxjs'
import { AgentBay, isAgentBayError, isHttpError, isToolError, isValidationError } from '../src/entries/index.js'

const agentBay = new AgentBay()

function describe(error: unknown): string {
  if (!isAgentBayError(error)) return `not an AgentBay error: ${String(error)}`
  switch (error.kind) {
    case 'validation':
      return `ValidationError, nothing was sent: ${error.message}`
    case 'http':
      return `HttpError ${error.httpStatus} ${error.code ?? ''}: ${error.message}`
    case 'api':
      return `ApiError ${error.code ?? ''}: ${error.message}`
    case 'throttling':
    case 'network':
    case 'timeout':
      return `${error.name} (transient, already retried for reads): ${error.message}`
    default:
      return `${error.name}: ${error.message}`
  }
}

// 1. Invalid arguments: a ValidationError through the error channel, before any I/O.
try {
  await lastValueFrom(agentBay.session('s-1').context.sync({ contextId: 'SdkCtx-1' /* path missing */ }))
} catch (error) {
  console.log(`validation: ${isValidationError(error)} — ${describe(error)}`)
}

// 2. The service says no: an unknown context.
try {
  await firstValueFrom(agentBay.context.getById('SdkCtx-does-not-exist'))
} catch (error) {
  console.log(`not found: ${isHttpError(error)} — ${describe(error)}`)
}

// 3. A wrong API key: HTTP 401, and the key is not in the message.
const wrongKey = 'ak-example-wrong-key'
try {
  await firstValueFrom(new AgentBay({ apiKey: wrongKey }).context.list())
} catch (error) {
  const message = describe(error)
  console.log(`wrong key: ${message.includes(wrongKey) ? 'KEY LEAKED' : 'key not printed'} — ${message}`)
}

// 4. Nothing listening: a NetworkError (reads are retried first; one attempt here to be quick).
try {
  await firstValueFrom(new AgentBay({ endpoint: 'http://127.0.0.1:9', retry: { attempts: 1 } }).context.list())
} catch (error) {
  console.log(`network: ${describe(error)}`)
}

// 5. Promise forms resolve remote failures to values; a tool error carries the tool's text.
const session = await firstValueFrom(agentBay.create())
const read = await session.fs.readFileAsync('/home/wuying/no-such-file.txt')
if (!read.success) console.log(`tool: ${isToolError(read.error)} — ${read.error.name}: ${read.errorMessage}`)
await session.deleteAsync()
