// Builds what the benchmark runs, into the git-ignored .bench/ folder:
// - the poll loop and the schedule, compiled from src/ with tsc (no bundling, so the simulation runs
//   exactly the code in src/), into .bench/sim/;
// - the toolkit-floor bundle, built from scripts/bench/toolkit-floor.js with ncc and the same flags as
//   the action's own bundle (scripts/build.mjs), into .bench/toolkit-floor/.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * @param {string} root  the repository
 * @returns {{ simDir: string, floorBundle: string, floorDir: string }}
 */
export function compile(root) {
  const benchDir = join(root, '.bench')
  mkdirSync(benchDir, { recursive: true })

  const simDir = join(benchDir, 'sim')
  rmSync(simDir, { recursive: true, force: true })
  // Extends the project's tsconfig so that the compiler settings are the project's own; only the
  // inputs (the poll loop and what it imports, no tests) and the output folder differ.
  const tsconfig = join(benchDir, 'tsconfig.sim.json')
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: '../tsconfig.json',
        compilerOptions: { outDir: 'sim', rootDir: '../src', types: ['node'], sourceMap: false, noEmit: false },
        files: ['../src/wait/poll.ts', '../src/wait/schedule.ts', '../src/base/duration.ts'],
        include: []
      },
      null,
      2
    )
  )
  run(root, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], 'tsc (src -> .bench/sim)')
  // The compiled files are ES modules; the package.json above .bench says so already, but be explicit.
  writeFileSync(join(simDir, 'package.json'), '{ "type": "module" }\n')

  const floorDir = join(benchDir, 'toolkit-floor')
  rmSync(floorDir, { recursive: true, force: true })
  const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  run(
    root,
    [ncc, 'build', 'scripts/bench/toolkit-floor.js', '-o', floorDir, '--source-map', '--license', 'licenses.txt', '--quiet'],
    'ncc (toolkit floor -> .bench/toolkit-floor)'
  )
  const floorBundle = join(floorDir, 'index.js')
  if (!existsSync(floorBundle)) throw new Error(`ncc wrote no ${floorBundle}`)
  return { simDir, floorBundle, floorDir }
}

/** @param {string} cwd @param {string[]} args @param {string} what */
function run(cwd, args, what) {
  try {
    execFileSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error)
    throw new Error(`${what} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}
