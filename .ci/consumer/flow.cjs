// What a consumer does first, run against the installed package: both entry points (main.mjs,
// main.cjs) hand in what they imported or required, so the same flow proves both module formats.
const assert = require('node:assert/strict')
const { mkdtemp, rm } = require('node:fs/promises')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

const MOUNT = '/home/wuying/data'
// Generous budgets (20 s): this runs next to four tsc processes on two cores.
const FAST_SYNC = { retryInterval: 50, maxRetries: 400, noTaskGraceMs: 5000 }
const FAST_WAIT = { schedule: () => 50, maxPolls: 400, noTaskGraceMs: 5000 }

module.exports = async function runFlow(format, { AgentBay, startEmulator, createFakeTransport, wire, lastValueFrom, Observable }) {
  assert.equal(typeof createFakeTransport, 'function', 'agentbay-rx/testing exports createFakeTransport')
  assert.equal(typeof wire.RESPONSE_CODECS.GetContextInfo.decode, 'function', 'agentbay-rx/wire exports the response codecs')
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-rx-consumer-'))
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20 })
  try {
    const agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint })
    // The ESM build reaches rxjs through dist/dependencies.cjs: still the one rxjs the consumer imports.
    assert.ok(agentBay.context.list() instanceof Observable, `${format}: the SDK's Observables are the consumer's rxjs Observable`)
    const name = `consumer-${format}-${process.version.replace(/\W/g, '-')}-${process.pid}`
    const created = await lastValueFrom(agentBay.context.get(name, { create: true }))
    const fetched = await lastValueFrom(agentBay.context.get(name))
    assert.equal(fetched.id, created.id, 'context.get finds the context it created')

    const { session, success, errorMessage } = await agentBay.createAsync({
      contextSync: [{ contextId: created.id, path: MOUNT }],
      downloadWait: FAST_WAIT,
    })
    assert.ok(success && session, `createAsync: ${errorMessage}`)
    try {
      assert.ok((await session.fs.writeFileAsync(`${MOUNT}/hello.txt`, `from ${format}\n`)).success, 'writeFile')
      const sync = await session.context.syncAsync({ ...FAST_SYNC, mode: 'upload' })
      assert.equal(sync.success, true, `syncAsync: ${sync.errorMessage}`)
      assert.deepEqual(sync.tasks.map((task) => [task.contextId, task.taskType, task.status]), [[created.id, 'upload', 'Success']])

      const info = await lastValueFrom(session.context.info({ contextId: created.id, path: MOUNT }))
      assert.equal(info.success, true, 'info')
      assert.ok(
        info.contextStatusData.some((task) => task.contextId === created.id && task.taskType === 'upload' && task.status === 'Success'),
        `info shows the finished upload: ${JSON.stringify(info.contextStatusData)}`,
      )
    } finally {
      await session.deleteAsync({ pollIntervalMs: 20, timeoutMs: 10_000 })
    }
    console.log('info, sync and context.get ok')
  } finally {
    await emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}
