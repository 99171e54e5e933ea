// The "toolkit floor" of the start-up benchmark: the least an action built on the toolkit can do for a
// job that is already complete. It imports @actions/core and @actions/http-client, makes one progress
// request and sets one output. scripts/bench/compile.mjs bundles it with ncc exactly as the action is
// bundled, so that the action's start-up can be compared with what the toolkit alone costs.
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'

const url = new URL(`${core.getInput('api-url').replace(/\/+$/, '')}/test_framework/v1/scenarios/instructions-progress/`)
url.searchParams.set('progress_id', core.getInput('progress-id'))
const client = new HttpClient('cekura-bench-toolkit-floor')
const answer = await client.getJson(url.href, { 'X-CEKURA-API-KEY': core.getInput('api-key') })
core.setOutput('status', answer.result?.status ?? `HTTP ${answer.statusCode}`)
process.exit(0)
