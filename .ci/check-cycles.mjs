// Fails on import cycles among src/ modules (runtime imports only; `import type` is erased).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', 'src')
const files = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path)
  }
}
walk(root)

const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm
const graph = new Map(
  files.map((file) => {
    const source = readFileSync(file, 'utf8')
    const deps = [...source.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')))
    return [file, deps.filter((dep) => files.includes(dep))]
  }),
)

const state = new Map()
const cycles = []
const visit = (file, stack) => {
  state.set(file, 'visiting')
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep])
    else if (!state.has(dep)) visit(dep, [...stack, dep])
  }
  state.set(file, 'done')
}
for (const file of files) if (!state.has(file)) visit(file, [file])

if (cycles.length > 0) {
  for (const cycle of cycles) console.error('import cycle:', cycle.map((f) => relative(root, f)).join(' → '))
  process.exit(1)
}
console.log(`no import cycles among ${files.length} modules`)
