// The diff of an improve job, at the places mutation testing found unpinned: that the diff is minimal
// on every small case (the longest-common-subsequence table), which side of a tie goes first, the line
// numbers of every hunk, the size limit and the shortcuts for common starts and ends.

import { lineDiff, unifiedDiff, type DiffLine } from '../../src/report/diff.js'
import { fencedBlock } from '../../src/report/markdown.js'

function rebuild(lines: DiffLine[]): { before: string; after: string } {
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

/** The length of a longest common subsequence, by brute force over the subsets of the shorter list. */
function lcsByBruteForce(a: string[], b: string[]): number {
  const isSubsequence = (small: string[], big: string[]): boolean => {
    let k = 0
    for (const item of big) if (k < small.length && item === small[k]) k++
    return k === small.length
  }
  let best = 0
  for (let mask = 0; mask < 1 << a.length; mask++) {
    const picked = a.filter((_, index) => (mask >> index) & 1)
    if (picked.length > best && isSubsequence(picked, b)) best = picked.length
  }
  return best
}

/** Every list of 1 to 4 lines drawn from `a` and `b`. */
function allTexts(): string[][] {
  const texts: string[][] = []
  for (let length = 1; length <= 4; length++) {
    for (let bits = 0; bits < 1 << length; bits++) texts.push(Array.from({ length }, (_, k) => ((bits >> k) & 1 ? 'b' : 'a')))
  }
  return texts
}

const shown = (lines: DiffLine[] | undefined): string[] | undefined => lines?.map(line => `${line.op}${line.text}`)

describe('lineDiff is minimal', () => {
  it('on every pair of small texts: both sides rebuild and the kept lines are a longest common subsequence', () => {
    const texts = allTexts()
    expect(texts).toHaveLength(30)
    for (const before of texts) {
      for (const after of texts) {
        const lines = lineDiff(before.join('\n'), after.join('\n'))
        expect(lines).toBeDefined()
        expect(rebuild(lines as DiffLine[])).toEqual({ before: before.join('\n'), after: after.join('\n') })
        expect((lines as DiffLine[]).filter(line => line.op === ' ')).toHaveLength(lcsByBruteForce(before, after))
      }
    }
  })
})

describe('lineDiff: ties and edges', () => {
  it('shows a changed line as the old one removed, then the new one added', () => {
    expect(shown(lineDiff('a', 'b'))).toEqual(['-a', '+b'])
    expect(shown(lineDiff('keep\na\nb\nkeep', 'keep\nc\nd\nkeep'))).toEqual([' keep', '-a', '-b', '+c', '+d', ' keep'])
  })

  it('shows equal texts as kept lines only', () => {
    expect(shown(lineDiff('a\nb', 'a\nb'))).toEqual([' a', ' b'])
  })

  it('finds a line added or removed at the end of repeated lines', () => {
    expect(shown(lineDiff('x', 'x\nx'))).toEqual([' x', '+x'])
    expect(shown(lineDiff('x\nx', 'x'))).toEqual([' x', '-x'])
    expect(shown(lineDiff('x\ny', 'x\nx\ny'))).toEqual([' x', '+x', ' y'])
  })

  it('compares long texts that differ in one line, however long their common start and end', () => {
    const common = Array.from({ length: 2500 }, (_, k) => `line ${k}`)
    const before = [...common, 'old', ...common].join('\n')
    const after = [...common, 'new', ...common].join('\n')
    const lines = lineDiff(before, after) as DiffLine[]
    expect(lines).toBeDefined()
    expect(lines.filter(line => line.op !== ' ').map(line => `${line.op}${line.text}`)).toEqual(['-old', '+new'])
    expect(lines).toHaveLength(5002)
    // A change at the very start or end leaves only one shortcut to make it small.
    expect(shown(lineDiff(['old', ...common].join('\n'), ['new', ...common].join('\n')))?.slice(0, 2)).toEqual(['-old', '+new'])
    expect(shown(lineDiff([...common, 'old'].join('\n'), [...common, 'new'].join('\n')))?.slice(-2)).toEqual(['-old', '+new'])
  })

  it('compares texts up to 4,000,000 line pairs, and no more', () => {
    const lines = (prefix: string, count: number): string => Array.from({ length: count }, (_, k) => `${prefix}${k}`).join('\n')
    // (1999 + 1) × (1999 + 1) pairs is exactly the limit.
    expect(lineDiff(lines('a', 1999), lines('b', 1999))).toHaveLength(3998)
    expect(lineDiff(lines('a', 2000), lines('b', 1999))).toBeUndefined()
    expect(lineDiff(lines('a', 1999), lines('b', 2000))).toBeUndefined()
  })
})

describe('unifiedDiff', () => {
  it('numbers every hunk by its first line in the old and the new text', () => {
    const before = Array.from({ length: 20 }, (_, k) => `line ${k + 1}`)
    const after = before.filter(line => line !== 'line 2').map(line => (line === 'line 18' ? 'changed 18' : line))
    expect(unifiedDiff(lineDiff(before.join('\n'), after.join('\n')) as DiffLine[])).toBe(
      [
        '@@ line 1 → 1 @@',
        ' line 1',
        '-line 2',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ line 15 → 14 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        '+changed 18',
        ' line 19',
        ' line 20'
      ].join('\n')
    )
  })

  it('counts added lines in the new numbering only', () => {
    const before = Array.from({ length: 12 }, (_, k) => `line ${k + 1}`)
    const after = ['new 0', ...before.slice(0, 11), 'changed 12']
    expect(unifiedDiff(lineDiff(before.join('\n'), after.join('\n')) as DiffLine[]).split('\n')).toEqual([
      '@@ line 1 → 1 @@',
      '+new 0',
      ' line 1',
      ' line 2',
      ' line 3',
      '@@ line 9 → 10 @@',
      ' line 9',
      ' line 10',
      ' line 11',
      '-line 12',
      '+changed 12'
    ])
  })

  it('takes the context it is given, and joins hunks whose context touches', () => {
    const lines = lineDiff('a\nb\nc\nd\ne\nf\ng', 'a\nB\nc\nd\ne\nF\ng') as DiffLine[]
    expect(unifiedDiff(lines, 0)).toBe('@@ line 2 → 2 @@\n-b\n+B\n@@ line 6 → 6 @@\n-f\n+F')
    expect(unifiedDiff(lines, 1)).toBe('@@ line 1 → 1 @@\n a\n-b\n+B\n c\n@@ line 5 → 5 @@\n e\n-f\n+F\n g')
    expect(
      unifiedDiff(lines, 2)
        .split('\n')
        .filter(row => row.startsWith('@@'))
    ).toEqual(['@@ line 1 → 1 @@'])
  })
})

describe('fencedBlock', () => {
  it('has no language by default', () => {
    expect(fencedBlock('x')).toBe('```\nx\n```')
  })
})
