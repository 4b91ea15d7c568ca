// Benchmark 4: size of what an info/sync user bundles (`import { AgentBay }`), minified + gzip,
// with the dependencies external and bundled; and cold import time of the ESM and CJS builds.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { fixed, median, type Section } from './report.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DIST = join(REPO_ROOT, 'dist')
const DEPENDENCIES = ['rxjs', 'ky', 'io-ts', 'fp-ts']

async function bundle(external: boolean): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: `export { AgentBay } from ${JSON.stringify(join(DIST, 'index.js'))}`, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    external: external ? DEPENDENCIES.flatMap((name) => [name, `${name}/*`]) : [],
  })
  const code = result.outputFiles[0]!.contents
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}

function runNode(args: string[]): Promise<{ wallMs: number; stdout: string }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      resolve({ wallMs: performance.now() - started, stdout })
    })
  })
}

async function importTimes(label: string, args: string[], runs: number): Promise<{ label: string; wall: number; inside: number }> {
  const walls: number[] = []
  const insides: number[] = []
  await runNode(args) // warm the file-system cache
  for (let i = 0; i < runs; i += 1) {
    const { wallMs, stdout } = await runNode(args)
    walls.push(wallMs)
    insides.push(Number(stdout.trim()))
  }
  return { label, wall: median(walls), inside: median(insides) }
}

export const distMissing = (): boolean => !existsSync(join(DIST, 'index.js')) || !existsSync(join(DIST, 'index.cjs'))

export async function sizeBench(quick: boolean): Promise<Section[]> {
  const [external, bundled] = await Promise.all([bundle(true), bundle(false)])
  const kib = (bytes: number) => fixed(bytes / 1024, 1)
  const sizes: Section = {
    title: '4a. Bundle size of `import { AgentBay }`',
    description:
      'esbuild 0.28 (bundle, minify, tree-shake, ESM, platform node) of `export { AgentBay } from "dist/index.js"`, gzip level 9. ' +
      '"core only" marks rxjs, ky, io-ts and fp-ts external; "with dependencies" bundles them too.',
    headers: ['bundle', 'minified (KiB)', 'min + gzip (KiB)'],
    rows: [
      ['core only (dependencies external)', kib(external.min), kib(external.gzip)],
      ['with rxjs, ky, io-ts, fp-ts', kib(bundled.min), kib(bundled.gzip)],
    ],
  }

  const runs = quick ? 7 : 21
  const esmUrl = pathToFileURL(join(DIST, 'index.js')).href
  const cjsPath = join(DIST, 'index.cjs')
  const timed = (body: string) => `const t=performance.now();${body};process.stdout.write(String(performance.now()-t))`
  const rows = [
    await importTimes('node, nothing imported (baseline)', ['-e', timed('0')], runs),
    await importTimes('ESM: import("dist/index.js")', ['--input-type=module', '-e', timed(`await import(${JSON.stringify(esmUrl)})`)], runs),
    await importTimes('CJS: require("dist/index.cjs")', ['-e', timed(`require(${JSON.stringify(cjsPath)})`)], runs),
  ]
  const base = rows[0]!
  const times: Section = {
    title: '4b. Cold import time',
    description:
      `Median of ${runs} fresh \`node -e\` processes (after one warm-up run for the file cache). ` +
      '"in process" = `performance.now()` around the import inside the process; "process wall" = spawn to exit, and its difference to the bare-node baseline.',
    headers: ['what', 'in process (ms)', 'process wall (ms)', 'wall − baseline (ms)'],
    rows: rows.map((row) => [row.label, fixed(row.inside), fixed(row.wall), row === base ? '—' : fixed(row.wall - base.wall)]),
  }
  return [sizes, times]
}
