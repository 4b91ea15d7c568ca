// Both sides of the benchmarks run as compiled JavaScript, as their users run them: ours is the
// built package (dist/), the reference its TypeScript compiled by esbuild without keepNames. Run
// from source through tsx, every named function a call creates is wrapped in a `__name()` call that
// defines its `name` — per-call CPU and per-closure memory that neither shipped SDK has.
// `npm run bench` builds dist/ before it measures (test/bench/run.ts).
import { mkdir, rm } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

export type Sdk = typeof import('../../src/entries/index.js')
export type Reference = typeof import('./official-reference.js')

/** The built package, `dist/index.js`. */
export const loadBuiltSdk = async (): Promise<Sdk> => (await import(new URL('../../dist/index.js', import.meta.url).href)) as Sdk

/**
 * test/bench/official-reference.ts compiled by esbuild (bundled, packages external, no keepNames)
 * into node_modules/.cache, so its package imports resolve from the repository, then imported.
 */
export async function loadBuiltReference(): Promise<Reference> {
  const { build } = await import('esbuild')
  const dir = fileURLToPath(new URL('../../node_modules/.cache/agentbay-rx-bench/', import.meta.url))
  const outfile = `${dir}official-reference-${process.pid}.mjs`
  await mkdir(dir, { recursive: true })
  await build({
    entryPoints: [fileURLToPath(new URL('./official-reference.ts', import.meta.url))],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    keepNames: false,
    logLevel: 'error',
    outfile,
  })
  try {
    return (await import(pathToFileURL(outfile).href)) as Reference
  } finally {
    await rm(outfile, { force: true })
  }
}
