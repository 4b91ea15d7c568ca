import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, runProcess, type RunResult } from '../cli/helpers.js'

/** The first ```ts block under `heading` in README.md. */
export async function readmeSnippet(heading: string): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf(heading))
  const match = /```ts\n([\s\S]*?)```/.exec(section)
  if (match?.[1] === undefined) throw new Error(`no ts block under ${heading}`)
  return match[1]
}

/**
 * Runs a README snippet as written, as a real process (`node --import tsx`), with `agentbay-rx`
 * resolved to the sources and `replacements` applied (placeholder ids → real ones). `file` must be
 * inside the repo, so the snippet's `rxjs` import resolves.
 */
export async function runSnippet(snippet: string, file: string, env: Record<string, string>, replacements: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  let source = snippet.replace("from 'agentbay-rx'", `from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/entries/index.ts')).href)}`)
  for (const [placeholder, value] of Object.entries(replacements)) source = source.replaceAll(placeholder, value)
  await writeFile(file, source)
  return runProcess(process.execPath, ['--import', 'tsx', file], env, 60_000)
}
