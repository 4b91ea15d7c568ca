const { AgentBay } = require('agentbay-rx')
const { startEmulator } = require('agentbay-rx/emulator')
const { createFakeTransport } = require('agentbay-rx/testing')
const wire = require('agentbay-rx/wire')
const { Observable, lastValueFrom } = require('rxjs')
const runFlow = require('./flow.cjs')

runFlow('cjs', { AgentBay, startEmulator, createFakeTransport, wire, lastValueFrom, Observable }).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
