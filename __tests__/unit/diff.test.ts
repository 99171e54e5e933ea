import { lineDiff, unifiedDiff } from '../../src/report/diff.js'
import { fencedBlock } from '../../src/report/markdown.js'

function apply(lines: NonNullable<ReturnType<typeof lineDiff>>): { before: string; after: string } {
  return {
    before: lines
      .filter(line => line.op !== '+')
      .map(line => line.text)
      .join('\n'),
    after: lines
      .filter(line => line.op !== '-')
      .map(line => line.text)
      .join('\n')
  }
}

function lcsLength(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0)
  for (const x of a) {
    const row = [0]
    b.forEach((y, j) => {
      row.push(x === y ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!))
    })
    previous = row
  }
  return previous[b.length]!
}

describe('lineDiff', () => {
  it('marks added, removed and kept lines so both texts can be rebuilt', () => {
    const before = 'Greet the agent.\nAsk for an appointment.\nSay goodbye.'
    const after = 'Greet the agent.\nSound impatient.\nAsk for an appointment today.\nSay goodbye.'
    const lines = lineDiff(before, after)
    expect(lines).toBeDefined()
    expect(apply(lines!)).toEqual({ before, after })
    expect(lines!.filter(line => line.op === '+').map(line => line.text)).toEqual(['Sound impatient.', 'Ask for an appointment today.'])
    expect(lines!.filter(line => line.op === '-').map(line => line.text)).toEqual(['Ask for an appointment.'])
  })

  it('keeps the diff minimal on random edits', () => {
    let seed = 7
    const random = (): number => {
      seed = (seed * 48271) % 2147483647
      return seed / 2147483647
    }
    for (let round = 0; round < 50; round++) {
      const base = Array.from({ length: 30 }, (_, i) => `line ${i % 7}`)
      const edited = base
        .filter(() => random() > 0.2)
        .flatMap(line => (random() > 0.85 ? [line, `new ${Math.floor(random() * 5)}`] : [line]))
      const lines = lineDiff(base.join('\n'), edited.join('\n'))!
      expect(apply(lines)).toEqual({ before: base.join('\n'), after: edited.join('\n') })
      // Minimal: the kept lines are a longest common subsequence, counted here independently.
      expect(lines.filter(line => line.op === ' ').length).toBe(lcsLength(base, edited))
    }
  })

  it('gives up on texts too large to compare cheaply', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n')
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n')
    expect(lineDiff(a, b)).toBeUndefined()
  })
})

describe('unifiedDiff', () => {
  it('shows changes with three lines of context and separates hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`)
    const after = [...before]
    after[1] = 'changed 2'
    after[17] = 'changed 18'
    const text = unifiedDiff(lineDiff(before.join('\n'), after.join('\n'))!)
    const rows = text.split('\n')
    expect(rows[0]).toBe('@@ line 1 → 1 @@')
    expect(rows).toContain('-line 2')
    expect(rows).toContain('+changed 2')
    expect(rows).toContain(' line 5')
    expect(rows).not.toContain(' line 6')
    expect(rows.filter(row => row.startsWith('@@'))).toHaveLength(2)
    expect(rows).toContain('+changed 18')
  })
})

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run in the text', () => {
    const text = 'a ``` b\n`````\nc'
    const block = fencedBlock(text, 'diff')
    expect(block.startsWith('``````diff\n')).toBe(true)
    expect(block.endsWith('\n``````')).toBe(true)
    expect(block.slice('``````diff\n'.length, -'\n``````'.length)).toBe(text)
  })
})
