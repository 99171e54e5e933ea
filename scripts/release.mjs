// The checks and tag moves of a release, for .github/workflows/release.yml and for trying by hand:
//
//   node scripts/release.mjs check <tag> [--notes-file <file>]
//     Refuses a tag that is not v<major>.<minor>.<patch> or that is not package.json's version, and
//     CHANGELOG.md without a section for that version. Writes the section (the release notes) to the
//     file. Prints, and appends to $GITHUB_OUTPUT when set: version, major-tag, and latest (true when
//     no release tag in the repository is higher, so GitHub should mark the release "Latest").
//   node scripts/release.mjs move-major-tag <tag> [--push <remote>]
//     Points the major tag (v1 for v1.2.3) at the tag's commit, unless a higher v1.x.y exists: a fix
//     released for an older minor must not take v1 back. With --push, force-pushes the major tag.
//   node scripts/release.mjs notes <version>
//     Prints that version's CHANGELOG.md section.
//
// Files are read from the current directory, and git runs there. Only Node's built-in modules are used,
// so no `npm ci` is needed first. Exits 1 with a one-line reason ("release: ...") when a check fails.

import { execFileSync } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const usage = [
  'usage: node scripts/release.mjs check <tag> [--notes-file <file>]',
  '       node scripts/release.mjs move-major-tag <tag> [--push <remote>]',
  '       node scripts/release.mjs notes <version>'
].join('\n')

export class ReleaseError extends Error {
  name = 'ReleaseError'
}

// Semantic Versioning's core version: no leading zeros, no pre-release or build suffix. Pre-releases are
// not published by the release workflow, so a tag like v1.2.3-rc.1 is refused rather than half-handled.
const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

/** `v1.2.3` as numbers and names; throws ReleaseError for anything else. */
export function parseReleaseTag(tag) {
  const match = RELEASE_TAG.exec(tag)
  if (!match) {
    throw new ReleaseError(`'${tag}' is not a release tag: expected v<major>.<minor>.<patch> with plain numbers, such as v1.2.3`)
  }
  const [major, minor, patch] = match.slice(1).map(Number)
  return { tag, version: tag.slice(1), major, minor, patch, majorTag: `v${major}` }
}

/** Negative, zero or positive, as a is lower than, equal to or higher than b (both parsed tags). */
export function compareReleases(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

/** Throws unless the tag names package.json's version. */
export function checkPackageVersion(tag, packageVersion) {
  const { version } = parseReleaseTag(tag)
  if (packageVersion !== version) {
    throw new ReleaseError(
      `tag ${tag} does not match package.json's version ${JSON.stringify(packageVersion)}: ` +
        `set "version": "${version}" in package.json (and src/version.ts), or tag v${packageVersion}`
    )
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]|$)/
// "## [1.2.3]", "## [1.2.3] - 2026-05-01", "## 1.2.3", "## v1.2.3 (2026-05-01)"
const VERSION_HEADING = /^ {0,3}##[ \t]+\[?v?([^\]\s]+?)\]?(?:[ \t]+.*)?[ \t]*$/
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*\S/

/**
 * The notes under CHANGELOG.md's level-2 heading for `version`, up to the next level-1 or level-2
 * heading, without the heading itself, the blank lines around the notes, or the link definitions
 * ("[1.2.3]: https://...") that Keep a Changelog puts at the end of the file. Headings inside fenced
 * code do not count. Throws ReleaseError when there is no such section, more than one, or it is empty.
 */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/)
  const starts = []
  const ends = []
  let fence
  for (const [index, line] of lines.entries()) {
    const fenceMark = FENCE.exec(line)?.[1]
    if (fence !== undefined) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && line.trim() === fenceMark) {
        fence = undefined
      }
      continue
    }
    if (fenceMark) {
      fence = fenceMark
      continue
    }
    const level = HEADING.exec(line)?.[1].length
    if (level === undefined || level > 2) continue
    ends.push(index)
    if (level === 2 && VERSION_HEADING.exec(line)?.[1] === version) starts.push(index)
  }
  if (starts.length === 0) {
    throw new ReleaseError(
      `CHANGELOG.md has no section for ${version}: add a "## [${version}] - YYYY-MM-DD" heading with the release notes under it`
    )
  }
  if (starts.length > 1) {
    throw new ReleaseError(`CHANGELOG.md has ${starts.length} sections for ${version}; keep one`)
  }
  const start = starts[0]
  const end = ends.find(index => index > start) ?? lines.length
  const body = lines.slice(start + 1, end)
  while (body.length > 0 && (body.at(-1).trim() === '' || LINK_DEFINITION.test(body.at(-1)))) body.pop()
  while (body.length > 0 && body[0].trim() === '') body.shift()
  if (body.length === 0) {
    throw new ReleaseError(`CHANGELOG.md's section for ${version} is empty: write the release notes under its heading`)
  }
  return body.join('\n') + '\n'
}

function git(cwd, args) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  } catch (error) {
    const said = String(error.stderr ?? '').trim() || error.message
    throw new ReleaseError(`git ${args.join(' ')} failed: ${said}`)
  }
}

