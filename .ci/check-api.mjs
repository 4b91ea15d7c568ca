// The public surface, reviewed (issue 10 item 6): API Extractor reads the bundled declarations of
// each entry point (dist/<entry>.d.ts, so run after the build) and writes test/api/<entry>.api.md.
// CI (no flag) fails when a report differs from the checked-in one; `npm run api` (--local) rewrites
// the reports, so a surface change is a reviewed diff of those files.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const root = resolve(import.meta.dirname, '..')
const reportFolder = join(root, 'test/api')
const entries = ['index', 'wire', 'testing', 'emulator']
const localBuild = process.argv.includes('--local')
const scratch = mkdtempSync(join(tmpdir(), 'agentbay-rx-api-'))

// A message about the report itself (e.g. a forgotten export) belongs in the report for review;
// TSDoc style nits do not decide whether the surface changed.
const messages = {
  compilerMessageReporting: { default: { logLevel: 'warning' } },
  extractorMessageReporting: {
    default: { logLevel: 'warning', addToApiReportFile: true },
    'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
    'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
    'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
  },
  tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
}

let changed = []
for (const entry of entries) {
  const mainEntryPointFilePath = join(root, `dist/${entry}.d.ts`)
  const config = ExtractorConfig.prepare({
    configObjectFullPath: join(root, '.ci/check-api.mjs'),
    packageJsonFullPath: join(root, 'package.json'),
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath,
      compiler: {
        overrideTsconfig: {
          compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: ['node'], strict: true, skipLibCheck: true },
          files: [mainEntryPointFilePath],
        },
      },
      apiReport: { enabled: true, reportFileName: `${entry}.api.md`, reportFolder, reportTempFolder: scratch },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages,
    },
  })
  const result = Extractor.invoke(config, { localBuild, showVerboseMessages: false, messageCallback: quiet })
  if (result.apiReportChanged) {
    changed.push(`test/api/${entry}.api.md`)
    // Show what changed (the candidate report is in the scratch folder, removed below).
    if (!localBuild) spawnSync('diff', ['-u', join(reportFolder, `${entry}.api.md`), join(scratch, `${entry}.api.md`)], { stdio: 'inherit' })
  }
  if (result.errorCount > 0) {
    console.error(`FAIL API Extractor: ${result.errorCount} error(s) in ${entry}`)
    process.exitCode = 1
  }
}
rmSync(scratch, { recursive: true, force: true })

if (changed.length > 0 && !localBuild) {
  console.error(`FAIL the public API changed without a reviewed report: ${changed.join(', ')}.\n` + 'Run `npm run api`, review the diff of test/api/*.api.md and commit it.')
  process.exitCode = 1
} else {
  console.log(localBuild && changed.length > 0 ? `updated ${changed.join(', ')}: review and commit` : `API reports up to date (${entries.length} entry points)`)
}

/** Keeps the console to what matters: the change notice above, and real errors. */
function quiet(message) {
  if (['console-api-report-changed', 'console-api-report-copied', 'console-api-report-not-copied'].includes(message.messageId)) message.handled = true
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true
}
