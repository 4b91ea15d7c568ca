import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SDK_MARKER = 'Runtime dependencies of the SDK:'
const CLI_MARKER = 'Only the `agentbay-rx` CLI uses'

interface PackageJson {
  readonly engines: { readonly node: string }
  readonly dependencies: Readonly<Record<string, string>>
}

/** `name` → stated major, from README text like "`rxjs` 7, `io-ts` 2". */
const statedMajors = (text: string): Map<string, number> =>
  new Map([...text.matchAll(/`([@\w./-]+)` (\d+)\b/g)].map((m) => [m[1] as string, Number(m[2])]))

/** The README paragraph under the title that starts with "Requires Node.js", split at the markers. */
async function readmeDependencies() {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
  const paragraph = readme.split(/\n\s*\n/).find((block) => block.startsWith('Requires Node.js')) ?? ''
  const flat = paragraph.replace(/\s+/g, ' ')
  const sdkStart = flat.indexOf(SDK_MARKER)
  const cliStart = flat.indexOf(CLI_MARKER)
  expect(sdkStart, `README paragraph "${flat}" names the SDK's dependencies`).toBeGreaterThanOrEqual(0)
  expect(cliStart, `README paragraph "${flat}" names the CLI-only dependencies`).toBeGreaterThan(sdkStart)
  return {
    node: /Node\.js ≥ ([\d.]+)/.exec(flat)?.[1],
    sdk: statedMajors(flat.slice(sdkStart, cliStart)),
    cli: statedMajors(flat.slice(cliStart)),
  }
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name))
}

/** Packages (not node: built-ins, relative paths or this package itself) that `files` import, types included. */
async function importedPackages(files: readonly string[]): Promise<Set<string>> {
  const packages = new Set<string>()
  for (const file of files) {
    const source = await readFile(file, 'utf8')
    for (const [, specifier] of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
      if (specifier === undefined || /^(\.|node:|agentbay-rx(\/|$))/.test(specifier)) continue
      const parts = specifier.split('/')
      packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string))
    }
  }
  return packages
}

describe("the README's runtime dependencies", () => {
  it('are exactly the `dependencies` of package.json, with their majors and the Node floor of `engines`', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson
    const { node, sdk, cli } = await readmeDependencies()

    const stated = new Map([...sdk, ...cli])
    expect([...stated.keys()].sort()).toEqual(Object.keys(pkg.dependencies).sort())
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      expect(stated.get(name), `README major of ${name} (package.json: ${range})`).toBe(Number(/\d+/.exec(range)?.[0]))
    }
    expect(`>=${node}`).toBe(pkg.engines.node)
  })

  it('split truthfully: the SDK imports every SDK dependency it lists and no CLI-only one', async () => {
    const { sdk, cli } = await readmeDependencies()
    const src = join(REPO_ROOT, 'src')
    const files = await sourceFiles(src)
    const isCli = (file: string) => relative(src, file).split(sep)[0] === 'cli'
    const sdkImports = await importedPackages(files.filter((file) => !isCli(file)))
    const cliImports = await importedPackages(files.filter(isCli))

    // Peers are installed for their dependant, not imported: fp-ts is io-ts's peer.
    const peers = new Set<string>()
    for (const name of sdk.keys()) {
      const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        peerDependencies?: Record<string, string>
      }
      for (const peer of Object.keys(manifest.peerDependencies ?? {})) peers.add(peer)
    }
    expect([...sdkImports].sort()).toEqual([...sdk.keys()].filter((name) => !peers.has(name)).sort())
    for (const name of cli.keys()) expect(cliImports, `the CLI imports ${name}`).toContain(name)
  })
})
