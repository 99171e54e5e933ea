// The layers of src/ (docs/architecture.md): a module imports only from its own layer or the ones below.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src')

/** Bottom first. A file's layer is its folder, or its own name at the top of src/. */
const LAYERS = ['base', 'inputs', 'cekura', 'wait', 'job', 'report', 'github', 'top']
const TOP_FILES = new Set(['index', 'main', 'publish'])

function layerOf(file: string): string {
  const path = relative(src, file).split('\\').join('/')
  if (path.includes('/')) return path.slice(0, path.indexOf('/'))
  const name = path.replace(/\.ts$/, '')
  return TOP_FILES.has(name) ? 'top' : name
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )
}

describe('layers', () => {
  const files = sources(src)

  test('every file of src/ is in a known layer', () => {
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) expect(LAYERS).toContain(layerOf(file))
  })

  test('no module imports from a layer above its own', () => {
    const upward: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
        const target = join(dirname(file), `${match[1]}.ts`)
        if (LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file))) {
          upward.push(`${relative(src, file)} imports ${relative(src, target)}`)
        }
      }
    }
    expect(upward).toEqual([])
  })
})
