import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as root from '../../src/entries/index.js'
import * as wire from '../../src/entries/wire.js'
import { REPO_ROOT } from '../cli/helpers.js'

// issue 10 item 6: the root entry holds what a user calls; wire codecs, protocol constants and the
// seams below the client live in `agentbay-rx/wire`, and each entry's surface is a reviewed report.
const WIRE_LEVEL = [
  'RESPONSE_CODECS',
  'Envelope',
  'JsonFromString',
  'ContextStatusFromString',
  'EpochSeconds',
  'ContextRecord',
  'ContextFileRecord',
  'decodeContextStatus',
  'decodeContextStatusData',
  'walkPages',
  'endpointToBaseUrl',
  'isLoopbackHost',
  'redactUrl',
  'API_VERSION',
  'DEFAULT_ENDPOINT',
  'TASK_STATUS',
  'serializePolicy',
  'serializePersistenceDataList',
  'parseDirectoryListing',
]

describe('entry points (issue 10 item 6)', () => {
  it('the root exports no wire-level value; agentbay-rx/wire exports each of them', () => {
    expect(WIRE_LEVEL.filter((name) => name in root)).toEqual([])
    expect(WIRE_LEVEL.filter((name) => !(name in wire))).toEqual([])
  })

  it('the root still exports what a user calls', () => {
    for (const name of ['AgentBay', 'Session', 'ContextManager', 'ContextService', 'FileSystem', 'toSyncResult', 'syncPolicy', 'fixedSchedule', 'isAgentBayError', 'ValidationError', 'SDK_VERSION']) {
      expect(root, name).toHaveProperty(name)
    }
  })

  it.each(['index', 'wire', 'testing', 'emulator'])('package.json declares the %s entry, and a reviewed API report exists for it', (entry) => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    expect(pkg.exports).toHaveProperty(entry === 'index' ? '.' : `./${entry}`)
    const report = readFileSync(join(REPO_ROOT, `test/api/${entry}.api.md`), 'utf8')
    expect(report).toContain(`## API Report File for "agentbay-rx`)
  })
})
