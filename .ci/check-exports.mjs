// The built package must load from both ESM and CJS, through the `exports` map, with no side effects.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'agentbay-rx-exports-'))
mkdirSync(join(scratch, 'node_modules'))
symlinkSync(root, join(scratch, 'node_modules', 'agentbay-rx'), 'dir')

const esm = `
import { AgentBay, ContextStatusFromString, isDecodeError } from 'agentbay-rx'
import { startEmulator } from 'agentbay-rx/emulator'
import { createFakeTransport } from 'agentbay-rx/testing'
if (typeof AgentBay !== 'function' || typeof startEmulator !== 'function' || typeof createFakeTransport !== 'function') process.exit(1)
if (typeof ContextStatusFromString.decode !== 'function' || typeof isDecodeError !== 'function') process.exit(1)
console.log('esm ok')
`
const cjs = `
const { AgentBay } = require('agentbay-rx')
const { startEmulator } = require('agentbay-rx/emulator')
const { createFakeTransport } = require('agentbay-rx/testing')
if (typeof AgentBay !== 'function' || typeof startEmulator !== 'function' || typeof createFakeTransport !== 'function') process.exit(1)
console.log('cjs ok')
`
for (const [flag, code] of [['--input-type=module', esm], ['--input-type=commonjs', cjs]]) {
  process.stdout.write(execFileSync(process.execPath, [flag, '-e', code], { cwd: scratch, env: { PATH: process.env.PATH } }))
}
