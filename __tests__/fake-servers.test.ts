// The command lines of the fake servers (docs/fake-servers.md): --help lists exactly the options the
// parser knows, and every listed option is accepted and takes effect.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A value to pass for each option that takes one; an option missing here fails the test that needs it. */
const sampleValues: Record<string, string> = {
  '--port': '0',
  '--host': '127.0.0.1',
  '--api-key': 'cli-test-key',
  '--start-job': 'complete-after-1',
  '--token': 'cli-test-token',
  '--server-url': 'https://github.example.test',
  '--forbid': 'writes'
}

interface Cli {
  file: string
  /** what a run with every option listed in --help should answer, given its URL */
  probe: (url: string) => Promise<void>
}

const clis: Cli[] = [
  {
    file: '__tests__/support/fake-cekura.mjs',
    async probe(url) {
      const progress = `${url}/test_framework/v1/scenarios/instructions-progress/?progress_id=demo-fail&agent_id=1234`
      const ok = await fetch(progress, { headers: { 'X-CEKURA-API-KEY': 'cli-test-key' } })
      expect(ok.status).toBe(200)
      const refused = await fetch(progress, { headers: { 'X-CEKURA-API-KEY': 'test-key-123' } })
      expect(refused.status).toBe(401)
      // --start-job complete-after-1: a started job is that job, where the default takes about 3 s.
      const started = await fetch(`${url}/test_framework/v1/scenarios/generate-instructions/`, {
        method: 'POST',
        headers: { 'X-CEKURA-API-KEY': 'cli-test-key', 'Content-Type': 'application/json' },
        body: JSON.stringify({ agent: 1234, extra_instructions: 'A caller in a hurry.' })
      })
      expect(started.status).toBe(200)
      const { progress_id } = (await started.json()) as { progress_id: string }
      const job = await fetch(`${url}/test_framework/v1/scenarios/instructions-progress/?progress_id=${progress_id}&agent_id=1234`, {
        headers: { 'X-CEKURA-API-KEY': 'cli-test-key' }
      })
      expect(((await job.json()) as { status: string }).status).toBe('completed')
    }
  },
  {
    file: '__tests__/support/fake-github.mjs',
    async probe(url) {
      const comments = `${url}/repos/octo/repo/issues/7/comments`
      const auth = { Authorization: 'token cli-test-token' }
      expect((await fetch(comments, { headers: auth })).status).toBe(200)
      expect((await fetch(comments, { headers: { Authorization: 'token wrong' } })).status).toBe(401)
      // --forbid writes
      const post = await fetch(comments, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: 'hello' })
      })
      expect(post.status).toBe(403)
    }
  }
]

/**
 * The options the parser knows: the keys of the option tables in the fake's parseArgs, and what the
 * shared parser (fake-cli.mjs) compares every argument with.
 */
function parsedOptions(file: string): string[] {
  const source = readFileSync(join(repoRoot, file), 'utf8')
  const cli = source.slice(source.indexOf('function parseArgs'), source.indexOf('await runFakeCli'))
  const tabled = [...cli.matchAll(/'(--[\w-]+)': '\w+'/g)].map(m => m[1] ?? '')
  const shared = readFileSync(join(repoRoot, '__tests__', 'support', 'fake-cli.mjs'), 'utf8')
  const compared = [...shared.matchAll(/\barg === '(-{1,2}[\w-]+)'/g)].map(m => m[1] ?? '')
  return [...new Set([...tabled, ...compared])].sort()
}

/** The options --help lists, each with whether it takes a value. */
function listedOptions(help: string): { flag: string; takesValue: boolean }[] {
  const listed: { flag: string; takesValue: boolean }[] = []
  for (const line of help.split('\n')) {
    const m = /^ {2}(?:(-\w), )?(--[\w-]+)( <[^>]+>)?\s/.exec(line)
    if (!m) continue
    if (m[1]) listed.push({ flag: m[1], takesValue: false })
    listed.push({ flag: m[2] ?? '', takesValue: m[3] !== undefined })
  }
  return listed
}

function runHelp(file: string, flag: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [file, flag], { cwd: repoRoot, encoding: 'utf8', timeout: 10_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

const running: ChildProcessWithoutNullStreams[] = []

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Starts the CLI and resolves with its URL once it says it is listening. */
function start(file: string, args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [file, ...args], { cwd: repoRoot })
  running.push(child)
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const url = / listening on (http:\/\/\S+)/.exec(stdout)?.[1]
      if (url) resolve({ child, url, stderr: () => stderr })
    })
    child.on('exit', code => reject(new Error(`${file} exited (${code}) before listening: ${stdout}${stderr}`)))
  })
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise(resolve => child.once('exit', resolve))
}

describe.each(clis)('$file', ({ file, probe }) => {
  test.each(['--help', '-h'])('%s prints the options and exits 0 without starting a server', flag => {
    const run = runHelp(file, flag)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^usage: node ${file.replace(/[.]/g, '\\.')} \\[options\\]\\n`))
    expect(run.stdout).not.toContain('listening')
  })

  test('--help lists every option the command line parses, and no other', () => {
    const listed = listedOptions(runHelp(file, '--help').stdout).map(o => o.flag)
    expect(parsedOptions(file).length).toBeGreaterThan(2)
    expect([...listed].sort()).toEqual(parsedOptions(file))
  })

  test('docs/fake-servers.md documents every option --help lists', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'fake-servers.md'), 'utf8')
    const section = docs.slice(docs.indexOf(`\`${file.split('/').pop() ?? ''}\``))
    const table = section.slice(0, section.indexOf('### Endpoints'))
    const undocumented = listedOptions(runHelp(file, '--help').stdout)
      .map(o => o.flag)
      .filter(flag => !table.includes(`\`${flag}`))
    expect(undocumented).toEqual([])
  })

  test('every option --help lists is accepted and takes effect', async () => {
    const args = listedOptions(runHelp(file, '--help').stdout)
      .filter(o => o.flag !== '--help' && o.flag !== '-h')
      .flatMap(({ flag, takesValue }) => {
        if (!takesValue) return [flag]
        const value = sampleValues[flag]
        if (value === undefined) throw new Error(`no sample value for ${flag}: add one to sampleValues`)
        return [flag, value]
      })
    const { child, url, stderr } = await start(file, args)
    await probe(url)
    if (args.includes('--verbose')) {
      expect(stderr()).toMatch(/GET \/test_framework\/v1\/scenarios\/instructions-progress\/\?progress_id=demo-fail&agent_id=1234 -> 200/)
    }
    child.kill('SIGTERM')
    expect(await exitCode(child)).toBe(0)
  })

  test('an unknown option fails with exit code 2 and points to --help', () => {
    const run = runHelp(file, '--no-such-option')
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('unknown argument --no-such-option')
    expect(run.stderr).toContain('--help lists the options')
  })
})
