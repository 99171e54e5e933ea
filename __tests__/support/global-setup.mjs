// Jest globalSetup: builds the action from the current src/ once per test run, into a temporary
// folder, with the same script as `npm run build` (scripts/build.mjs). The end-to-end tests then run
// that bundle, so a src/ edit is tested without a rebuild of dist/, and dist.test.ts compares it with the
// committed dist/. The bundle's path reaches the test files through an environment variable, which
// Jest's workers inherit; global-teardown.mjs removes the folder.
//
// CEKURA_SKIP_BUNDLE=1 skips the build, for runs of the unit tests alone (npm run mutate runs them many
// times); tests that run the bundle then run the committed dist/.
//
// A src/ that does not build does not stop the run: the unit tests still say what is wrong, and the
// tests that need the bundle fail with what the build printed.

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { BUILD_ERROR_VARIABLE, BUILT_BUNDLE_VARIABLE, repoRoot } from './run-action.mjs'

/** Where globalTeardown finds the folder: Jest runs both hooks in one process, with one global object. */
const shared = /** @type {{ cekuraActionBundleDir?: string }} */ (globalThis)

export default async function globalSetup() {
  if (process.env.CEKURA_SKIP_BUNDLE === '1') return
  const outDir = mkdtempSync(join(tmpdir(), 'cekura-action-bundle-'))
  shared.cekuraActionBundleDir = outDir
  delete process.env[BUILT_BUNDLE_VARIABLE]
  delete process.env[BUILD_ERROR_VARIABLE]
  try {
    // The Node that runs Jest also runs the build, whatever PATH says.
    await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), outDir], {
      cwd: repoRoot,
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024
    })
    process.env[BUILT_BUNDLE_VARIABLE] = join(outDir, 'index.js')
  } catch (error) {
    const { stdout, stderr } = /** @type {{ stdout?: string, stderr?: string }} */ (error)
    // What ncc said, without its own stack frames, which Jest would take for the test's.
    const output = `${stderr ?? ''}${stdout ?? ''}`
      .split('\n')
      .filter(line => !/^\s+at /.test(line))
      .join('\n')
      .trim()
    process.env[BUILD_ERROR_VARIABLE] = output || String(error)
    process.stderr.write(`\nsrc/ does not build; the tests that run the bundle will fail:\n${output || String(error)}\n\n`)
  }
}

export function globalTeardown() {
  const outDir = shared.cekuraActionBundleDir
  if (outDir) rmSync(outDir, { recursive: true, force: true })
  delete shared.cekuraActionBundleDir
}
