/**
 * Parsed JSON of any depth, walked without recursion. JSON.parse reads a value nested a million deep,
 * but JSON.stringify, structuredClone and any recursive walk overflow the stack at a few thousand, so
 * nothing here recurses: a finished job whose answer holds such a value is still written out.
 */

type Frame =
  | { kind: 'array'; items: readonly unknown[]; index: number }
  | { kind: 'object'; record: Record<string, unknown>; keys: string[]; index: number; wrote: boolean }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A leaf's JSON text, or undefined for what JSON leaves out (undefined, functions, symbols). */
function leaf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    default:
      return 'null'
  }
}

/**
 * The same text as JSON.stringify(value) for any value JSON.parse gives (and for objects without a
 * prototype), at any depth. What JSON.stringify would leave out becomes `null` at the top.
 */
export function stringifyJson(value: unknown): string {
  const out: string[] = []
  const stack: Frame[] = []
  /** Writes a value, or opens a frame for it; returns false when it was left out (in an object). */
  const open = (item: unknown): boolean => {
    if (Array.isArray(item)) {
      out.push('[')
      stack.push({ kind: 'array', items: item, index: 0 })
      return true
    }
    if (isRecord(item)) {
      out.push('{')
      stack.push({ kind: 'object', record: item, keys: Object.keys(item), index: 0, wrote: false })
      return true
    }
    const text = leaf(item)
    if (text === undefined) return false
    out.push(text)
    return true
  }
  if (!open(value)) return 'null'
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame
    if (frame.kind === 'array') {
      if (frame.index >= frame.items.length) {
        out.push(']')
        stack.pop()
        continue
      }
      if (frame.index > 0) out.push(',')
      const item = frame.items[frame.index++]
      if (!open(item)) out.push('null')
      continue
    }
    if (frame.index >= frame.keys.length) {
      out.push('}')
      stack.pop()
      continue
    }
    const key = frame.keys[frame.index++] as string
    const item = frame.record[key]
    if (leaf(item) === undefined && !Array.isArray(item) && !isRecord(item)) continue
    out.push(`${frame.wrote ? ',' : ''}${JSON.stringify(key)}:`)
    frame.wrote = true
    open(item)
  }
  return out.join('')
}

/**
 * A copy of a parsed JSON value in which every string, keys included, went through `map`, at any
 * depth. Objects in the copy have no prototype, so no key from outside can reach Object.prototype.
 */
export function mapJsonStrings(value: unknown, map: (text: string) => string): unknown {
  const holder: Record<string, unknown> = Object.create(null)
  const work: Array<{ source: unknown; target: Record<string, unknown> | unknown[]; key: string | number }> = [
    { source: value, target: holder, key: 'value' }
  ]
  while (work.length > 0) {
    const { source, target, key } = work.pop() as (typeof work)[number]
    let copy: unknown
    if (typeof source === 'string') {
      copy = map(source)
    } else if (Array.isArray(source)) {
      // Stryker disable next-line ArrayDeclaration: every index is filled in below, so the array's first length does not show
      const array: unknown[] = new Array(source.length)
      for (let i = source.length - 1; i >= 0; i--) work.push({ source: source[i], target: array, key: i })
      copy = array
    } else if (isRecord(source)) {
      const record: Record<string, unknown> = Object.create(null)
      const keys = Object.keys(source)
      // Keys are set in order now, and filled in as the work reaches them.
      for (const name of keys) record[map(name)] = null
      for (let i = keys.length - 1; i >= 0; i--) {
        const name = keys[i] as string
        work.push({ source: source[name], target: record, key: map(name) })
      }
      copy = record
    } else {
      copy = source
    }
    ;(target as Record<string | number, unknown>)[key] = copy
  }
  return holder.value
}
