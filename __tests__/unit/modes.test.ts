import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { InputError, modeFromInputs, parseInputs, type InputContext } from '../../src/inputs.js'

const workspace = mkdtempSync(join(tmpdir(), 'modes-ws-'))
mkdirSync(join(workspace, 'scenarios'))
writeFileSync(join(workspace, 'scenarios', 'old.txt'), 'Old text\nline two\n')
const outside = mkdtempSync(join(tmpdir(), 'modes-out-'))
writeFileSync(join(outside, 'secret.txt'), 'not yours')
symlinkSync(join(outside, 'secret.txt'), join(workspace, 'link.txt'))

const context: InputContext = { workspace, readFile: path => readFileSync(path, 'utf8') }

function parse(inputs: Record<string, string>) {
  return parseInputs(name => inputs[name] ?? '', context)
}

function failure(inputs: Record<string, string>): string {
  try {
    parse(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

const key = { 'api-key': 'k-123' }

describe('mode inference', () => {
  it('progress-id means poll', () => {
    expect(parse({ ...key, 'progress-id': 'p1' }).job).toEqual({ mode: 'poll', progressId: 'p1' })
  })
  it('scenario-id means improve, with agent and text left to the scenario', () => {
    const settings = parse({ ...key, 'scenario-id': '42', 'extra-instructions': 'Be rude' })
    expect(settings.job).toEqual({ mode: 'improve', extraInstructions: 'Be rude', requestBody: {} })
    expect(settings.scenarioId).toBe(42)
  })
  it('current-instructions means improve', () => {
    const settings = parse({ ...key, 'agent-id': '7', 'current-instructions': 'Old', 'extra-instructions': 'Shorter' })
    expect(settings.job).toMatchObject({ mode: 'improve', agentId: 7, currentInstructions: 'Old' })
  })
  it('agent-id alone means generate', () => {
    const settings = parse({ ...key, 'agent-id': '7', 'extra-instructions': 'A caller', 'request-body': '{"name":"x"}' })
    expect(settings.job).toEqual({ mode: 'generate', agentId: 7, extraInstructions: 'A caller', requestBody: { name: 'x' } })
  })
  it('nothing to go on is an error that lists the ways', () => {
    const message = failure({ ...key })
    expect(message).toContain("'progress-id'")
    expect(message).toContain("'agent-id'")
    expect(message).toContain("'scenario-id'")
  })
})

describe('modeFromInputs, for the outputs of a run whose inputs were refused', () => {
  const reader = (given: Record<string, string>) => (name: string) => given[name] ?? ''

  it('gives the mode the inputs name or imply, read as parseInputs reads them', () => {
    expect(modeFromInputs(reader({ mode: ' Generate ' }))).toBe('generate')
    expect(modeFromInputs(reader({ 'progress-id': 'p1' }))).toBe('poll')
    expect(modeFromInputs(reader({ 'agent-id': '7' }))).toBe('generate')
    expect(modeFromInputs(reader({ 'scenario-id': '42' }))).toBe('improve')
  })

  it('gives none, and throws nothing, when they say nothing or something invalid, or cannot be read', () => {
    expect(modeFromInputs(reader({}))).toBeUndefined()
    expect(modeFromInputs(reader({ mode: 'fly' }))).toBeUndefined()
    expect(
      modeFromInputs(() => {
        throw new Error('unreadable')
      })
    ).toBeUndefined()
  })
})

describe('inputs that do not fit together', () => {
  it('a progress-id with mode generate', () => {
    const message = failure({ ...key, mode: 'generate', 'progress-id': 'p', 'agent-id': '1', 'extra-instructions': 'x' })
    expect(message).toContain("'progress-id'")
    expect(message).toContain('generate')
  })
  it('apply without scenario-id', () => {
    const message = failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', apply: 'true' })
    expect(message).toContain("'apply'")
    expect(message).toContain("'scenario-id'")
  })
  it('both current-instructions and current-instructions-file', () => {
    const message = failure({
      ...key,
      'agent-id': '1',
      'extra-instructions': 'x',
      'current-instructions': 'a',
      'current-instructions-file': 'scenarios/old.txt'
    })
    expect(message).toContain("'current-instructions'")
    expect(message).toContain("'current-instructions-file'")
  })
  it('generate inputs in poll mode', () => {
    expect(failure({ ...key, 'progress-id': 'p', 'extra-instructions': 'x' })).toContain("'extra-instructions'")
  })
  it('current text with mode generate', () => {
    const message = failure({ ...key, mode: 'generate', 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions': 'a' })
    expect(message).toContain("'current-instructions'")
  })
  it('a request-body field that an input already sets', () => {
    const message = failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'request-body': '{"agent": 2}' })
    expect(message).toContain("'request-body'")
    expect(message).toContain("'agent-id'")
  })
  it('an unknown mode', () => {
    expect(failure({ ...key, mode: 'rewrite', 'agent-id': '1' })).toContain("'mode'")
  })
})

describe('values', () => {
  it('extra-instructions is required to start a job', () => {
    expect(failure({ ...key, 'agent-id': '1' })).toContain("'extra-instructions'")
  })
  it('improve without agent or scenario', () => {
    const message = failure({ ...key, mode: 'improve', 'extra-instructions': 'x', 'current-instructions': 'a' })
    expect(message).toContain("'agent-id'")
  })
  it.each(['0', '-3', '1.5', 'abc', '99999999999999999999'])('agent-id %s is not an id', value => {
    expect(failure({ ...key, 'agent-id': value, 'extra-instructions': 'x' })).toContain("Input 'agent-id' must be a positive whole number")
  })
  it.each(['[1]', '"text"', 'null', '{bad json'])('request-body %s is not an object', value => {
    expect(failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'request-body': value })).toContain(
      "Input 'request-body' must be a JSON object"
    )
  })
  it('multi-line extra instructions are kept', () => {
    const settings = parse({ ...key, 'agent-id': '1', 'extra-instructions': 'one\ntwo\n' })
    expect(settings.job).toMatchObject({ extraInstructions: 'one\ntwo' })
  })
})

describe('current-instructions-file', () => {
  it('reads a file inside the workspace', () => {
    const settings = parse({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions-file': 'scenarios/old.txt' })
    expect(settings.job).toMatchObject({
      mode: 'improve',
      currentInstructions: 'Old text\nline two\n',
      currentInstructionsInput: 'current-instructions-file'
    })
  })
  it('refuses a path outside the workspace', () => {
    const message = failure({
      ...key,
      'agent-id': '1',
      'extra-instructions': 'x',
      'current-instructions-file': join(outside, 'secret.txt')
    })
    expect(message).toContain('inside the workspace')
  })
  it('refuses a symbolic link that leads outside', () => {
    expect(failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions-file': 'link.txt' })).toContain(
      'inside the workspace'
    )
  })
  it('names a missing file', () => {
    const message = failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions-file': 'nope.txt' })
    expect(message).toContain("Input 'current-instructions-file'")
    expect(message).toContain('does not exist')
  })
})