/** The commit a tag points at (through an annotated tag); throws when the tag does not exist. */
function tagCommit(cwd, tag) {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim()
  } catch {
    throw new ReleaseError(`tag ${tag} does not exist in this repository (fetch the tags first)`)
  }
}

/** Every release tag in the repository, parsed; other tags (v1, v1.2.3-rc.1, ...) are left out. */
export function releaseTags(cwd) {
  return git(cwd, ['tag', '--list', 'v*'])
    .split('\n')
    .filter(tag => RELEASE_TAG.test(tag))
    .map(parseReleaseTag)
}

/** The highest release tag in `tags` that is higher than `release`, or undefined. */
function higherThan(release, tags) {
  return tags
    .filter(other => compareReleases(other, release) > 0)
    .sort(compareReleases)
    .at(-1)
}

/**
 * Checks a tag before it is released and reads its notes, from the files and tags in `cwd`.
 * @returns {{ version: string, majorTag: string, latest: boolean, notes: string }}
 */
export function checkRelease(cwd, tag) {
  const release = parseReleaseTag(tag)
  const packageJson = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'))
  checkPackageVersion(tag, packageJson.version)
  const notes = changelogSection(readFileSync(join(cwd, 'CHANGELOG.md'), 'utf8'), release.version)
  tagCommit(cwd, tag)
  const latest = higherThan(release, releaseTags(cwd)) === undefined
  return { version: release.version, majorTag: release.majorTag, latest, notes }
}

/**
 * Points the major tag at the release tag's commit unless a higher release of the same major exists,
 * then, with `remote`, force-pushes it there (a moved tag is not a fast-forward).
 * @returns {{ moved: boolean, majorTag: string, commit: string, message: string }}
 */
export function moveMajorTag(cwd, tag, remote) {
  const release = parseReleaseTag(tag)
  const commit = tagCommit(cwd, tag)
  const sameMajor = releaseTags(cwd).filter(other => other.major === release.major)
  const higher = higherThan(release, sameMajor)
  if (higher !== undefined) {
    return {
      moved: false,
      majorTag: release.majorTag,
      commit,
      message: `${release.majorTag} stays where it is: ${higher.tag} is a higher release than ${tag}`
    }
  }
  const before =
    git(cwd, ['tag', '--list', release.majorTag]) === '' ? undefined : git(cwd, ['rev-parse', `refs/tags/${release.majorTag}^{commit}`])
  // A lightweight tag: it needs no tagger identity, and tag.gpgSign would turn it into a signed one.
  git(cwd, ['-c', 'tag.gpgSign=false', 'tag', '--force', release.majorTag, commit])
  if (remote !== undefined) {
    git(cwd, ['push', '--force', remote, `refs/tags/${release.majorTag}:refs/tags/${release.majorTag}`])
  }
  const where = before === commit ? 'already at' : before === undefined ? 'created at' : `moved from ${before.slice(0, 12)} to`
  return {
    moved: true,
    majorTag: release.majorTag,
    commit,
    message: `${release.majorTag} ${where} ${commit.slice(0, 12)} (${tag})${remote === undefined ? '' : `, pushed to ${remote}`}`
  }
}

function setOutputs(outputs) {
  const file = process.env.GITHUB_OUTPUT
  if (!file) return
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join('')
  )
}

function parseArgs(argv) {
  const [command, subject, ...rest] = argv
  const options = {}
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    const value = rest[i + 1]
    if (!['--notes-file', '--push'].includes(arg)) throw new ReleaseError(`unknown argument '${arg}'\n${usage}`)
    if (value === undefined || value.startsWith('--')) throw new ReleaseError(`${arg} needs a value\n${usage}`)
    options[arg.slice(2)] = value
    i++
  }
  if (subject === undefined || subject.startsWith('--')) throw new ReleaseError(usage)
  return { command, subject, options }
}

export function main(argv, cwd = process.cwd()) {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(usage)
    return
  }
  const { command, subject, options } = parseArgs(argv)
  if (command === 'check') {
    if (options.push !== undefined) throw new ReleaseError(`check takes no --push\n${usage}`)
    const { version, majorTag, latest, notes } = checkRelease(cwd, subject)
    if (options['notes-file'] !== undefined) writeFileSync(resolve(cwd, options['notes-file']), notes)
    console.log(`${subject} matches package.json; CHANGELOG.md's section for ${version} has ${notes.split('\n').length - 1} lines.`)
    console.log(`major tag ${majorTag}; ${latest ? 'the highest release so far, so "Latest"' : 'a higher release exists, so not "Latest"'}`)
    setOutputs({ version, 'major-tag': majorTag, latest: String(latest) })
  } else if (command === 'move-major-tag') {
    if (options['notes-file'] !== undefined) throw new ReleaseError(`move-major-tag takes no --notes-file\n${usage}`)
    console.log(moveMajorTag(cwd, subject, options.push).message)
  } else if (command === 'notes') {
    if (Object.keys(options).length > 0) throw new ReleaseError(`notes takes no options\n${usage}`)
    process.stdout.write(changelogSection(readFileSync(join(cwd, 'CHANGELOG.md'), 'utf8'), subject))
  } else {
    throw new ReleaseError(`unknown command '${command}'\n${usage}`)
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    console.error(`release: ${error.message}`)
    process.exitCode = 1
  }
}
