// issue 13 goal 5: heavy work waits for the first request, not the import. ky's own import builds
// a `Request` to probe for streams, which loads Node's bundled undici; node:https loads TLS. Both
// are deferred (src/http/ky-transport.ts, src/http/node-fetch.ts), so a cold import pays neither.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HEAVY = /undici|\btls\b|NativeModule https/

/** Node's built-in modules loaded after running `script` in a fresh process (`process.moduleLoadList`). */
function builtinsLoadedBy(script: string, args: readonly string[] = []): Promise<string[]> {
  const body = `${script}; process.stdout.write(JSON.stringify(process.moduleLoadList))`
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...args, '--input-type=module', '-e', body], { cwd: REPO_ROOT }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as string[]),
    ),
  )
}

describe('a cold import of the SDK', () => {
  it('loads neither undici nor TLS (the source entry point)', async () => {
    const entry = pathToFileURL(join(REPO_ROOT, 'src/entries/index.ts')).href
    const loaded = await builtinsLoadedBy(`await import(${JSON.stringify(entry)})`, ['--import', 'tsx'])
    expect(loaded.some((name) => name.includes('internal/url'))).toBe(true) // the list is real
    expect(loaded.filter((name) => HEAVY.test(name))).toEqual([])
  })

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist/index.js')))('loads neither undici nor TLS (dist, ESM and CJS)', async () => {
    const esm = await builtinsLoadedBy(`await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href)})`)
    const cjs = await builtinsLoadedBy(`(await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(join(REPO_ROOT, 'dist/index.cjs'))})`)
    expect(esm.filter((name) => HEAVY.test(name))).toEqual([])
    expect(cjs.filter((name) => HEAVY.test(name))).toEqual([])
  })
})
