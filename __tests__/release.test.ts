// scripts/release.mjs, which .github/workflows/release.yml runs: the tag and version checks, the release
// notes taken from CHANGELOG.md, and the major tag (v1) that follows the highest v1.x.y. The git parts
// run the script as the workflow does, in a scratch repository with a bare "origin" to push to.

import { spawnSync, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { devNull, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { changelogSection, checkPackageVersion, compareReleases, parseReleaseTag } from '../scripts/release.mjs'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const script = join(repoRoot, 'scripts', 'release.mjs')

describe('release tags', () => {
  test.each([
    ['v1.2.3', { version: '1.2.3', major: 1, minor: 2, patch: 3, majorTag: 'v1' }],
    ['v0.1.0', { version: '0.1.0', major: 0, minor: 1, patch: 0, majorTag: 'v0' }],
    ['v10.20.30', { version: '10.20.30', major: 10, minor: 20, patch: 30, majorTag: 'v10' }]
  ])('%s is a release tag', (tag, expected) => {
    expect(parseReleaseTag(tag)).toEqual({ tag, ...expected })
  })

  test.each(['1.2.3', 'v1', 'v1.2', 'v1.2.3.4', 'v1.2.3-rc.1', 'v1.2.3+build.5', 'v01.2.3', 'v1.02.3', 'V1.2.3', ' v1.2.3', ''])(
    '%j is refused, saying what a release tag looks like',
    tag => {
      expect(() => parseReleaseTag(tag)).toThrow(
        `'${tag}' is not a release tag: expected v<major>.<minor>.<patch> with plain numbers, such as v1.2.3`
      )
    }
  )

  test('releases compare by number, not as text', () => {
    const sorted = ['v1.10.0', 'v1.2.10', 'v2.0.0', 'v1.2.9', 'v0.9.99']
      .map(parseReleaseTag)
      .sort(compareReleases)
      .map(r => r.tag)
    expect(sorted).toEqual(['v0.9.99', 'v1.2.9', 'v1.2.10', 'v1.10.0', 'v2.0.0'])
  })

  test("a tag must name package.json's version", () => {
    expect(() => checkPackageVersion('v1.2.3', '1.2.3')).not.toThrow()
    expect(() => checkPackageVersion('v1.2.4', '1.2.3')).toThrow(
      `tag v1.2.4 does not match package.json's version "1.2.3": set "version": "1.2.4" in package.json (and src/version.ts), or tag v1.2.3`
    )
    expect(() => checkPackageVersion('v1.2', '1.2.0')).toThrow('is not a release tag')
  })
})

describe('release notes from CHANGELOG.md', () => {
  const changelog = [
    '# Changelog',
    '',
    'Intro text.',
    '',
    '## [Unreleased]',
    '',
    '- Something not released yet.',
    '',
    '## [11.2.3] - 2027-01-01',
    '',
    'A look-alike version.',
    '',
    '## [1.2.3] - 2026-05-01',
    '',
    '### Fixed',
    '',
    '- A bug.',
    '',
    '```markdown',
    '## [1.2.2]',
    '# not a heading either',
    '```',
    '',
    '#### A deeper heading stays in the section',
    '',
    '## 1.2.2',
    '',
    '### Added',
    '- The first thing.',
    '',
    '## [1.2.1]',
    '',
    '## [1.2.0]',
    '',
    '- Last section.',
    '',
    '[Unreleased]: https://example.com/compare/v1.2.3...HEAD',
    '[1.2.0]: https://example.com/releases/tag/v1.2.0',
    ''
  ].join('\n')

  test("returns exactly the version's section, without its heading", () => {
    expect(changelogSection(changelog, '1.2.3')).toBe(
      [
        '### Fixed',
        '',
        '- A bug.',
        '',
        '```markdown',
        '## [1.2.2]',
        '# not a heading either',
        '```',
        '',
        '#### A deeper heading stays in the section',
        ''
      ].join('\n')
    )
    expect(changelogSection(changelog, '1.2.2')).toBe('### Added\n- The first thing.\n')
    expect(changelogSection(changelog, '11.2.3')).toBe('A look-alike version.\n')
  })

  test('the last section ends before the link definitions', () => {
    expect(changelogSection(changelog, '1.2.0')).toBe('- Last section.\n')
  })

  test('reads Windows line ends', () => {
    expect(changelogSection(changelog.replace(/\n/g, '\r\n'), '1.2.2')).toBe('### Added\n- The first thing.\n')
  })

  test('fails clearly when the version has no section', () => {
    expect(() => changelogSection(changelog, '1.2.4')).toThrow(
      'CHANGELOG.md has no section for 1.2.4: add a "## [1.2.4] - YYYY-MM-DD" heading with the release notes under it'
    )
    // Neither a prefix nor a heading inside a code fence counts.
    expect(() => changelogSection(changelog, '1.2')).toThrow('has no section for 1.2:')
    expect(() => changelogSection('# Changelog\n\n```\n## [3.0.0]\nnotes\n```\n', '3.0.0')).toThrow('has no section for 3.0.0')
  })

  test('fails clearly when the section is empty or repeated', () => {
    expect(() => changelogSection(changelog, '1.2.1')).toThrow(
      "CHANGELOG.md's section for 1.2.1 is empty: write the release notes under its heading"
    )
    expect(() => changelogSection('## [1.0.0]\n- a\n## [1.0.0]\n- b\n', '1.0.0')).toThrow('CHANGELOG.md has 2 sections for 1.0.0; keep one')
  })

  test("this repository's CHANGELOG.md has notes for package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    const notes = changelogSection(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8'), version)
    expect(notes.trim()).not.toBe('')
  })
})

describe('scripts/release.mjs in a scratch repository', () => {
  let scratch: string
  let work: string
  let origin: string
  // Nothing from the machine's or the user's git configuration (signing, hooks, default branch) applies.
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
    GIT_CONFIG_GLOBAL: devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release-test@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release-test@example.com'
  }
  delete env['GITHUB_OUTPUT']

  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

  const release = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } => {
    const run = spawnSync(process.execPath, [script, ...args], {
      cwd: work,
      env: { ...env, ...extraEnv },
      encoding: 'utf8'
    })
    return { status: run.status, stdout: run.stdout, stderr: run.stderr }
  }

  const changelogFor = (...versions: string[]): string =>
    ['# Changelog', '', '## [Unreleased]', '', ...versions.flatMap(v => [`## [${v}]`, '', `- Notes of ${v}.`, '']), ''].join('\n')

  /** Commits package.json at `version` and a changelog with sections for `versions`; returns the commit. */
  const commitVersion = (version: string, versions: string[]): string => {
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'scratch', version }, null, 2) + '\n')
    writeFileSync(join(work, 'CHANGELOG.md'), changelogFor(...versions))
    git(work, 'add', '.')
    git(work, 'commit', '--quiet', '-m', `Release ${version}`)
    return git(work, 'rev-parse', 'HEAD')
  }

  const tagAt = (cwd: string, tag: string): string => git(cwd, 'rev-parse', `refs/tags/${tag}^{commit}`)

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'release-test-'))
    work = join(scratch, 'work')
    origin = join(scratch, 'origin.git')
    mkdirSync(work)
    git(scratch, 'init', '--quiet', '--bare', origin)
    git(work, 'init', '--quiet', '--initial-branch=main')
    git(work, 'remote', 'add', 'origin', origin)
  })

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  })

  // The cases build on each other, in order: one repository, one release after another.

  test('v1.2.3 (an annotated tag): check passes, writes the notes and outputs; v1 is created at its commit', () => {
    const commit = commitVersion('1.2.3', ['1.2.3'])
    git(work, 'tag', '--annotate', '-m', 'v1.2.3', 'v1.2.3')
    const outputFile = join(scratch, 'github-output')
    writeFileSync(outputFile, '')

    const check = release(['check', 'v1.2.3', '--notes-file', '../notes.md'], { GITHUB_OUTPUT: outputFile })
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(readFileSync(join(scratch, 'notes.md'), 'utf8')).toBe('- Notes of 1.2.3.\n')
    expect(readFileSync(outputFile, 'utf8')).toBe('version=1.2.3\nmajor-tag=v1\nlatest=true\n')

    const move = release(['move-major-tag', 'v1.2.3', '--push', 'origin'])
    expect(move.stderr).toBe('')
    expect(move.status).toBe(0)
    expect(move.stdout).toBe(`v1 created at ${commit.slice(0, 12)} (v1.2.3), pushed to origin\n`)
    expect(tagAt(work, 'v1')).toBe(commit)
    expect(tagAt(origin, 'v1')).toBe(commit)
  })

  test('v1.2.4 (a lightweight tag) moves v1 to its commit, here and on origin', () => {
    const before = tagAt(work, 'v1')
    const commit = commitVersion('1.2.4', ['1.2.4', '1.2.3'])
    git(work, 'tag', 'v1.2.4')
    expect(release(['check', 'v1.2.4']).status).toBe(0)

    const move = release(['move-major-tag', 'v1.2.4', '--push', 'origin'])
    expect(move.status).toBe(0)
    expect(move.stdout).toBe(`v1 moved from ${before.slice(0, 12)} to ${commit.slice(0, 12)} (v1.2.4), pushed to origin\n`)
    expect(tagAt(work, 'v1')).toBe(commit)
    expect(tagAt(origin, 'v1')).toBe(commit)
    // Running it again (a re-run of the workflow) changes nothing.
    expect(release(['move-major-tag', 'v1.2.4', '--push', 'origin']).stdout).toMatch(/^v1 already at /)
    expect(tagAt(origin, 'v1')).toBe(commit)
  })

  test('a fix for an older minor (v1.1.9 after v1.2.4) is released but neither "Latest" nor v1', () => {
    const v1 = tagAt(work, 'v1')
    git(work, 'checkout', '--quiet', '-b', 'release-1.1', 'v1.2.3')
    commitVersion('1.1.9', ['1.1.9'])
    git(work, 'tag', 'v1.1.9')
    const outputFile = join(scratch, 'github-output-1.1.9')
    writeFileSync(outputFile, '')

    const check = release(['check', 'v1.1.9'], { GITHUB_OUTPUT: outputFile })
    expect(check.status).toBe(0)
    expect(readFileSync(outputFile, 'utf8')).toBe('version=1.1.9\nmajor-tag=v1\nlatest=false\n')

    const move = release(['move-major-tag', 'v1.1.9', '--push', 'origin'])
    expect(move.status).toBe(0)
    expect(move.stdout).toBe('v1 stays where it is: v1.2.4 is a higher release than v1.1.9\n')
    expect(tagAt(work, 'v1')).toBe(v1)
    expect(tagAt(origin, 'v1')).toBe(v1)
    git(work, 'checkout', '--quiet', 'main')
  })

  test('a tag that is not a release tag is refused, and no tag moves', () => {
    const v1 = tagAt(work, 'v1')
    git(work, 'tag', 'v1.3')
    git(work, 'tag', 'v1.3.0-rc.1')
    for (const tag of ['v1.3', 'v1.3.0-rc.1']) {
      for (const command of ['check', 'move-major-tag']) {
        const run = release([command, tag])
        expect(run.status).toBe(1)
        expect(run.stderr).toBe(
          `release: '${tag}' is not a release tag: expected v<major>.<minor>.<patch> with plain numbers, such as v1.2.3\n`
        )
      }
    }
    expect(tagAt(work, 'v1')).toBe(v1)
  })

  test("a tag that is not package.json's version is refused", () => {
    git(work, 'tag', 'v1.2.5') // on the 1.2.4 commit
    const run = release(['check', 'v1.2.5'])
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      `release: tag v1.2.5 does not match package.json's version "1.2.4": set "version": "1.2.5" in package.json (and src/version.ts), or tag v1.2.4\n`
    )
  })

  test('a version without a CHANGELOG.md section is refused', () => {
    commitVersion('1.3.0', ['1.2.4'])
    git(work, 'tag', 'v1.3.0')
    const run = release(['check', 'v1.3.0'])
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      'release: CHANGELOG.md has no section for 1.3.0: add a "## [1.3.0] - YYYY-MM-DD" heading with the release notes under it\n'
    )
  })

  test('a tag that does not exist is refused', () => {
    commitVersion('1.4.0', ['1.4.0'])
    for (const command of ['check', 'move-major-tag']) {
      const run = release([command, 'v1.4.0'])
      expect(run.status).toBe(1)
      expect(run.stderr).toBe('release: tag v1.4.0 does not exist in this repository (fetch the tags first)\n')
    }
  })

  test('v2.0.0 creates v2 and leaves v1 alone', () => {
    const v1 = tagAt(work, 'v1')
    const commit = commitVersion('2.0.0', ['2.0.0'])
    git(work, 'tag', 'v2.0.0')
    expect(release(['move-major-tag', 'v2.0.0', '--push', 'origin']).status).toBe(0)
    expect(tagAt(origin, 'v2')).toBe(commit)
    expect(tagAt(origin, 'v1')).toBe(v1)
  })

  test('bad command lines are refused with the usage', () => {
    for (const args of [
      [],
      ['check'],
      ['publish', 'v1.2.3'],
      ['check', 'v1.2.3', '--push', 'origin'],
      ['check', 'v1.2.3', '--notes-file']
    ]) {
      const run = release(args)
      expect(run.status).toBe(1)
      expect(run.stderr).toContain('usage: node scripts/release.mjs check <tag>')
    }
    const help = release(['--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('move-major-tag <tag> [--push <remote>]')
  })
})

