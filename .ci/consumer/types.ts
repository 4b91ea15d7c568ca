// Typechecked as .ts/.mts/.cts under every moduleResolution (node10, node16, nodenext, bundler).
import { AgentBay, type ContextSyncResult } from 'agentbay-rx'
import { startEmulator, type Emulator } from 'agentbay-rx/emulator'
import { createFakeTransport } from 'agentbay-rx/testing'
import { API_VERSION, RESPONSE_CODECS, type Action } from 'agentbay-rx/wire'

export async function typed(): Promise<ContextSyncResult> {
  const emulator: Emulator = await startEmulator({ port: 0 })
  const agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, transport: createFakeTransport().transport })
  // @ts-expect-error the types are real, not `any`: a number is no API key
  void new AgentBay({ apiKey: 1 })
  const action: Action = 'GetContextInfo'
  const decoded: { readonly _tag: 'Left' | 'Right' } = RESPONSE_CODECS[action].decode({})
  void [API_VERSION.length, decoded]
  return agentBay.session('s-1').context.syncAsync({ mode: 'upload' })
}
