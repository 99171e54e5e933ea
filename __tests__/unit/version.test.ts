import { readFileSync } from 'node:fs'
import { ACTION_NAME, ACTION_VERSION, USER_AGENT } from '../../src/base/version.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string }

describe('version', () => {
  it("equals package.json's version", () => {
    expect(ACTION_VERSION).toBe(pkg.version)
  })

  it('names the action as package.json does', () => {
    expect(ACTION_NAME).toBe(pkg.name)
  })

  it('puts both in the User-Agent', () => {
    expect(USER_AGENT).toBe(`${pkg.name}/${pkg.version}`)
  })
})
