// Input checks that mutation testing found unpinned: the exact words of each error (a user acts on
// them), the boundaries of each limit, and the combinations of inputs no other test tried.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError, parseInputs, type InputContext, type Settings } from '../../src/inputs.js'

const workspace = mkdtempSync(join(tmpdir(), 'inputs-mutants-'))
writeFileSync(join(workspace, 'old.txt'), 'Old text')
const context: InputContext = {
  workspace,
  readFile: () => 'Old text'
}

const key = { 'api-key': 'k-123' }
const generate = { ...key, 'agent-id': '1', 'extra-instructions': 'x' }

function parse(inputs: Record<string, string>, ctx: InputContext = context): Settings {
  return parseInputs(name => inputs[name] ?? '', ctx)
}

function failure(inputs: Record<string, string>, ctx: InputContext = context): string {
  try {
    parse(inputs, ctx)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`)
}

describe('inputs a mode does not take', () => {
  it('names one refused input with "does" and says why poll refuses it', () => {
    expect(failure({ ...key, 'progress-id': 'p', 'request-body': '{}' })).toBe(
      "'request-body' does not fit mode 'poll': mode poll follows a job started elsewhere (with 'progress-id') and starts nothing."
    )
  })

  it('names every input refused for the same reason, joined with "and", with "do"', () => {
    expect(failure({ ...key, 'progress-id': 'p', 'request-body': '{}', 'extra-instructions': 'x' })).toBe(
      "'extra-instructions' and 'request-body' do not fit mode 'poll': mode poll follows a job started elsewhere (with 'progress-id') and starts nothing."
    )
  })

  it('names only the inputs refused for the first reason when several reasons apply', () => {
    const message = failure({ ...generate, mode: 'generate', 'progress-id': 'p', 'current-instructions': 'a' })
    expect(message).toBe(
      "'progress-id' does not fit mode 'generate': mode generate starts a new job and reports its own progress id; leave 'progress-id' empty."
    )
  })

  it('says why generate takes no current text', () => {
    expect(failure({ ...generate, mode: 'generate', 'current-instructions': 'a' })).toBe(
      "'current-instructions' does not fit mode 'generate': generate writes new instructions from the agent; use mode improve to rewrite existing text."
    )
  })

  it('says why improve takes no progress id', () => {
    expect(failure({ ...key, mode: 'improve', 'agent-id': '1', 'extra-instructions': 'x', 'progress-id': 'p' })).toBe(
      "'progress-id' does not fit mode 'improve': mode improve starts a new job and reports its own progress id; leave 'progress-id' empty."
    )
  })

  it('lists the modes when the mode is unknown', () => {
    expect(failure({ ...generate, mode: 'rewrite' })).toBe(
      "Input 'mode' must be one of poll, generate, improve (or empty to infer it), got 'rewrite'."
    )
  })

  it('lists every way to say what to do when nothing does', () => {
    expect(failure({ ...key })).toBe(
      "Nothing to do: set 'progress-id' to follow a job started elsewhere, 'agent-id' and 'extra-instructions' to generate " +
        "instructions, or 'scenario-id' (or 'current-instructions') and 'extra-instructions' to improve them."
    )
  })
})

describe('request-body fields that an input already sets', () => {
  it('names one field and its input, with "sets"', () => {
    expect(failure({ ...generate, 'request-body': '{"agent": 2, "name": "ok"}' })).toBe(
      "Input 'request-body' sets 'agent', which 'agent-id' already sets: set each field one way only."
    )
  })

  it('names every clashing field and input, with "set"', () => {
    expect(failure({ ...generate, 'request-body': '{"agent": 2, "extra_instructions": "y"}' })).toBe(
      "Input 'request-body' sets 'agent', 'extra_instructions', which 'agent-id', 'extra-instructions' already set: set each field one way only."
    )
  })

  it('in improve mode, names the input the current text came from', () => {
    const body = { 'request-body': '{"current_instructions": "z"}' }
    expect(failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions': 'a', ...body })).toBe(
      "Input 'request-body' sets 'current_instructions', which 'current-instructions' already sets: set each field one way only."
    )
    expect(failure({ ...key, 'agent-id': '1', 'extra-instructions': 'x', 'current-instructions-file': 'old.txt', ...body })).toBe(
      "Input 'request-body' sets 'current_instructions', which 'current-instructions-file' already sets: set each field one way only."
    )
    // With only a scenario, the current text is read from it.
    expect(failure({ ...key, 'scenario-id': '7', 'extra-instructions': 'x', ...body })).toBe(
      "Input 'request-body' sets 'current_instructions', which 'scenario-id' already sets: set each field one way only."
    )
  })

  it('in improve mode, refuses the agent and request fields too', () => {
    expect(failure({ ...key, 'scenario-id': '7', 'extra-instructions': 'x', 'request-body': '{"extra_instructions": "y"}' })).toContain(
      "which 'extra-instructions' already sets"
    )
  })

  it('in generate mode, takes current_instructions from request-body (no input sets it there)', () => {
    const settings = parse({ ...generate, 'request-body': '{"current_instructions": "z"}' })
    expect(settings.job).toMatchObject({ mode: 'generate', requestBody: { current_instructions: 'z' } })
  })
})

describe('request-body that is not an object', () => {
  it.each([
    ['[1]', 'an array'],
    ['null', 'a null'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean']
  ])('%s: names what it got (%s)', (value, got) => {
    expect(failure({ ...generate, 'request-body': value })).toBe(
      `Input 'request-body' must be a JSON object such as {"name": "Impatient caller"}, got ${got}.`
    )
  })

  it("passes on the parser's reason for JSON that does not parse", () => {
    const message = failure({ ...generate, 'request-body': '{bad json' })
    expect(message).toMatch(/^Input 'request-body' must be a JSON object such as \{"name": "Impatient caller"\}: \S.*\.$/)
    expect(message).not.toContain(', got')
  })
})

describe('ids', () => {
  it.each(['1e3', '0x10', '1.0', '12abc', 'abc12'])('agent-id %s is refused although Number() reads a whole number from it', value => {
    expect(failure({ ...key, 'agent-id': value, 'extra-instructions': 'x' })).toBe(
      `Input 'agent-id' must be a positive whole number (a Cekura id such as 1234), got '${value}'.`
    )
  })

  it('shows only the first 60 characters of a progress id that is too long', () => {
    const message = failure({ ...key, 'progress-id': 'x'.repeat(201) })
    expect(message).toBe(`Input 'progress-id' must be a single line of at most 200 characters, got "${'x'.repeat(60)}".`)
  })
})

describe('apply', () => {
  it('with a scenario id, is kept on', () => {
    const settings = parse({ ...key, 'scenario-id': '42', 'extra-instructions': 'x', apply: 'true' })
    expect(settings.apply).toBe(true)
    expect(settings.scenarioId).toBe(42)
    expect(settings.job.mode).toBe('improve')
  })
})

describe('max-poll-interval', () => {
  it('may be exactly 6h', () => {
    expect(parse({ ...key, 'progress-id': 'p', 'max-poll-interval': '6h' }).maxPollIntervalMs).toBe(6 * 3_600_000)
  })
})

describe('current-instructions-file', () => {
  it('refuses the workspace folder itself', () => {
    expect(failure({ ...generate, 'current-instructions-file': '.' })).toBe(
      `Input 'current-instructions-file' must be a file inside the workspace (${workspace}), got '.'.`
    )
  })

  it('says why a file could not be read', () => {
    const unreadable: InputContext = {
      workspace,
      readFile: () => {
        throw new Error('EACCES: permission denied')
      }
    }
    expect(failure({ ...generate, 'current-instructions-file': 'old.txt' }, unreadable)).toBe(
      "Input 'current-instructions-file': could not read 'old.txt': EACCES: permission denied."
    )
  })
})

describe('api-url', () => {
  it.each(['ftp://127.0.0.1', 'ws://localhost:8080', 'file://localhost/etc'])('refuses %s: only http is allowed on loopback', url => {
    expect(failure({ ...key, 'progress-id': 'p', 'api-url': url })).toBe(
      `Input 'api-url' must use https (plain http only for 127.0.0.1, ::1 or localhost), got '${url}'.`
    )
  })

  it.each(['https://user@api.cekura.ai', 'https://:secret@api.cekura.ai'])(
    'refuses %s: a user name or a password alone is a credential',
    url => {
      const message = failure({ ...key, 'progress-id': 'p', 'api-url': url })
      expect(message).toBe(
        "Input 'api-url' must be a base URL without credentials, query or fragment, such as https://api.cekura.ai, got 'https://api.cekura.ai/'."
      )
    }
  )
})

describe('comment-header', () => {
  it('may be 100 characters long', () => {
    expect(parse({ ...key, 'progress-id': 'p', 'comment-header': 'h'.repeat(100) }).commentHeader).toBe('h'.repeat(100))
  })

  it('refuses 101 characters, showing the first 60', () => {
    expect(failure({ ...key, 'progress-id': 'p', 'comment-header': 'h'.repeat(101) })).toBe(
      `Input 'comment-header' must be a single line of at most 100 characters, got "${'h'.repeat(60)}".`
    )
  })

  it.each(['a\nb', 'a\rb'])('refuses a line break (%j)', header => {
    expect(failure({ ...key, 'progress-id': 'p', 'comment-header': header })).toBe(
      `Input 'comment-header' must be a single line of at most 100 characters, got ${JSON.stringify(header)}.`
    )
  })

  it('keeps a short single-line header as given', () => {
    expect(parse({ ...key, 'progress-id': 'p', 'comment-header': 'staging run' }).commentHeader).toBe('staging run')
  })
})

describe('inputs a mode cannot run without: the whole message, which says what to give', () => {
  it.each([
    [
      { ...key, mode: 'poll' },
      "Input 'progress-id' is required in mode poll: the progress_id returned by the generate-instructions or improve_instructions call."
    ],
    [
      { ...key, mode: 'generate', 'extra-instructions': 'x' },
      "Input 'agent-id' is required in mode generate: the Cekura agent id (a whole number)."
    ],
    [
      { ...key, mode: 'generate', 'agent-id': '1' },
      "Input 'extra-instructions' is required in mode generate: what the new instructions should do, in plain words."
    ],
    [
      { ...key, mode: 'improve', 'agent-id': '1', 'current-instructions': 'a' },
      "Input 'extra-instructions' is required in mode improve: what the new instructions should do, in plain words."
    ]
  ])('%j', (inputs, message) => {
    expect(failure(inputs)).toBe(message)
  })
})
