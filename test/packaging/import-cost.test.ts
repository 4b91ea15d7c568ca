// issue 13 goal 5: heavy work waits for the first request, not the import. ky's own import builds
// a `Request` to probe for streams, which loads Node's bundled undici; node:https loads TLS. Both
// are deferred (src/http/ky-transport.ts, src/http/node-fetch.ts), so a cold import pays neither.
// The build imports each rxjs name from its defining module (rollup.config.mjs), not rxjs's index.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HEAVY = /undici|\btls\b|NativeModule https/
/** Built-ins only file transfers use (streams, temp-file names, fs promises): loaded by the first transfer. */
const TRANSFER_ONLY = /^NativeModule (stream|stream\/promises|crypto|fs\/promises)$/

/** What running `script` in a fresh process loaded: Node's built-ins (`process.moduleLoadList`) and CommonJS files. */
function loadedBy(script: string, args: readonly string[] = []): Promise<{ builtins: string[]; files: string[] }> {
  // The list is copied before `process.stdout` is touched: its getter loads node:stream itself.
  const report = `const builtins = [...process.moduleLoadList]; const { createRequire } = await import('node:module');` +
    `process.stdout.write(JSON.stringify({ builtins, files: Object.keys(createRequire(import.meta.url).cache) }))`
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...args, '--input-type=module', '-e', `${script};${report}`], { cwd: REPO_ROOT }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { builtins: string[]; files: string[] }),
    ),
  )
}
const builtinsLoadedBy = async (script: string, args: readonly string[] = []): Promise<string[]> => (await loadedBy(script, args)).builtins
const RXJS_INDEX = join('node_modules', 'rxjs', 'dist', 'cjs', 'index.js')

describe('a cold import of the SDK', () => {
  it('loads neither undici nor TLS (the source entry point)', async () => {
    const entry = pathToFileURL(join(REPO_ROOT, 'src/entries/index.ts')).href
    const loaded = await builtinsLoadedBy(`await import(${JSON.stringify(entry)})`, ['--import', 'tsx'])
    expect(loaded.some((name) => name.includes('internal/url'))).toBe(true) // the list is real
    expect(loaded.filter((name) => HEAVY.test(name))).toEqual([])
  })

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist/index.js')))("loads neither undici, TLS, rxjs's whole index nor the file-transfer built-ins (dist, ESM and CJS)", async () => {
    const esm = await loadedBy(`await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href)})`)
    const cjs = await loadedBy(`(await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(join(REPO_ROOT, 'dist/index.cjs'))})`)
    for (const loaded of [esm, cjs]) {
      expect(loaded.builtins.filter((name) => HEAVY.test(name))).toEqual([])
      expect(loaded.builtins.filter((name) => TRANSFER_ONLY.test(name))).toEqual([])
      expect(loaded.files.some((file) => file.includes(join('rxjs', 'dist', 'cjs', 'internal', 'Observable.js')))).toBe(true) // the list is real
      expect(loaded.files.filter((file) => file.endsWith(RXJS_INDEX))).toEqual([])
    }
  })

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist/index.js')))("the ESM build imports rxjs and io-ts through dist/dependencies.cjs only (one ESM→CommonJS boundary), the same modules a user's own import gets", async () => {
    const dist = join(REPO_ROOT, 'dist')
    const esmFiles = [...readdirSync(dist).filter((name) => name.endsWith('.js')).map((name) => join(dist, name)), ...readdirSync(join(dist, 'chunks')).filter((name) => name.endsWith('.js')).map((name) => join(dist, 'chunks', name))]
    const specifiers = esmFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import) '([^']+)'/g)].map((match) => match[1]!))
    expect(specifiers.filter((specifier) => /^(rxjs|io-ts|fp-ts)(\/|$)/.test(specifier))).toEqual([])
    expect(specifiers.filter((specifier) => specifier.endsWith('/dependencies.cjs')).length).toBeGreaterThan(0)
    const required = [...readFileSync(join(dist, 'dependencies.cjs'), 'utf8').matchAll(/require\('([^']+)'\)/g)].map((match) => match[1]!)
    expect(required.filter((id) => !id.startsWith('rxjs/internal/') && id !== 'io-ts')).toEqual([])
    const identity =
      `const deps = await import(${JSON.stringify(pathToFileURL(join(dist, 'dependencies.cjs')).href)}); const rxjs = await import('rxjs'); const t = await import('io-ts');` +
      `process.stdout.write(JSON.stringify([deps.Observable === rxjs.Observable, deps.map === rxjs.map, deps.ioTs.type === t.type, typeof deps.Observable]))`
    const same = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', identity], { cwd: REPO_ROOT }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))),
    )
    expect(JSON.parse(same)).toEqual([true, true, true, 'function'])
  })
})
