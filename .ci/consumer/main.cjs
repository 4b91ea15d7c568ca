const { AgentBay } = require('agentbay-rx')
const { startEmulator } = require('agentbay-rx/emulator')
const { createFakeTransport } = require('agentbay-rx/testing')
const { lastValueFrom } = require('rxjs')
const runFlow = require('./flow.cjs')

runFlow('cjs', { AgentBay, startEmulator, createFakeTransport, lastValueFrom }).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
