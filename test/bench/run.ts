// `npm run bench`: runs the benchmarks, prints their tables and (a full run only) writes test/bench/RESULTS.md.
//   npm run bench                        all four, full size
//   npm run bench -- --quick             smaller runs, under two minutes (latency and concurrency side by side)
//   npm run bench -- --only cpu,size     a subset: latency, concurrency, cpu, size
// Benchmarks are not part of CI; the figures depend on the machine (printed with them).
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { concurrencyBench } from './concurrency.js'
import { cpuBench } from './cpu.js'
import { latencyBench } from './latency.js'
import { machineInfo, renderSection, sleep, type Section } from './report.js'
import { REPO_ROOT, distMissing, sizeBench } from './size.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyIndex = args.indexOf('--only')
const only = onlyIndex === -1 ? ['latency', 'concurrency', 'cpu', 'size'] : (args[onlyIndex + 1] ?? '').split(',')
const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`

/**
 * Ours is measured as users run it, the built package (test/bench/built-sdk.ts), so dist/ is built
 * from the current source first; `--no-build` skips that when dist/ is known to be current.
 */
async function buildDist(): Promise<void> {
  if (args.includes('--no-build') && !distMissing()) return
  console.log('building dist/ (npm run build): the benchmarks measure the built package')
  await new Promise<void>((resolve, reject) =>
    execFile('npm', ['run', 'build'], { cwd: REPO_ROOT }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  )
}

const sections: Section[] = []
const timings: string[] = []
const runStarted = performance.now()
const step = async (name: string, run: () => Promise<Section | Section[]>) => {
  if (!only.includes(name)) return
  const started = performance.now()
  console.log(`running ${name}…`)
  const result = await run()
  for (const section of [result].flat()) {
    sections.push(section)
    console.log(`\n${renderSection(section)}`)
  }
  timings.push(`${name} ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

await buildDist()
await step('cpu', () => cpuBench(quick))
await step('size', () => sizeBench(quick))
// The latency run mostly waits for its 20 s and 60 s syncs: --quick runs the concurrency benchmark
// meanwhile, once the short syncs (whose latency a loaded machine would blur most) are done.
const SHORT_SYNCS_DONE_MS = 10_000
const concurrency = () => step('concurrency', () => concurrencyBench(quick))
const latency = () => step('latency', () => latencyBench(quick))
if (quick) await Promise.all([latency(), sleep(only.includes('latency') ? SHORT_SYNCS_DONE_MS : 0).then(concurrency)])
else {
  await concurrency()
  await latency()
}
timings.push(`total ${((performance.now() - runStarted) / 1000).toFixed(0)} s`)

const markdown = `# Benchmark results

Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineInfo()}.
Run time: ${timings.join(', ')}.

Reproduce: \`npm ci && ${command}\` (it builds \`dist/\` first: ours is measured as the built package, the reference compiled by esbuild; \`--no-build\` skips the build).
Single benchmarks: \`npm run bench -- --only latency\` (or \`concurrency\`, \`cpu\`, \`size\`); \`--quick\` for smaller runs.
Sources: \`test/bench/*.ts\`. CI does not run them.

${[...sections].sort((a, b) => a.title.localeCompare(b.title)).map(renderSection).join('\n')}`
// Only a full run replaces the published results (the README's tables come from them).
const full = only.length === 4 && !quick
if (full) await writeFile(join(REPO_ROOT, 'test', 'bench', 'RESULTS.md'), markdown)
console.log(`\n${full ? 'wrote test/bench/RESULTS.md' : `${quick ? 'quick' : 'partial'} run: RESULTS.md not rewritten`} (${timings.join(', ')})`)
