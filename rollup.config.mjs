import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

// Runtime dependencies and node built-ins stay external: users' bundlers dedupe rxjs/ky/io-ts/fp-ts.
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0')

// ESM-only dependencies cannot be `require`d before Node 20.19 (no require(esm)), and where they can,
// the namespace object breaks default-import interop. The CJS build therefore carries its own copy.
const esmOnlyDependencies = ['ky']
const isEsmOnly = (id) => esmOnlyDependencies.some((name) => id === name || id.startsWith(`${name}/`))
const externalForCjs = (id) => external(id) && !isEsmOnly(id)

/** Resolves the ESM-only dependencies from node_modules and ships their licence next to the bundle. */
const bundleEsmOnly = () => ({
  name: 'bundle-esm-only-dependencies',
  resolveId: (id) => (isEsmOnly(id) ? fileURLToPath(import.meta.resolve(id)) : null),
  generateBundle() {
    const notices = esmOnlyDependencies.map((name) => {
      const root = join(import.meta.dirname, 'node_modules', name)
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
      return `${name} ${version} (bundled into the CommonJS build)\n\n${readFileSync(join(root, 'license'), 'utf8')}`
    })
    this.emitFile({ type: 'asset', fileName: 'THIRD-PARTY-LICENSES.txt', source: notices.join('\n\n') })
  },
})

/**
 * `import { map } from 'rxjs'` loads rxjs's whole index (≈ 170 modules) at import; most of a cold
 * import was spent there (issue 13 goal 5). In the built files each name comes from the module that
 * defines it (`rxjs/internal/operators/map`, a subpath rxjs exports), so Node loads only what the
 * SDK uses. Same files as the index re-exports: no second copy of rxjs, and sources stay idiomatic.
 * The name → module table is read from rxjs's own CommonJS index; an unknown name fails the build.
 */
const rxjsDeepImports = () => {
  const index = readFileSync(join(import.meta.dirname, 'node_modules/rxjs/dist/cjs/index.js'), 'utf8')
  const modules = new Map([...index.matchAll(/var (\w+) = require\("\.\/(internal\/[^"]+)"\);/g)].map((m) => [m[1], m[2]]))
  const home = new Map(
    [...index.matchAll(/Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return (\w+)\.(\w+); \} \}\);/g)].map((m) => [m[1], { module: modules.get(m[2]), name: m[3] }]),
  )
  return {
    name: 'rxjs-deep-imports',
    transform(code, id) {
      if (id.includes('node_modules')) return null
      const rewritten = code.replace(/import\s*\{([^}]*)\}\s*from\s*'rxjs';?/g, (_all, list) =>
        list
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => {
            const [imported, local = imported] = part.split(/\s+as\s+/)
            const target = home.get(imported)
            if (target?.module === undefined) throw new Error(`rxjs-deep-imports: no module for rxjs export ${imported} (${id})`)
            return `import { ${target.name} as ${local} } from 'rxjs/${target.module}';`
          })
          .join('\n'),
      )
      return rewritten === code ? null : { code: rewritten, map: null }
    },
  }
}

/**
 * Under Node, rxjs's subpaths and io-ts (with the fp-ts modules it loads) are CommonJS even for
 * `import`, and each CommonJS module an ES module imports crosses the ESM→CommonJS boundary on its own
 * (a facade, an export scan, and a slower path for what it `require`s): ~30 crossings made rxjs,
 * fp-ts and io-ts cost two to four times as much in the ESM cold import as in the CommonJS one
 * (issue 13 goal 5). The ESM build therefore imports them all through ONE CommonJS file of ours,
 * `dist/dependencies.cjs`, which `require`s the same modules (the same instances a user's own
 * `import 'rxjs'` gets under Node). Bundlers read it as any CommonJS dependency.
 */
const COMMONJS_DEPENDENCIES = 'dependencies.cjs'
const COMMONJS_DEPENDENCIES_SOURCE = 'agentbay-rx:commonjs-dependencies'
/** Namespace imports (`import * as t from 'io-ts'`) routed through the file, by package. */
const commonJsNamespaces = { 'io-ts': 'ioTs' }
const commonJsThroughOneFile = () => {
  const lines = new Map() // export name → its line in the file
  const add = (name, line) => {
    if (lines.has(name) && lines.get(name) !== line) throw new Error(`commonjs-dependencies: ${name} comes from two modules`)
    lines.set(name, line)
  }
  return {
    name: 'commonjs-dependencies',
    // Runs after rxjsDeepImports: takes its `import { a as b } from 'rxjs/internal/…'`.
    transform(code, id) {
      if (id.includes('node_modules')) return null
      const rewritten = code
        .replace(/import \{ (\w+) as (\w+) \} from '(rxjs\/internal\/[^']+)';/g, (_all, name, local, module) => {
          add(name, `exports.${name} = require('${module}').${name};`)
          return `import { ${name} as ${local} } from '${COMMONJS_DEPENDENCIES_SOURCE}';`
        })
        .replace(/import \* as (\w+) from '([^']+)';/g, (all, local, module) => {
          const name = commonJsNamespaces[module]
          if (name === undefined) return all
          add(name, `exports.${name} = require('${module}');`)
          return `import { ${name} as ${local} } from '${COMMONJS_DEPENDENCIES_SOURCE}';`
        })
      return rewritten === code ? null : { code: rewritten, map: null }
    },
    // The import stays external under a marker name; each chunk gets the file's relative path.
    renderChunk(code, chunk) {
      if (!code.includes(COMMONJS_DEPENDENCIES_SOURCE)) return null
      const path = chunk.fileName.includes('/') ? `../${COMMONJS_DEPENDENCIES}` : `./${COMMONJS_DEPENDENCIES}`
      return { code: code.replaceAll(`'${COMMONJS_DEPENDENCIES_SOURCE}'`, `'${path}'`), map: null }
    },
    generateBundle() {
      const body = [...lines.keys()].sort().map((name) => lines.get(name))
      const header = "'use strict';\n// The CommonJS modules the ESM build uses, behind one ESM→CommonJS boundary (rollup.config.mjs commonJsThroughOneFile).\n"
      this.emitFile({ type: 'asset', fileName: COMMONJS_DEPENDENCIES, source: `${header}${body.join('\n')}\n` })
    },
  }
}

// The package's entry points. Each output format is built as ONE graph, so code the entries share
// (the SDK, the protocol) lands once in `dist/chunks/` instead of once per entry (issue 10 item 8).
const entries = {
  index: 'src/entries/index.ts',
  emulator: 'src/emulator/index.ts',
  testing: 'src/testing/index.ts',
  wire: 'src/entries/wire.ts',
}
// The `agentbay-rx` bin is ESM only; it loads the emulator entry lazily (demo and emulator commands).
const esmEntries = { ...entries, cli: 'src/cli/main.ts' }

const tsPlugin = () =>
  typescript({
    tsconfig: './tsconfig.build.json',
    declaration: false,
    sourceMap: true,
    outDir: 'dist',
    rootDir: 'src',
    noEmitOnError: true,
  })

export default [
  {
    input: esmEntries,
    external,
    plugins: [tsPlugin(), rxjsDeepImports(), commonJsThroughOneFile()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
      banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  {
    input: entries,
    external: externalForCjs,
    plugins: [bundleEsmOnly(), tsPlugin(), rxjsDeepImports()],
    output: { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
  },
  // `.d.ts` for `import`, `.d.cts` for `require`: under node16/nodenext a CommonJS consumer must not
  // be handed ESM-flavoured types (the package is `"type": "module"`).
  ...Object.entries(entries).map(([name, input]) => ({
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  })),
]
