// Users run the committed dist/, not src/: it must be exactly what `npm run build` makes of the sources.
// The build script (scripts/build.mjs: ncc, then the licenses file) writes to a temporary folder, then
// both trees are compared file list and bytes. (ncc's output does not depend on the output folder's name.)

import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const distDir = join(repoRoot, 'dist')
const ncc = join(repoRoot, 'node_modules', '.bin', 'ncc')
const buildScript = join(repoRoot, 'scripts', 'build.mjs')
const rebuild = 'run `npm run build` and commit dist/'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
}

describe('dist/', () => {
  let outDir: string

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'cekura-dist-check-'))
  })

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true })
  })

  test('is what the sources build to', async () => {
    if (!existsSync(join(distDir, 'index.js'))) {
      throw new Error(`dist/index.js does not exist: ${rebuild}`)
    }
    expect(existsSync(ncc)).toBe(true) // npm ci installs @vercel/ncc

    // The build script is started with the Node that runs the tests, whatever PATH says.
    const args = [buildScript, outDir]
    try {
      await promisify(execFile)(process.execPath, args, {
        cwd: repoRoot,
        timeout: 170_000,
        maxBuffer: 16 * 1024 * 1024
      })
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string }
      throw new Error(`ncc could not build src/index.ts:\n${stderr ?? ''}${stdout ?? ''}\n${String(error)}`)
    }

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
  }, 180_000)
})
