import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

// The READMEs that ship or that users read first; a path they cite must be in the repo.
describe.each(['README.md', 'src/emulator/README.md'])('the files %s cites', (readme) => {
  it('exist: relative links from the README, `dir/file.ext` code spans from the repo root', async () => {
    const text = await readFile(join(REPO_ROOT, readme), 'utf8')
    const links = [...text.matchAll(/\]\(([^)#\s]+)\)/g)]
      .map((m) => m[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target))
      .map((target) => join(REPO_ROOT, dirname(readme), target))
    const spans = [...text.matchAll(/`((?:\.?[\w-]+\/)+[\w.-]+\.(?:md|ts|mjs|cjs|json))`/g)]
      .map((m) => m[1] as string)
      .filter((path) => !/^(dist|reports)\//.test(path)) // build and `npm run mutate` output, git-ignored
      .map((path) => join(REPO_ROOT, path))
    expect(links.length + spans.length).toBeGreaterThan(0)
    expect([...links, ...spans].filter((path) => !existsSync(path)).map((path) => path.slice(REPO_ROOT.length))).toEqual([])
  })
})
