// The inputs of a batch: scenario-ids and concurrency, and what they cannot be combined with.
import { INPUT, InputError, parseInputs, type Settings } from '../../src/inputs.js'

const CONTEXT = {
  workspace: '/nonexistent-workspace',
  readFile: (path: string): string => {
    throw new Error(`unexpected read of ${path}`)
  }
}
const BASE = { [INPUT.apiKey]: 'ck_test_0123456789abcdef', [INPUT.extraInstructions]: 'Ask for the booking reference first.' }

function parse(given: Record<string, string>): Settings {
  return parseInputs(name => ({ ...BASE, ...given })[name] ?? '', CONTEXT)
}

function failure(given: Record<string, string>): string {
  try {
    parse(given)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error(`expected an InputError for ${JSON.stringify(given)}`)
}

describe('scenario-ids', () => {
  it('takes ids separated by commas, spaces or new lines, in order, as a batch of improve jobs', () => {
    const settings = parse({ [INPUT.scenarioIds]: '101, 102\n  103 104,105' })
    expect(settings.scenarioIds).toEqual([101, 102, 103, 104, 105])
    expect(settings.scenarioId).toBeUndefined()
    expect(settings.concurrency).toBe(3)
    expect(settings.job).toMatchObject({
      mode: 'improve',
      extraInstructions: BASE[INPUT.extraInstructions],
      currentInstructionsInput: 'scenario-ids'
    })
    expect(settings.job.mode === 'improve' && settings.job.currentInstructions).toBeFalsy()
  })

  it('takes mode improve, apply, agent-id, request-body and a concurrency from 1 to 10', () => {
    const settings = parse({
      [INPUT.scenarioIds]: '7',
      [INPUT.mode]: 'improve',
      [INPUT.apply]: 'true',
      [INPUT.agentId]: '1234',
      [INPUT.requestBody]: '{"name": "x"}',
      [INPUT.concurrency]: '10'
    })
    expect(settings).toMatchObject({ scenarioIds: [7], apply: true, concurrency: 10, job: { agentId: 1234, requestBody: { name: 'x' } } })
    expect(parse({ [INPUT.scenarioIds]: '7', [INPUT.concurrency]: '1' }).concurrency).toBe(1)
  })

  it('refuses a scenario listed twice, even written another way', () => {
    expect(failure({ [INPUT.scenarioIds]: '7, 8, 007' })).toBe(
      "Input 'scenario-ids' lists scenario 7 more than once; list each scenario once."
    )
  })

  it.each(['abc', '1.5', '-3', '0', '12a', '99999999999999999999'])('refuses %j as an id, naming the form', bad => {
    expect(failure({ [INPUT.scenarioIds]: `101 ${bad}` })).toMatch(
      /^Input 'scenario-ids' must list Cekura scenario ids \(whole numbers such as 1234\) separated by commas, spaces or new lines; '.*' is not one\.$/
    )
  })

  it.each(['1e3', '0x1F', '1_000'])('refuses %j, which a number parser would read, but is not written as a whole number', bad => {
    expect(failure({ [INPUT.scenarioIds]: `101 ${bad}` })).toMatch(new RegExp(`; '${bad}' is not one\\.$`))
  })

  it('quotes at most 40 characters of an id it refuses', () => {
    const bad = `${'x'.repeat(40)}TAIL`
    expect(failure({ [INPUT.scenarioIds]: bad })).toMatch(new RegExp(`; '${'x'.repeat(40)}' is not one\\.$`))
  })

  it('takes separators before, after and between, in any number', () => {
    expect(parse({ [INPUT.scenarioIds]: ', 7,, 8 ,\n' }).scenarioIds).toEqual([7, 8])
  })

  it('refuses a list of only separators', () => {
    expect(failure({ [INPUT.scenarioIds]: ' , ,' })).toMatch(/^Input 'scenario-ids' must list Cekura scenario ids/)
  })

  it('takes 100 scenarios and refuses 101', () => {
    const ids = (n: number): string => Array.from({ length: n }, (_, i) => String(i + 1)).join(' ')
    expect(parse({ [INPUT.scenarioIds]: ids(100) }).scenarioIds).toHaveLength(100)
    expect(failure({ [INPUT.scenarioIds]: ids(101) })).toMatch(/lists 101 scenarios; a batch takes at most 100/)
  })

  it.each([
    [INPUT.scenarioId, '9', "a batch takes its scenarios from 'scenario-ids' only; list this one there too."],
    [
      INPUT.progressId,
      'p-1',
      "a batch starts one new job per scenario; follow a job started elsewhere in a step of its own, with 'progress-id' alone."
    ],
    [INPUT.currentInstructions, 'Old text.', "a batch improves each scenario's own stored instructions, read from Cekura."],
    [INPUT.currentInstructionsFile, 'old.txt', "a batch improves each scenario's own stored instructions, read from Cekura."]
  ])('cannot be combined with %s, saying why', (input, value, why) => {
    expect(failure({ [INPUT.scenarioIds]: '7 8', [input]: value })).toBe(`Input 'scenario-ids' cannot be combined with '${input}': ${why}`)
  })

  it.each(['poll', 'generate', 'GENERATE'])('cannot be combined with mode %s', mode => {
    expect(failure({ [INPUT.scenarioIds]: '7 8', [INPUT.mode]: mode, [INPUT.agentId]: '1' })).toBe(
      `Input 'scenario-ids' cannot be combined with mode '${mode.toLowerCase()}': a batch improves the stored instructions of each scenario listed, so its mode is improve (or empty).`
    )
  })

  it('names scenario-ids when request-body sets the current text too', () => {
    expect(failure({ [INPUT.scenarioIds]: '7', [INPUT.requestBody]: '{"current_instructions": "x"}' })).toMatch(
      /'current_instructions', which 'scenario-ids' already sets/
    )
  })
})

describe('concurrency', () => {
  it.each(['0', '11', 'two', '2.5', '-1'])('refuses %j, naming the range', bad => {
    expect(failure({ [INPUT.scenarioIds]: '7', [INPUT.concurrency]: bad })).toBe(
      `Input 'concurrency' must be a whole number from 1 to 10, got '${bad}'.`
    )
  })

  it('is read, and ignored, in a single job', () => {
    expect(parse({ [INPUT.scenarioId]: '7' })).toMatchObject({ scenarioId: 7, concurrency: 3 })
    expect(parse({ [INPUT.scenarioId]: '7' }).scenarioIds).toBeUndefined()
  })
})
