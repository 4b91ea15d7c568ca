import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, runProcess, type RunResult } from '../cli/helpers.js'

/** The ```ts blocks of README.md's section `heading` (up to the next `## `), in order. */
export async function readmeSnippets(heading: string): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf(heading)
  if (start < 0) throw new Error(`no section ${heading} in README.md`)
  const end = readme.indexOf('\n## ', start + heading.length)
  const section = readme.slice(start, end < 0 ? undefined : end)
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string)
  if (blocks.length === 0) throw new Error(`no ts block under ${heading}`)
  return blocks
}

/** The first ```ts block under `heading`. */
export async function readmeSnippet(heading: string): Promise<string> {
  return (await readmeSnippets(heading))[0] as string
}

/** A snippet made runnable from source: `from 'agentbay-rx'` → the source entry point. */
const fromSource = (snippet: string): string =>
  snippet.replace("from 'agentbay-rx'", `from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/entries/index.ts')).href)}`)

/**
 * Runs a README snippet as written, as a real process (`node --import tsx`), with `agentbay-rx`
 * resolved to the sources and `replacements` applied (placeholder ids → real ones). `file` must be
 * inside the repo, so the snippet's `rxjs` import resolves.
 */
export async function runSnippet(
  snippet: string,
  file: string,
  env: Record<string, string>,
  replacements: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<RunResult> {
  let source = fromSource(snippet)
  for (const [placeholder, value] of Object.entries(replacements)) source = source.replaceAll(placeholder, value)
  await writeFile(file, source)
  return runProcess(process.execPath, ['--import', 'tsx', file], env, timeoutMs)
}
