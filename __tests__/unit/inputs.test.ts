import { INPUT, InputError, parseInputs, type InputContext, type Settings } from '../../src/inputs.js'

const KEY = 'ck_test_0123456789abcdef'

/** These tests are about following a job (mode poll): no input names a file, so no file is read. */
const CONTEXT: InputContext = {
  workspace: '/nonexistent-workspace',
  readFile: path => {
    throw new Error(`unexpected read of ${path}`)
  }
}

function progressIdOf(settings: Settings): string | undefined {
  return settings.job.mode === 'poll' ? settings.job.progressId : undefined
}

/** A reader like core.getInput: inputs not given read as ''. */
function reader(given: Record<string, string>): (name: string) => string {
  return name => given[name] ?? ''
}

function parse(given: Record<string, string>): Settings {
  return parseInputs(reader({ [INPUT.apiKey]: KEY, [INPUT.progressId]: 'p-1', ...given }), CONTEXT)
}

function failure(given: Record<string, string>, base = true): InputError {
  const all = base ? { [INPUT.apiKey]: KEY, [INPUT.progressId]: 'p-1', ...given } : given
  try {
    parseInputs(reader(all), CONTEXT)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`expected an InputError for ${JSON.stringify(given)}`)
}

describe('input names', () => {
  it('include every input of the contract in issue 2', () => {
    expect(Object.values(INPUT)).toEqual(
      expect.arrayContaining([
        'api-key',
        'api-url',
        'fail-on-error',
        'max-poll-interval',
        'poll-interval',
        'progress-id',
        'summary',
        'timeout'
      ])
    )
  })
})

describe('parseInputs defaults', () => {
  it('fills every optional input with the documented default', () => {
    expect(parse({})).toMatchObject({
      apiKey: KEY,
      job: { mode: 'poll', progressId: 'p-1' },
      timeoutMs: 600_000,
      pollIntervalMs: 1_250,
      maxPollIntervalMs: 25_000,
      apiUrl: 'https://api.cekura.ai',
      failOnError: true,
      summary: true
    })
  })

  it('treats whitespace-only inputs as not given', () => {
    const settings = parse({ [INPUT.timeout]: '  ', [INPUT.apiUrl]: '\t', [INPUT.summary]: ' ' })
    expect(settings.timeoutMs).toBe(600_000)
    expect(settings.apiUrl).toBe('https://api.cekura.ai')
    expect(settings.summary).toBe(true)
  })

  it('asks for every input by its declared name', () => {
    const asked: string[] = []
    parseInputs(name => {
      asked.push(name)
      return name === INPUT.apiKey ? KEY : name === INPUT.progressId ? 'p' : ''
    }, CONTEXT)
    for (const name of Object.values(INPUT)) expect(asked).toContain(name)
  })
})

describe('api-key', () => {
  it('is required, with a hint about secrets and forks', () => {
    const error = failure({ [INPUT.progressId]: 'p-1' }, false)
    expect(error.message).toContain("'api-key'")
    expect(error.message).toMatch(/secret/)
    expect(error.message).toMatch(/fork/i)
  })

  it('rejects a key that is only whitespace', () => {
    expect(failure({ [INPUT.apiKey]: '   ' }).message).toContain("'api-key'")
  })

  it('is trimmed', () => {
    expect(parse({ [INPUT.apiKey]: `  ${KEY}\n` }).apiKey).toBe(KEY)
  })

  it('rejects a key with a line break inside, without echoing it', () => {
    const error = failure({ [INPUT.apiKey]: 'abc-secret\ndef-secret' })
    expect(error.message).toContain("'api-key'")
    expect(error.message).not.toContain('abc-secret')
    expect(error.message).not.toContain('def-secret')
  })

  it('never appears in any input error message', () => {
    const cases: Record<string, string>[] = [
      { [INPUT.timeout]: 'nope' },
      { [INPUT.timeout]: '7h' },
      { [INPUT.pollInterval]: '10ms' },
      { [INPUT.apiUrl]: 'http://example.com' },
      { [INPUT.failOnError]: 'yes' },
      { [INPUT.progressId]: '' }
    ]
    for (const given of cases) expect(failure(given).message).not.toContain(KEY)
  })
})

