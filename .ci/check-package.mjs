// The packed tarball, installed into an empty project, works as a user gets it (run after the build):
// - what ships: LICENSE, both module formats with their own types, the bundled dependency's licence;
// - `import` and `require`, on this Node and on the oldest Node `engines` admits, construct a client
//   and run a real info, sync and context.get against the package's own emulator (consumer/flow.cjs);
// - the bin starts on that oldest Node;
// - TypeScript finds the types of every entry point under every moduleResolution;
// - every ```ts block of README.md compiles with `strict` against the installed package (nodenext, bundler);
// - package.json `exports`, `typesVersions` and the tarball agree on the entry points (issue 10 item 6).
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const consumerSources = join(import.meta.dirname, 'consumer')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const scratch = mkdtempSync(join(tmpdir(), 'agentbay-rx-package-'))
const project = join(scratch, 'project')
const env = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false' }
const started = Date.now()
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`

// A failed command's output holds its error (tsc reports on stdout, with an empty stderr); anything else shows its stack.
const commandOutput = (error) => (error.stdout || error.stderr ? `${error.stdout}${error.stderr}` : (error.stack ?? error))

const step = async (title, fn) => {
  const start = Date.now()
  try {
    const detail = await fn()
    console.log(`ok   ${title}${detail ? `: ${detail}` : ''} (${seconds(start)})`)
  } catch (error) {
    console.error(`FAIL ${title}\n${commandOutput(error)}`)
    process.exitCode = 1
  }
}

/** The oldest Node the `engines` range admits: `>=20.12` → 20.12.0. */
function minimumNode(range) {
  const match = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range ?? '')
  if (match === null) throw new Error(`engines.node must be a plain lower bound (>=X.Y[.Z]) for this check, got ${range}`)
  return `${match[1]}.${match[2]}.${match[3] ?? 0}`
}

/**
 * The entry points `exports` declares (`.` → index, `./wire` → wire, …), checked against
 * `typesVersions` (node10 resolution) and the file layout, so a new entry cannot ship half-declared.
 */
function entryPoints(manifest) {
  const subpaths = new Map()
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath === './package.json') continue
    const name = subpath === '.' ? 'index' : subpath.slice(2)
    const expected = {
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    }
    if (JSON.stringify(target) !== JSON.stringify(expected)) throw new Error(`exports["${subpath}"] should be ${JSON.stringify(expected)}`)
    const typesVersion = manifest.typesVersions['*'][name]
    if (name !== 'index' && JSON.stringify(typesVersion) !== JSON.stringify([`./dist/${name}.d.ts`])) {
      throw new Error(`typesVersions["*"]["${name}"] should be ["./dist/${name}.d.ts"] (node10 resolution of agentbay-rx/${name})`)
    }
    subpaths.set(subpath === '.' ? 'agentbay-rx' : `agentbay-rx/${name}`, name)
  }
  const undeclared = Object.keys(manifest.typesVersions['*']).filter((name) => !manifest.exports[`./${name}`])
  if (undeclared.length > 0) throw new Error(`typesVersions names entries that exports lacks: ${undeclared.join(', ')}`)
  return subpaths
}

/**
 * The README's TypeScript blocks as ES modules named after their line (`readme-L305.mts`: line N of
 * the file is README line 305 + N), so a user's copy-paste compiles. A block that is deliberately
 * partial opts out with `<!-- readme-check: skip (why) -->` on the line before its fence.
 */
function readmeBlocks() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const blocks = []
  let read = 0
  for (const match of readme.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)) {
    read += 1
    const before = readme.slice(0, match.index)
    if (/<!-- readme-check: skip\b[^\n]*-->\n$/.test(before)) continue
    blocks.push({ name: `readme-L${before.split('\n').length}.mts`, source: `${match[1]}export {}\n` })
  }
  // A TypeScript fence the pattern misses (indented in a list, ```ts with more on its line, CRLF) would go unchecked without a word.
  const fences = readme.match(/^[ \t]*```(?:ts|typescript)\b/gm)?.length ?? 0
  if (fences !== read) throw new Error(`README.md has ${fences} TypeScript fences but only ${read} read as blocks: open each with a bare \`\`\`ts line at the start of the line`)
  if (blocks.length === 0) throw new Error('README.md has no ```ts block to check: did the fence style change?')
  return blocks
}

