// Builds the action bundle: `node scripts/build.mjs [outDir]` (default dist).
//
// ncc's --license option writes one licenses file per output chunk, each over the last, so once the
// pull-request code is split into its own chunk the file would list only that chunk's packages. This
// script lets ncc build, then writes licenses.txt anew from every package that any chunk's source map
// names, so the notice covers all the code we ship.

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = resolve(root, process.argv[2] ?? 'dist')
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

try {
  execFileSync(process.execPath, [ncc, 'build', 'src/index.ts', '-o', outDir, '--source-map', '--license', 'licenses.txt'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit']
  })
} catch (error) {
  // ncc has printed why (a type error, a missing module); a stack trace of this script would only bury it.
  console.error(`ncc failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
  process.exit(1)
}

/** Package folders (relative to the repo) behind every bundled source file. */
const packages = new Set()
for (const file of readdirSync(outDir).filter(name => name.endsWith('.js.map'))) {
  const map = JSON.parse(readFileSync(join(outDir, file), 'utf8'))
  for (const source of map.sources) {
    const match = /^(?:\.\.?\/)*((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)/.exec(source)
    if (match) packages.add(match[1].replace(/\/$/, ''))
  }
}

const LICENSE_FILES = /^(licen[cs]e|copying)(\.(md|txt))?$/i
const entries = [...packages]
  .map(folder => {
    const manifest = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'))
    const licenseFile = readdirSync(join(root, folder)).find(name => LICENSE_FILES.test(name))
    const text = licenseFile ? readFileSync(join(root, folder, licenseFile), 'utf8').trim() : ''
    return { name: manifest.name, version: manifest.version, license: manifest.license ?? 'UNKNOWN', text }
  })
  .sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1))

const seen = new Set()
const blocks = []
for (const entry of entries) {
  const key = `${entry.name}\n${entry.text}`
  if (seen.has(key)) continue
  seen.add(key)
  blocks.push(`${entry.name}\n${entry.license}\n${entry.text || '(the package ships no license file)'}\n`)
}
const target = join(outDir, 'licenses.txt')
if (!existsSync(outDir)) throw new Error(`ncc wrote nothing to ${outDir}`)
writeFileSync(target, blocks.join('\n'))
console.log(`licenses.txt: ${blocks.length} packages`)
