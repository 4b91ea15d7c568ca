// The cold-import lower bound of the official SDK (test/bench/size.ts, issue 13 goal 5) imports the
// packages its entry point loads at import time (test/bench/official-imports.ts). Each must be a
// pinned devDependency inside the official range, and installed, or the reference silently shrinks.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OFFICIAL_IMPORT_TIME_DEPENDENCIES } from '../bench/official-imports.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> }

/** `version` is inside the caret range `^min` (same major, not below `min`). */
function insideCaret(version: string, range: string): boolean {
  const parse = (text: string) => text.split('.').map(Number)
  const [major, minor, patch] = parse(version)
  const [minMajor, minMinor, minPatch] = parse(range.replace(/^\^/, ''))
  if (!range.startsWith('^') || major !== minMajor) return false
  return minor! > minMinor! || (minor === minMinor && patch! >= minPatch!)
}

describe("the official SDK's import-time dependencies (cold-import reference)", () => {
  it.each(OFFICIAL_IMPORT_TIME_DEPENDENCIES.map((dependency) => [dependency.name, dependency] as const))('%s is pinned inside the official range and installed', (_name, dependency) => {
    const pinned = manifest.devDependencies[dependency.name]
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/)
    expect(insideCaret(pinned!, dependency.officialRange)).toBe(true)
    const require = createRequire(REPO_ROOT)
    expect(require.resolve(dependency.specifier)).toContain(`node_modules/${dependency.name}/`)
    expect((require(`${dependency.name}/package.json`) as { version: string }).version).toBe(pinned)
  })

  it('the caret check refuses what is outside', () => {
    expect(insideCaret('1.55.0', '^1.55.0')).toBe(true)
    expect(insideCaret('1.54.9', '^1.55.0')).toBe(false)
    expect(insideCaret('2.0.0', '^1.55.0')).toBe(false)
    expect(insideCaret('1.0.5', '^1.0.0')).toBe(true)
  })
})
