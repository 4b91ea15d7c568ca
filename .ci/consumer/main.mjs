import { AgentBay } from 'agentbay-rx'
import { startEmulator } from 'agentbay-rx/emulator'
import { createFakeTransport } from 'agentbay-rx/testing'
import * as wire from 'agentbay-rx/wire'
import { Observable, lastValueFrom } from 'rxjs'
import runFlow from './flow.cjs'

await runFlow('esm', { AgentBay, startEmulator, createFakeTransport, wire, lastValueFrom, Observable })
