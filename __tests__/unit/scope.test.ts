import type { Job } from '../../src/base/types.js'
import { tenantScope } from '../../src/job/runner.js'

describe('tenantScope: what every progress request names', () => {
  const poll: Job = { mode: 'poll', progressId: 'p' }
  const generate: Job = { mode: 'generate', agentId: 1234, extraInstructions: 'x', requestBody: {} }

  it('the project when known', () => {
    expect(tenantScope(42, generate)).toEqual({ param: 'project_id', id: 42 })
    expect(tenantScope(42, poll)).toEqual({ param: 'project_id', id: 42 })
  })

  it('else the agent', () => {
    expect(tenantScope(undefined, generate)).toEqual({ param: 'agent_id', id: 1234 })
    expect(tenantScope(undefined, { ...poll, agentId: 7 })).toEqual({ param: 'agent_id', id: 7 })
  })

  it('nothing in poll mode without either, for keys scoped to one project', () => {
    expect(tenantScope(undefined, poll)).toBeUndefined()
  })
})
