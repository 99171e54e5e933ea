// stringifyJson and mapJsonStrings at the edges the property tests reach only by chance: values JSON
// leaves out or writes as null, keys skipped in the middle of an object, and a key named `undefined`.
import { mapJsonStrings, stringifyJson } from '../../src/base/json.js'

describe('stringifyJson writes what JSON.stringify writes', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-0', -0],
    ['an object with skipped keys first, in the middle and last', { a: undefined, b: 1, c: () => 1, d: 'x', e: Symbol('s') }],
    ['an array of values JSON leaves out', [undefined, () => 1, Symbol('s'), Number.NaN]],
    ['a key named undefined', { undefined: 1 }],
    ['an object whose only key is skipped', { a: undefined }],
    ['nested empties', { a: [], b: {}, c: [{}] }]
  ])('%s', (_, value) => {
    expect(stringifyJson(value)).toBe(JSON.stringify(value))
  })

  it('writes null for a value JSON.stringify would leave out at the top', () => {
    expect(stringifyJson(undefined)).toBe('null')
    expect(stringifyJson(() => 1)).toBe('null')
    expect(stringifyJson(Symbol('s'))).toBe('null')
  })

  it('writes a bigint as its digits', () => {
    expect(stringifyJson({ n: 12345678901234567890n })).toBe('{"n":12345678901234567890}')
  })
})

describe('mapJsonStrings', () => {
  it('keeps the length and the order of arrays', () => {
    expect(mapJsonStrings(['a', 1, ['b']], text => text.toUpperCase())).toEqual(['A', 1, ['B']])
    expect((mapJsonStrings([], text => text) as unknown[]).length).toBe(0)
  })
})
