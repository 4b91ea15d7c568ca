import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { SDK_VERSION } from '../../src/entries/index.js'
import { runInProcess } from '../cli/helpers.js'

describe('SDK_VERSION', () => {
  it('equals the version in package.json, and the CLI prints it', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(SDK_VERSION).toBe(pkg.version)
    const result = await runInProcess(['--version'])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(pkg.version)
  })
})
