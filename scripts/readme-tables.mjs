// Writes the README's inputs and outputs tables from action.yml, the one place each input and output
// is described: `node scripts/readme-tables.mjs` rewrites them between their markers, `--check` only
// says whether they are up to date (exit 1 when not). `--readme FILE` and `--action FILE` pick other
// files (the tests use copies).
//
//   <!-- inputs:start --> ... <!-- inputs:end -->
//   <!-- outputs:start --> ... <!-- outputs:end -->

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** One line for a table cell: white space folded, pipes escaped. @param {unknown} text */
function cell(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
}

/** @param {Record<string, any>} action @returns {string} */
export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const fallback = input?.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``
    const shown = input?.required ? '(required)' : fallback
    return `| \`${name}\` | ${shown} | ${cell(input?.description)} |`
  })
  return ['| input | default | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

/** @param {Record<string, any>} action @returns {string} */
export function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(([name, output]) => `| \`${name}\` | ${cell(output?.description)} |`)
  return ['| output | meaning |', '| --- | --- |', ...rows].join('\n')
}

/**
 * The README with both tables written anew from action.yml.
 * @param {string} readme @param {Record<string, any>} action @returns {string}
 */
export function withTables(readme, action) {
  let text = readme
  for (const [name, table] of [
    ['inputs', inputsTable(action)],
    ['outputs', outputsTable(action)]
  ]) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`)
    if (!pattern.test(text)) throw new Error(`README has no <!-- ${name}:start --> ... <!-- ${name}:end --> markers`)
    text = text.replace(pattern, (_whole, start, end) => `${start}\n${table}\n${end}`)
  }
  return text
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const option = (/** @type {string} */ flag, /** @type {string} */ fallback) => {
    const index = args.indexOf(flag)
    return index >= 0 && args[index + 1] ? resolve(args[index + 1]) : fallback
  }
  const readmePath = option('--readme', join(root, 'README.md'))
  const actionPath = option('--action', join(root, 'action.yml'))
  const readme = readFileSync(readmePath, 'utf8')
  const expected = withTables(readme, parse(readFileSync(actionPath, 'utf8')))
  if (args.includes('--check')) {
    if (expected !== readme) {
      console.error(`${readmePath}: the inputs or outputs table differs from action.yml; run \`npm run readme\` and commit README.md.`)
      process.exit(1)
    }
    console.log('README tables match action.yml.')
  } else if (expected !== readme) {
    writeFileSync(readmePath, expected)
    console.log(`Wrote the inputs and outputs tables of ${readmePath}.`)
  } else {
    console.log('README tables already match action.yml.')
  }
}
