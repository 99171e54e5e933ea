// Finds a secret in what a run left behind, in any form a reader could turn back into it: raw,
// HTML-escaped (the summary and the comment), JSON-escaped in any spelling (`\u0041`, `\/`),
// URL-encoded in any spelling (`%2F`, `%2f`, `%41`), or base64 (standard or URL-safe, at any byte
// offset inside a longer encoded text). Plain ESM JavaScript for the tests and the soak script.

import { readFileSync } from 'node:fs'
import { commandOf } from './runner-commands.mjs'

/** @param {string} text */
function decodeEntities(text) {
  const named = /** @type {Record<string, string>} */ ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body) => {
    if (body[0] !== '#') return named[body.toLowerCase()] ?? whole
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1))
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}

/** Undoes every JSON string escape, whatever the spelling. @param {string} text */
function decodeJsonEscapes(text) {
  const short = /** @type {Record<string, string>} */ ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '"': '"', '/': '/', '\\': '\\' })
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_whole, body) =>
    body.length === 5 ? String.fromCharCode(Number.parseInt(body.slice(1), 16)) : (short[body] ?? body)
  )
}

/** Undoes percent-encoding of any byte, in either case, and `+` for a space. @param {string} text */
function decodePercent(text) {
  if (!/%[0-9a-fA-F]{2}|\+/.test(text)) return text
  const bytes = []
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else if (char === '+') {
      bytes.push(0x20)
    } else {
      bytes.push(...Buffer.from(/** @type {string} */ (char), 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * The parts of the secret's base64 that do not depend on the bytes around it, for each of the three
 * offsets it can start at, in the standard and the URL-safe alphabet; only parts of 8 characters or more.
 * @param {string} secret @returns {string[]}
 */
export function base64Forms(secret) {
  const bytes = Buffer.from(secret, 'utf8')
  const forms = new Set()
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    // Character i covers bits 6i..6i+5; keep those that lie inside the secret's bits.
    const first = Math.ceil((offset * 8) / 6)
    const last = Math.floor(((offset + bytes.length) * 8) / 6) // exclusive
    const part = encoded.slice(first, last)
    if (part.length >= 8) {
      forms.add(part)
      forms.add(part.replace(/\+/g, '-').replace(/\//g, '_'))
    }
  }
  return [...forms]
}

/**
 * Whether `text` holds the secret in any of the forms above.
 * @param {string} text @param {string} secret @returns {string | undefined} the form found
 */
export function secretFormIn(text, secret) {
  const plain = text.replace(/\u200D/g, '')
  const entities = decodeEntities(plain)
  for (const [form, variant] of /** @type {Array<[string, string]>} */ ([
    ['raw', plain],
    ['HTML-escaped', entities],
    ['JSON-escaped', decodeJsonEscapes(plain)],
    ['JSON-escaped', decodeJsonEscapes(entities)],
    ['URL-encoded', decodePercent(plain)],
    ['URL-encoded', decodePercent(entities)]
  ])) {
    if (variant.includes(secret)) return form
  }
  for (const form of base64Forms(secret)) {
    if (plain.includes(form) || entities.includes(form)) return 'base64'
  }
  return undefined
}

/**
 * Every place a run left the secret in, in any form: stdout (but the `::add-mask::` line the runner
 * consumes), stderr, the outputs, the summary and every file under the run's temp directories.
 * @param {{ stdout: string, stderr: string, outputs: Record<string, string>, summary: string, files: string[] }} result
 * @param {string} secret
 * @returns {string[]}
 */
export function findLeaks(result, secret) {
  if (!secret) throw new Error('findLeaks needs a non-empty secret')
  /** @type {string[]} */
  const found = []
  const check = (/** @type {string} */ where, /** @type {string} */ text) => {
    const form = secretFormIn(text, secret)
    if (form) found.push(`${where} (${form})`)
  }
  result.stdout.split(/\r\n|\r|\n/).forEach((line, index) => {
    const command = commandOf(line)
    if (command?.name === 'add-mask' && command.data === secret) return
    check(`stdout line ${index + 1}: ${line.slice(0, 200)}`, line)
  })
  check('stderr', result.stderr)
  for (const [name, value] of Object.entries(result.outputs)) check(`output ${name}`, value)
  check('job summary', result.summary)
  for (const file of result.files) check(`file ${file}`, readFileSync(file, 'utf8'))
  return found
}