describe('.github/workflows/release.yml', () => {
  interface Step {
    name?: string
    uses?: string
    run?: string
    with?: Record<string, unknown>
  }
  const workflow = parseYaml(readFileSync(join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8')) as {
    on: Record<string, unknown>
    permissions: unknown
    jobs: Record<string, { steps: Step[] }>
  }
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps)
  const indexOf = (what: string, found: (step: Step) => boolean): number => {
    const index = steps.findIndex(found)
    if (index < 0) throw new Error(`release.yml has no step that ${what}`)
    return index
  }

  test('runs on version tags only, and may write contents and nothing else', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
    expect(workflow.permissions).toEqual({ contents: 'write' })
  })

  test('checks the tag and dist/ before it publishes, and moves the major tag last', () => {
    const checkout = indexOf('checks out', s => s.uses?.startsWith('actions/checkout@') === true)
    const check = indexOf('runs the check', s => /node scripts\/release\.mjs check "\$GITHUB_REF_NAME"/.test(s.run ?? ''))
    const install = indexOf('runs npm ci', s => /^npm ci\b/m.test(s.run ?? ''))
    const build = indexOf('rebuilds dist/', s => /rm -rf dist\s+npm run build/.test(s.run ?? ''))
    const compare = indexOf('compares dist/', s => /git status --porcelain .*-- dist\//.test(s.run ?? ''))
    const publish = indexOf('publishes', s => /gh release create "\$GITHUB_REF_NAME"/.test(s.run ?? ''))
    const move = indexOf('moves the major tag', s =>
      /node scripts\/release\.mjs move-major-tag "\$GITHUB_REF_NAME" --push origin/.test(s.run ?? '')
    )
    expect([checkout, check, install, build, compare, publish, move]).toEqual(
      [checkout, check, install, build, compare, publish, move].sort((a, b) => a - b)
    )
    expect(move).toBe(steps.length - 1)
    // Every tag is needed to tell whether a higher release exists.
    expect(steps[checkout]?.with?.['fetch-depth']).toBe(0)
    // The notes the check writes are the ones published.
    expect(steps[check]?.run).toContain('--notes-file "$RUNNER_TEMP/release-notes.md"')
    expect(steps[publish]?.run).toContain('notes="$RUNNER_TEMP/release-notes.md"')
    expect(steps[publish]?.run).toContain('--notes-file "$notes"')
  })
})
