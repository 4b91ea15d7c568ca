// Folders are layers, imports only go down (style §18, issue 10 item 1). Fails (exit 1, printing each
// offending import) on an import that goes up the layer order or across peer folders, on a module
// outside every layer folder, and on any import cycle. `import type` and `export type` count: a type
// cycle is still a design cycle. Usage: node .ci/check-layers.mjs [srcDir] (default: ./src).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/**
 * Low → high. A module may import from its own folder and from folders of lower tiers; folders in
 * one tier are peers and may not import each other. README.md § Architecture says what each holds.
 */
export const TIERS = [
  ['shared'], // errors, redaction, durations, argument checks, Promise bridges
  ['wire'], // the protocol as data: constants, codecs, policies, request/response shapes, task model
  ['http'], // the byte mover: Transport, the ky transport, presigned transfers, client config
  ['rpc'], // one call: interceptors (retry, coalescing, logging), decode, the poll operator, paging
  ['sync', 'contexts'], // domain: a session's context sync; the context service (peers)
  ['sessions'], // domain: sessions, built on both
  ['client'], // the AgentBay client: composes the chain, builds Session objects
  ['testing', 'emulator'], // apps (peers)
  ['cli'],
  ['entries'], // the package entry points that gather several layers
]
/** Folders that may import less than their tier allows: the emulator speaks only the protocol. */
export const ONLY = { emulator: ['shared', 'wire'] }

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'src'))
const files = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path)
  }
}
walk(root)

const STATIC = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g
const graph = new Map(
  files.map((file) => {
    const source = readFileSync(file, 'utf8')
    const specifiers = [...source.matchAll(STATIC), ...source.matchAll(DYNAMIC)].map((m) => m[1])
    const deps = specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
    return [file, [...new Set(deps.filter((dep) => files.includes(dep)))]]
  }),
)

const name = (file) => relative(root, file).split(sep).join('/')
const folderOf = (file) => (name(file).includes('/') ? name(file).split('/')[0] : undefined)
const tierOf = (folder) => TIERS.findIndex((tier) => tier.includes(folder))

const problems = []
for (const [file, deps] of graph) {
  const from = folderOf(file)
  if (from === undefined || tierOf(from) < 0) {
    problems.push(`outside every layer folder: ${name(file)} (add its folder to TIERS in .ci/check-layers.mjs)`)
    continue
  }
  for (const dep of deps) {
    const to = folderOf(dep)
    if (to === from || to === undefined || tierOf(to) < 0) continue
    const edge = `${name(file)} → ${name(dep)}`
    if (ONLY[from] !== undefined && !ONLY[from].includes(to)) problems.push(`forbidden import: ${edge} (${from}/ may import only ${ONLY[from].join(', ')})`)
    else if (tierOf(to) > tierOf(from)) problems.push(`upward import: ${edge} (${from}/ is below ${to}/)`)
    else if (tierOf(to) === tierOf(from)) problems.push(`import across peers: ${edge} (${from}/ and ${to}/ are unordered)`)
  }
}

const state = new Map()
const visit = (file, stack) => {
  state.set(file, 'visiting')
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'visiting') problems.push(`import cycle: ${[...stack.slice(stack.indexOf(dep)), dep].map(name).join(' → ')}`)
    else if (!state.has(dep)) visit(dep, [...stack, dep])
  }
  state.set(file, 'done')
}
for (const file of files) if (!state.has(file)) visit(file, [file])

if (problems.length > 0) {
  for (const problem of problems) console.error(problem)
  process.exit(1)
}
console.log(`layers respected, no import cycles among ${files.length} modules (type-only imports included)`)