/** Typechecks consumer/types.ts, copied as each of `extensions`, and `extra` files under one moduleResolution. */
async function typecheck(resolution, module, extensions, extra = []) {
  // nodenext also checks the shipped .d.ts/.d.cts themselves (without the DOM lib); the others skip
  // declaration files, which takes a quarter of the time.
  const skipLibCheck = resolution !== 'nodenext'
  const dir = join(project, `types-${resolution}`)
  mkdirSync(dir)
  const source = readFileSync(join(consumerSources, 'types.ts'), 'utf8')
  for (const ext of extensions) writeFileSync(join(dir, `check.${ext}`), source)
  for (const file of extra) writeFileSync(join(dir, file.name), file.source)
  const compilerOptions = {
    module,
    moduleResolution: resolution,
    target: 'ES2022',
    lib: ['ES2022'],
    strict: true,
    noEmit: true,
    skipLibCheck,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['check.*', ...extra.map((file) => file.name)] }))
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, env })
  const notes = [...(skipLibCheck ? [] : ['declaration files checked too']), ...(extra.length > 0 ? [`${extra.length} README blocks`] : [])]
  return notes.join(', ')
}

try {
  // Read first: a README with no block to check fails before anything is packed, not while the steps
  // below run in the folder the `finally` deletes.
  const readme = readmeBlocks()
  // 1. Pack; install into an empty project while npm fetches the oldest admitted Node.
  const [{ filename, files }] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, env })).stdout)
  const shipped = new Set(files.map((file) => file.path))
  const required = ['LICENSE', 'README.md', 'dist/THIRD-PARTY-LICENSES.txt', 'dist/cli.js']
  const subpaths = entryPoints(pkg)
  for (const entry of subpaths.values()) required.push(...['js', 'cjs', 'd.ts', 'd.cts'].map((ext) => `dist/${entry}.${ext}`))
  const missing = required.filter((path) => !shipped.has(path))
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(', ')}`)
  console.log(`ok   ${filename}: ${files.length} files, LICENSE and both module formats with their types for ${[...subpaths.keys()].join(', ')} (${seconds(started)})`)

  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  const oldest = minimumNode(pkg.engines?.node)
  const [, { stdout: oldestNodePath }] = await Promise.all([
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, filename)], { cwd: project, env }),
    run('npm', ['exec', '--yes', '--prefer-offline', `--package=node@${oldest}`, '--', 'node', '-p', 'process.execPath'], { cwd: scratch, env }),
  ])
  const oldestNode = oldestNodePath.trim()
  for (const file of ['flow.cjs', 'main.mjs', 'main.cjs']) copyFileSync(join(consumerSources, file), join(project, file))
  console.log(`ok   installed into an empty project; node ${oldest} from npm (${seconds(started)})`)

  // 2. Runtime: both formats, on this Node and on the oldest admitted one (no require(esm) there).
  const runtime = [[process.version, process.execPath], [`v${oldest}`, oldestNode]].flatMap(([version, node]) =>
    ['main.mjs', 'main.cjs'].map((main) =>
      step(`${main} on node ${version}`, async () => (await run(node, [main], { cwd: project, env, timeout: 60_000 })).stdout.trim()),
    ),
  )
  const bin = step(`agentbay-rx --version on node v${oldest}`, async () => {
    const { stdout } = await run(oldestNode, [join(project, 'node_modules/agentbay-rx/dist/cli.js'), '--version'], { cwd: project, env })
    if (!stdout.includes(pkg.version)) throw new Error(`expected ${pkg.version}, got ${stdout}`)
    return stdout.trim()
  })

  // 3. Types under every moduleResolution; node16/nodenext check an ESM (.mts) and a CommonJS (.cts) file.
  // The README's examples are ES modules with top-level await: checked where users run those (nodenext, bundler).
  const resolutions = { node10: ['commonjs', ['ts']], node16: ['node16', ['mts', 'cts']], nodenext: ['nodenext', ['mts', 'cts'], readme], bundler: ['esnext', ['ts'], readme] }
  const types = Object.entries(resolutions).map(([resolution, [module, extensions, extra]]) =>
    step(`types with moduleResolution ${resolution} (${extensions.map((ext) => `.${ext}`).join(', ')})`, () => typecheck(resolution, module, extensions, extra)),
  )
  await Promise.all([...runtime, bin, ...types])
} catch (error) {
  console.error(`FAIL ${commandOutput(error)}`)
  process.exitCode = 1
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
console.log(`package check ${process.exitCode ? 'FAILED' : 'passed'} in ${seconds(started)}`)