describe('progress-id', () => {
  it('is required when nothing else says what to do', () => {
    expect(failure({ [INPUT.progressId]: '' }).message).toContain("'progress-id'")
    expect(failure({ [INPUT.progressId]: '  ' }).message).toContain("'progress-id'")
  })

  it('is trimmed and otherwise kept as given (the client URL-encodes it)', () => {
    expect(progressIdOf(parse({ [INPUT.progressId]: ' a b/c?d&e=f ' }))).toBe('a b/c?d&e=f')
  })

  it('rejects line breaks and overly long ids', () => {
    expect(failure({ [INPUT.progressId]: 'a\nb' }).message).toContain("'progress-id'")
    expect(failure({ [INPUT.progressId]: 'a\rb' }).message).toContain("'progress-id'")
    expect(failure({ [INPUT.progressId]: 'x'.repeat(201) }).message).toContain("'progress-id'")
    expect(progressIdOf(parse({ [INPUT.progressId]: 'x'.repeat(200) }))).toHaveLength(200)
  })
})

describe('project-id and the tenant scope', () => {
  it('is optional and not set by default', () => {
    expect(parse({}).projectId).toBeUndefined()
  })

  it('reads a whole number, in every mode', () => {
    expect(parse({ [INPUT.projectId]: ' 42 ' }).projectId).toBe(42)
    const generate = parseInputs(
      reader({ [INPUT.apiKey]: KEY, [INPUT.agentId]: '7', [INPUT.extraInstructions]: 'x', [INPUT.projectId]: '3' }),
      CONTEXT
    )
    expect(generate.projectId).toBe(3)
  })

  it.each(['0', '-1', '4.5', 'abc', '1e3'])('refuses %j, naming the input and the form', value => {
    const message = failure({ [INPUT.projectId]: value }).message
    expect(message).toContain("'project-id'")
    expect(message).toContain('whole number')
  })

  it('takes agent-id in poll mode too: it names the tenant of the progress requests', () => {
    expect(parse({ [INPUT.agentId]: '1234' }).job).toEqual({ mode: 'poll', progressId: 'p-1', agentId: 1234 })
    expect(failure({ [INPUT.agentId]: 'x' }).message).toContain("'agent-id'")
  })
})

