// Users run the committed dist/, not src/: it must be exactly what `npm run build` makes of the sources.
// Jest's globalSetup (support/global-setup.mjs) has already built the current src/ with the build script
// (scripts/build.mjs: ncc, then the licenses file) into a temporary folder for the end-to-end tests; this
// compares that folder with dist/, file list and bytes. (ncc's output does not depend on the output
// folder's name.)

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILT_BUNDLE_VARIABLE, actionBundle, builtBundle, distBundlePath } from './support/run-action.mjs'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const distDir = join(repoRoot, 'dist')
const rebuild = 'run `npm run build` and commit dist/'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
}

/** The bundle globalSetup built for this run; throws with the build's output when src/ does not build. */
function bundleBuiltFromSrc(): string {
  const bundle = builtBundle()
  if (bundle === undefined) {
    throw new Error(`${BUILT_BUNDLE_VARIABLE} is not set: run the tests with \`npm test\`, whose Jest globalSetup builds src/`)
  }
  return bundle
}

describe('dist/', () => {
  test('the end-to-end tests run the bundle built from src/ for this run, not dist/', () => {
    const bundle = bundleBuiltFromSrc()
    expect(existsSync(bundle)).toBe(true)
    expect(actionBundle()).toBe(bundle)
    expect(bundle).not.toBe(distBundlePath)
  })

  test('is what the sources build to', () => {
    if (!existsSync(join(distDir, 'index.js'))) {
      throw new Error(`dist/index.js does not exist: ${rebuild}`)
    }
    const outDir = dirname(bundleBuiltFromSrc())

    const expected = filesUnder(outDir)
    const committed = filesUnder(distDir)
    expect(expected).toContain('index.js')

    const problems: string[] = []
    for (const file of expected.filter(f => !committed.includes(f))) problems.push(`missing from dist/: ${file}`)
    for (const file of committed.filter(f => !expected.includes(f))) {
      problems.push(`not produced by the build: dist/${file}`)
    }
    for (const file of expected.filter(f => committed.includes(f))) {
      if (!readFileSync(join(outDir, file)).equals(readFileSync(join(distDir, file)))) {
        problems.push(`differs from the build: dist/${file}`)
      }
    }
    if (problems.length > 0) {
      throw new Error(`dist/ is stale, ${rebuild}:\n  ${problems.join('\n  ')}`)
    }
  })
})
