import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { DEFAULTS, INPUT } from '../../src/inputs.js'
import { OUTPUT } from '../../src/report/outputs.js'

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

describe('the names in src match action.yml', () => {
  it('every input the code reads is declared, and every declared input is read', () => {
    expect(Object.values(INPUT).sort()).toEqual(Object.keys(action.inputs).sort())
  })
  it('every output the code sets is declared, and every declared output is set', () => {
    expect(Object.values(OUTPUT).sort()).toEqual(Object.keys(action.outputs).sort())
  })
  it('the defaults the code falls back on are the ones action.yml declares', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined && input.default !== '')
        // An expression such as the github.token default is only known on the runner.
        .filter(([, input]) => !String(input.default).startsWith('${{'))
        .map(([name, input]) => [name, String(input.default)])
    )
    expect(DEFAULTS).toEqual(declared)
  })
})