describe('timeout', () => {
  it.each([
    ['600', 600_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['6h', 21_600_000],
    ['1s', 1000],
    ['1m 30s', 90_000],
    ['5m', 300_000]
  ])('accepts %j', (text, ms) => {
    expect(parse({ [INPUT.timeout]: text }).timeoutMs).toBe(ms)
  })

  it.each(['0', '0s', '0.0001', '1ms', '999ms', '0.5', '6h1s', '7h', '21601'])('rejects %j as out of range', text => {
    const error = failure({ [INPUT.timeout]: text })
    expect(error.message).toContain("'timeout'")
    expect(error.message).toMatch(/at least 1s and at most 6h/)
    expect(error.message).toContain(text)
  })

  it.each(['ten minutes', '10 m', '-1', '1d', '1s1m'])('rejects %j naming the expected form', text => {
    const error = failure({ [INPUT.timeout]: text })
    expect(error.message).toContain("'timeout'")
    expect(error.message).toContain(text)
    expect(error.message).toMatch(/90s/)
  })
})

describe('poll-interval and max-poll-interval', () => {
  it('accept the same duration syntax', () => {
    const settings = parse({ [INPUT.pollInterval]: '500ms', [INPUT.maxPollInterval]: '1m' })
    expect(settings.pollIntervalMs).toBe(500)
    expect(settings.maxPollIntervalMs).toBe(60_000)
  })

  it('accept a poll interval of exactly 100ms and one equal to the maximum', () => {
    expect(parse({ [INPUT.pollInterval]: '100ms' }).pollIntervalMs).toBe(100)
    const equal = parse({ [INPUT.pollInterval]: '5s', [INPUT.maxPollInterval]: '5' })
    expect(equal.pollIntervalMs).toBe(5000)
    expect(equal.maxPollIntervalMs).toBe(5000)
  })

  it('reject a poll interval under 100ms', () => {
    for (const text of ['99ms', '0', '0.05']) {
      const error = failure({ [INPUT.pollInterval]: text })
      expect(error.message).toContain("'poll-interval'")
      expect(error.message).toMatch(/100ms/)
    }
  })

  it('reject a poll interval above the maximum, naming both', () => {
    const error = failure({ [INPUT.pollInterval]: '40s' })
    expect(error.message).toContain("'poll-interval'")
    expect(error.message).toContain("'max-poll-interval'")
    expect(error.message).toContain('40s')
    expect(error.message).toContain('25s')
  })

  it('reject a maximum above 6h', () => {
    expect(failure({ [INPUT.maxPollInterval]: '7h' }).message).toContain("'max-poll-interval'")
  })

  it('reject malformed values, naming the input', () => {
    expect(failure({ [INPUT.pollInterval]: 'fast' }).message).toContain("'poll-interval'")
    expect(failure({ [INPUT.maxPollInterval]: 'slow' }).message).toContain("'max-poll-interval'")
  })
})

describe('api-url', () => {
  it.each([
    ['https://api.cekura.ai', 'https://api.cekura.ai'],
    ['https://api.cekura.ai/', 'https://api.cekura.ai'],
    ['https://proxy.example.com/cekura', 'https://proxy.example.com/cekura'],
    ['https://proxy.example.com/cekura/', 'https://proxy.example.com/cekura'],
    ['https://proxy.example.com:8443/a/b//', 'https://proxy.example.com:8443/a/b'],
    ['HTTPS://API.CEKURA.AI/', 'https://api.cekura.ai'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://localhost:3000/prefix/', 'http://localhost:3000/prefix'],
    ['http://[::1]:9000/', 'http://[::1]:9000']
  ])('accepts %j as %j', (text, base) => {
    expect(parse({ [INPUT.apiUrl]: text }).apiUrl).toBe(base)
  })

  it.each([
    'http://api.cekura.ai',
    'http://example.com',
    'http://127.0.0.1.nip.io',
    'http://localhost.example.com',
    'http://10.0.0.1',
    'ftp://api.cekura.ai',
    'file:///etc/passwd'
  ])('rejects %j: https only, http for loopback', text => {
    const error = failure({ [INPUT.apiUrl]: text })
    expect(error.message).toContain("'api-url'")
    expect(error.message).toMatch(/https/)
  })

  it.each(['api.cekura.ai', 'not a url', '/relative/path'])('rejects %j as not absolute', text => {
    expect(failure({ [INPUT.apiUrl]: text }).message).toContain("'api-url'")
  })

  it('rejects credentials, queries and fragments without echoing the password', () => {
    const error = failure({ [INPUT.apiUrl]: 'https://user:hunter2pw@api.cekura.ai/' })
    expect(error.message).toContain("'api-url'")
    expect(error.message).not.toContain('hunter2pw')
    expect(failure({ [INPUT.apiUrl]: 'https://api.cekura.ai/?x=1' }).message).toContain("'api-url'")
    expect(failure({ [INPUT.apiUrl]: 'https://api.cekura.ai/#frag' }).message).toContain("'api-url'")
  })
})

describe('fail-on-error and summary', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('read %j as %s', (text, value) => {
    const settings = parse({ [INPUT.failOnError]: text, [INPUT.summary]: text })
    expect(settings.failOnError).toBe(value)
    expect(settings.summary).toBe(value)
  })

  it.each(['yes', 'no', '1', '0', 'tRuE', 'on'])('reject %j naming the input', text => {
    expect(failure({ [INPUT.failOnError]: text }).message).toContain("'fail-on-error'")
    expect(failure({ [INPUT.summary]: text }).message).toContain("'summary'")
  })
})

describe('InputError', () => {
  it('is an Error with its own name', () => {
    const error = new InputError('x')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('InputError')
  })
})

describe('comment-mode, pr-number and matrix', () => {
  it('default to update, no pull request and no matrix', () => {
    const settings = parse({})
    expect(settings.commentMode).toBe('update')
    expect(settings.prNumber).toBeUndefined()
    expect(settings.matrix).toBe('')
  })

  it.each(['update', 'recreate', 'hide-and-recreate', 'delete'])('accept comment-mode %s, in any case', mode => {
    expect(parse({ [INPUT.commentMode]: mode }).commentMode).toBe(mode)
    expect(parse({ [INPUT.commentMode]: ` ${mode.toUpperCase()} ` }).commentMode).toBe(mode)
  })

  it('refuse another comment-mode, naming the choices', () => {
    expect(failure({ [INPUT.commentMode]: 'hide' }).message).toBe(
      "Input 'comment-mode' must be one of update, recreate, hide-and-recreate, delete, got 'hide'."
    )
  })

  it('take a pull request number, with or without #', () => {
    expect(parse({ [INPUT.prNumber]: '42' }).prNumber).toBe(42)
    expect(parse({ [INPUT.prNumber]: '#42' }).prNumber).toBe(42)
    expect(parse({ [INPUT.prNumber]: '1' }).prNumber).toBe(1)
  })

  it.each(['0', '-1', '4.2', 'seven', '#', '1e3', '99999999999999999999'])('refuse pr-number %s', text => {
    expect(failure({ [INPUT.prNumber]: text }).message).toBe(
      `Input 'pr-number' must be a pull request number (a whole number such as 42), got '${text}'.`
    )
  })

  it('keep the matrix as the runner gave it', () => {
    expect(parse({ [INPUT.matrix]: '{\n  "os": "linux"\n}' }).matrix).toBe('{\n  "os": "linux"\n}')
  })
})
