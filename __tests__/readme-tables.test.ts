// The README's inputs and outputs tables are generated from action.yml (scripts/readme-tables.mjs):
// this fails when someone edits one without the other.
import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const script = join(root, 'scripts', 'readme-tables.mjs')

async function check(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, '--check', ...args], { cwd: root })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
    return { code, output: stdout + stderr }
  }
}

describe('README tables', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'readme-tables-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('match action.yml', async () => {
    const result = await check([])
    expect(result.output).toContain('match action.yml')
    expect(result.code).toBe(0)
  })

  test('list every input and output action.yml declares, with its default', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    expect(readme).toMatch(/^\| `timeout` \| `10m` \| /m)
    expect(readme).toMatch(/^\| `api-key` \| \(required\) \| /m)
    expect(readme).toMatch(/^\| `comment-url` \| /m)
  })

  test('a changed description in action.yml makes the check fail, and the script mends it', async () => {
    const readme = join(dir, 'README.md')
    const action = join(dir, 'action.yml')
    copyFileSync(join(root, 'README.md'), readme)
    writeFileSync(
      action,
      readFileSync(join(root, 'action.yml'), 'utf8').replace('The token used to write the pull-request comment.', 'A new | description.')
    )
    const stale = await check(['--readme', readme, '--action', action])
    expect(stale.code).toBe(1)
    expect(stale.output).toMatch(/differs from action.yml/)
    await promisify(execFile)(process.execPath, [script, '--readme', readme, '--action', action])
    expect(readFileSync(readme, 'utf8')).toContain('| `github-token` | `${{ github.token }}` | A new \\| description. |')
    expect((await check(['--readme', readme, '--action', action])).code).toBe(0)
  })
})
