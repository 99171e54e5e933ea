// A fake of the Cekura instructions API, speaking real HTTP on 127.0.0.1.
//
// Plain ESM JavaScript (types in JSDoc and fake-cekura.d.mts) so that the demo and a GitHub workflow can
// run it with any Node >= 20 and no build step. The e2e tests start one per test; the CLI starts one that
// runs until SIGINT/SIGTERM:
//
//   node __tests__/support/fake-cekura.mjs [--port 8787] [--host 127.0.0.1] [--api-key test-key-123]
//                                          [--start-job answer-in-3000ms] [--organization-key] [--verbose]
//   -> prints "fake Cekura listening on http://127.0.0.1:8787", then the seeded scenarios
//   node __tests__/support/fake-cekura.mjs --help   lists the options; docs/fake-servers.md has more
//
// Endpoints, under any path prefix (so an api-url with a prefix works), as Cekura's API documents them
// (docs/fake-servers.md lists what this fake implements):
//
//   GET   .../test_framework/v1/scenarios/instructions-progress/?progress_id=ID   a job's progress (below)
//   POST  .../test_framework/v1/scenarios/generate-instructions/                   starts a generate job
//   POST  .../test_framework/v1/scenarios/improve_instructions/                    starts an improve job
//   GET   .../test_framework/v1/scenarios/{id}/                                    reads a stored scenario
//   PATCH .../test_framework/v1/scenarios/{id}/                                    updates a stored scenario
//
// Every request is checked, in this order, and answered as Django REST Framework would:
//   unknown path -> 404 {"detail":"Not found."}; wrong method -> 405 with Allow; X-CEKURA-API-KEY not the
//   configured key (default test-key-123, or $FAKE_CEKURA_API_KEY for the CLI) -> 401 {"detail":"Invalid
//   API key."}; a POST or PATCH whose Content-Type is not application/json -> 415; a body that is not JSON
//   -> 400 {"detail":"JSON parse error - ..."}; a body that does not fit the schema -> 400 with DRF field
//   errors, e.g. {"agent":["A valid integer is required."]}. The schemas (stricter than DRF on types on
//   purpose: a client that sends "1234" for an integer is caught, not coerced):
//     improve_instructions   agent: integer, required; extra_instructions: string, required, not blank;
//                            current_instructions: string, optional, not blank; other fields ignored
//     generate-instructions  agent and extra_instructions as above (the core); any other field allowed
//     PATCH scenario         instructions: string, not blank; expected_outcome_prompt: string; name:
//                            string, not blank; agent: integer; id and other fields ignored
//   A body that is not a JSON object -> 400 {"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}.
//
// Tenant scope: a progress request may name its tenant with one of the query parameters project_id,
// agent_id or assistant_id, as Cekura's spec lists them. A project_id that is not a whole number -> 400
// {"project_id":["A valid integer is required."]}; one other than the fake's project (options.projectId,
// default 1) -> 404 {"detail":"Not found."}; an agent_id other than the agent that started the job (for
// jobs started by a POST) -> 404. With options.organizationKey (fake.setOrganizationKey(true), CLI
// --organization-key) the key is an organization-level key, and a progress request naming none of the
// three -> 400 {"detail":"Please provide one of the required query parameter"}, as Cekura answers one.
//
// A valid POST answers 200 {"progress_id": "<new uuid>", "project_id": 1} (no project_id with
// options.answerProjectId false) and registers that id as a job
// (fake.started lists them). Which job it is comes from options.startJob (fake.setStartJob):
//   answer-after-<N>     (the default, N = 2) completed on poll N, with text made from the request:
//                        improve: current_instructions with its last non-blank line extended by the
//                        request (improvedInstructions()); generate, or improve without current text:
//                        generatedInstructions(agent, extra_instructions); expected_outcome_prompt from
//                        expectedOutcomeFor(extra_instructions)
//   answer-in-<MS>ms     the same text, completed MS ms after the first poll, with stages and percentages
//                        (the CLI's default, answer-in-3000ms)
//   any progress id below (demo-fail, never, complete-after-3, ...) or a custom job's id: behaves as that job
//   a Job, or a function (StartContext) -> Job or name
//
// Stored scenarios: options.scenarios ({ 9876: { name, agent, instructions, expected_outcome_prompt } }),
// by default DEMO_SCENARIOS (scenario 9876, agent 1234, realistic texts). GET answers the stored object
// {id, name, agent, instructions, expected_outcome_prompt, ...}; an unknown id is 404 {"detail":"Not
// found."}. PATCH updates it and answers the whole updated object; fake.scenario(id) reads it back.
//
// Misbehaviour of the non-progress endpoints ('generate', 'improve', 'scenario-get', 'scenario-patch')
// is configured with options.faults or fake.setFault(endpoint, phases): phases like a job's (below), each
// answering with one reply for `times` requests; once every phase is used up the endpoint answers
// normally again (a phase with neither `times` nor `untilMs` answers for ever). The `faults` helpers build
// them: faults.once(replies.http(500)), faults.times(reply, 2), faults.always(replies.hang). A reply of
// replies.normal answers normally within a sequence. Faults apply only to requests that passed the checks
// above, so a malformed request is still caught while a fault is set. A refused connection needs no
// fault: point the client at a closed port.
//
// What a progress job does is chosen by its progress id, so one server serves many cases. Named progress ids:
//   demo-complete        queued, then in_progress with stage/progress over ~3 s of wall time, then completed
//                        with realistic multi-line instructions and an expected_outcome_prompt
//   demo-fail            in_progress for ~1.5 s, then {"status":"failed","error":"LLM quota exceeded"}
//   complete-after-<N>   completed on the Nth poll (queued, in_progress..., completed); e.g. complete-after-3
//   complete-in-<MS>ms   completed once MS ms have passed since the job's first poll; e.g. complete-in-5000ms
//   nested-result        completed on poll 2, text under "result"
//   nested-scenario      completed on poll 2, text under "scenario"
//   nested-data          completed on poll 2, text under "data"
//   fail                 in_progress once, then failed with "LLM quota exceeded"
//   needs-clarification  in_progress once, then status needs_clarification with an error
//   needs-agent-clarification  in_progress once, then status needs_agent_clarification with a message
//                        ("AI needs you to select an agent for some evaluators.") and error null
//   unknown-status       status "thinking_deeply" (a word the action does not know) twice, then completed
//   cancelled-job        in_progress once, then status "canceled" (US spelling, as some Cekura services send)
//   never                in_progress forever, with a creeping progress percentage
//   flaky-5xx            500, 502 (HTML page), 503, then complete-after-2
//   always-5xx           500 on every request
//   rate-limited         429 with Retry-After: 1 once, then complete-after-2
//   rate-limited-date    429 with Retry-After as an HTTP date >= 2 s ahead once, then complete-after-2
//   storm-503-<MS>ms     503 at once to every request until MS ms after the first poll (a deploy window),
//                        then completed; e.g. storm-503-90000ms
//   paced-retry-after-<S>    status processing with the header Retry-After: S twice, then completed
//   paced-poll-interval-<S>  the same with X-Poll-Interval: S
//   bad-json             200 with a truncated JSON body twice, then complete-after-2
//   hang                 accepts the request and never answers
//   hang-once            hangs one request, then complete-after-2
//   connection-reset     drops the connection unanswered twice, then complete-after-2
//   slow                 every answer delayed by 1.5 s, completes on poll 2
//   unauthorized         401 {"detail":"Invalid API key."} even with the right key
//   forbidden            403 {"detail":"You do not have permission to perform this action."}
//   bad-request          400 {"detail":"progress_id must be a valid UUID."}
//   field-errors         400 {"progress_id":["Must be a valid UUID."]}
//   not-found            404 {"detail":"Not found."} (any unregistered id does the same)
//   redirect-other-host  302 to the same path on http://localhost:<other port>/ (a different origin); the
//                        other host records its requests (server: "other") and would answer "completed"
//   redirect-same-origin 302 to this server's own URL for progress id complete-after-1
//   no-text              completed, but with no instructions anywhere
//   echo-key             400 whose detail repeats the X-CEKURA-API-KEY it received
//   echo-key-failed      failed job whose error repeats the X-CEKURA-API-KEY it received
//   echo-key-many        400 whose detail is the X-CEKURA-API-KEY it received, 400 times in a row
//   tricky-text          completed with instructions full of backticks, </pre>, <details>, pipes, @mentions
//   long-text            completed with ~200 lines (~20 KB) of instructions
//   huge-text            completed with instructions of about 1.2 MiB
//
// Jobs running at once: a job started by a POST counts as running until the fake has answered one of its
// polls with a final status (completed, failed, cancelled, needs_...). fake.peakRunning is the most seen at
// once; with options.maxRunningJobs (or fake.setMaxRunningJobs(n)) every POST that makes more than n run
// at once is recorded in fake.overLimit, which the e2e helper useFake() checks after every test.
//
// Tests add their own jobs with startFakeCekura({ jobs: { id: job } }) or fake.setJob(id, job), built with
// the `jobs` and `replies` helpers below. A job is data: a list of phases, each answering with one reply
// for a number of requests (`times`), until a wall-clock time after the job's first poll (`untilMs`), or
// for ever (neither). Job state (request count, first-poll time) is per progress id and per server.

import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { parseOptions, runFakeCli } from './fake-cli.mjs'

/**
 * @typedef {object} RecordedRequest
 * @property {'main' | 'other'} server  'other' = the redirect target host
 * @property {string} method
 * @property {string} path      decoded pathname, without the query
 * @property {string} url       the request target as sent (path and raw query)
 * @property {Record<string, string>} query   decoded query parameters (last value wins)
 * @property {Record<string, string>} headers lowercased names, repeated values joined with ", "
 * @property {string} body
 * @property {number} at        performance.now() when the request arrived (monotonic ms)
 * @property {string | undefined} progressId
 * @property {Endpoint | undefined} endpoint  which endpoint the path is (undefined: none, answered 404)
 * @property {unknown} json     the body parsed as JSON (undefined when empty or not JSON)
 * @property {{ status: number, headers: Record<string, string>, body: string } | undefined} response
 *           undefined while unanswered (or for ever, for a hung request)
 */

/** @typedef {'progress' | 'generate' | 'improve' | 'scenario-get' | 'scenario-patch'} Endpoint */

/**
 * @typedef {object} ReplyContext
 * @property {string} progressId
 * @property {string} key           the X-CEKURA-API-KEY the request carried
 * @property {number} count         1 for the job's first request, 2 for the second, ...
 * @property {number} elapsedMs     since the job's first request
 * @property {RecordedRequest} request
 * @property {string} selfOrigin    e.g. http://127.0.0.1:4321
 * @property {string} otherOrigin   e.g. http://localhost:4322 (the redirect target)
 */

/**
 * What the fake answers to one request.
 * @typedef {object} Reply
 * @property {number} [status]          default 200 (302 for redirects)
 * @property {Record<string, string>} [headers]
 * @property {unknown} [json]           body, serialised as JSON (Content-Type application/json)
 * @property {string} [text]            body sent as is (malformed JSON, HTML error pages)
 * @property {string} [contentType]     for `text`; default application/json
 * @property {boolean} [hang]           accept and never answer
 * @property {boolean} [reset]          drop the connection without answering (ECONNRESET / socket hang up)
 * @property {string} [redirectTo]      absolute Location; status defaults to 302
 * @property {number} [delayMs]         wait before answering
 * @property {Uint8Array} [bytes]       body sent as these raw bytes (garbage, invalid UTF-8)
 * @property {{ bytes: number, chunkBytes?: number }} [stream]  a body of `bytes` filler bytes (a JSON
 *           string that never ends), written in chunks as fast as the client reads, without
 *           Content-Length; stops when the client hangs up. fake.streamed tells how many bytes went out.
 * @property {{ pieces: number, intervalMs: number }} [trickle]  the body cut into `pieces`, one sent every
 *           `intervalMs` (a slow body)
 * @property {boolean} [normal]         (faults only) answer as the endpoint normally would
 */

/** @typedef {Reply | ((ctx: ReplyContext) => Reply)} ReplySpec */

/**
 * @typedef {object} Phase
 * @property {ReplySpec} reply
 * @property {number} [times]    answer this many requests, then move on
 * @property {number} [untilMs]  answer while less than this many ms have passed since the first poll
 */

/** @typedef {{ phases: Phase[] }} Job */

/**
 * A stored scenario: these fields as the API documents them, plus whatever a test seeds.
 * @typedef {{ id: number, name: string, agent: unknown, instructions: string, expected_outcome_prompt: string } & Record<string, unknown>} Scenario
 */

/**
 * What a valid POST that starts a job looked like, for options.startJob.
 * @typedef {object} StartContext
 * @property {'generate' | 'improve'} kind
 * @property {Record<string, unknown>} body  the request body, parsed and checked against the schema
 * @property {string} progressId             the id answered to the POST
 * @property {RecordedRequest} request
 */

/** @typedef {string | Job | ((ctx: StartContext) => string | Job)} StartJobSpec */

/**
 * @typedef {object} StartedJob
 * @property {'generate' | 'improve'} kind
 * @property {string} progressId
 * @property {Record<string, unknown>} body
 * @property {Job} job
 */

/**
 * @typedef {object} FakeCekuraOptions
 * @property {number} [port]      default 0 (any free port)
 * @property {string} [host]      default 127.0.0.1
 * @property {string} [apiKey]    default test-key-123
 * @property {Record<string, Job>} [jobs]  extra or overriding jobs by progress id
 * @property {StartJobSpec} [startJob]    what a job started by a POST does (default answer-after-2)
 * @property {number} [projectId]        the project_id a POST answers (default 1)
 * @property {boolean} [answerProjectId]  whether a POST's answer carries project_id (default true)
 * @property {boolean} [organizationKey]  the key is organization-level: progress requests need a tenant
 *           scope (default false)
 * @property {Record<string | number, Partial<Scenario>>} [scenarios]  stored scenarios by id
 *           (default DEMO_SCENARIOS; {} for none)
 * @property {Partial<Record<Exclude<Endpoint, 'progress'>, Phase[]>>} [faults]  misbehaviour by endpoint
 * @property {(line: string) => void} [log] called with one line per request
 * @property {number} [maxRunningJobs]  record in overLimit every POST that makes more jobs run at once
 */

/**
 * @typedef {object} FakeCekura
 * @property {string} url          http://127.0.0.1:PORT (no trailing slash)
 * @property {number} port
 * @property {string} otherUrl     http://localhost:OTHERPORT, the redirect target
 * @property {RecordedRequest[]} requests  every request to either host, in arrival order
 * @property {StartedJob[]} started        every job started by a POST, in order
 * @property {Map<RecordedRequest, number>} streamed  bytes written so far of each streamed body (reply.stream)
 * @property {(id: string, job: Job) => void} setJob
 * @property {(spec: StartJobSpec) => void} setStartJob
 * @property {(endpoint: Exclude<Endpoint, 'progress'>, phases: Phase[] | undefined) => void} setFault
 *           set (or with undefined, clear) an endpoint's misbehaviour, starting its count afresh
 * @property {(id: number) => Scenario | undefined} scenario  a copy of a stored scenario as it is now
 * @property {(id: number, scenario: Partial<Scenario>) => void} setScenario  store (replace) a scenario
 * @property {(on: boolean) => void} setOrganizationKey  whether progress requests need a tenant scope
 * @property {() => void} reset    forget requests, job state, started jobs, fault counts and running
 *           jobs; scenarios back to what the server started with
 * @property {number} running       jobs started and not yet answered with a final status
 * @property {number} peakRunning   the most jobs that were running at once
 * @property {Array<{ at: number, running: number, limit: number }>} overLimit  POSTs that made more than
 *           maxRunningJobs run at once
 * @property {(limit: number | undefined) => void} setMaxRunningJobs
 * @property {() => Promise<void>} close
 */

export const DEFAULT_API_KEY = 'test-key-123'
export const PROGRESS_PATH = '/test_framework/v1/scenarios/instructions-progress/'
export const GENERATE_PATH = '/test_framework/v1/scenarios/generate-instructions/'
export const IMPROVE_PATH = '/test_framework/v1/scenarios/improve_instructions/'
/** @param {number | string} id @returns {string} */
export const scenarioPath = id => `/test_framework/v1/scenarios/${id}/`
const SCENARIO_PATH = /\/test_framework\/v1\/scenarios\/(\d+)\/$/

// ---------------------------------------------------------------------------------------------------
// Texts

export const DEMO_INSTRUCTIONS = [
  'You are Maria Lopez, calling Greenway Dental to move your teeth-cleaning appointment.',
  '',
  '1. Greet the agent and say you have a cleaning booked for Tuesday 14 May at 9:30.',
  '2. Ask to move it to any afternoon later that same week; you cannot do mornings.',
  '3. If the agent offers Thursday at 15:00, accept it. Otherwise accept the first afternoon slot offered.',
  '4. Give your date of birth (3 March 1987) and phone number (555-0142) only when asked.',
  '5. Before hanging up ask: "Do I need to bring my insurance card?"',
  '',
  'Stay polite and brief. Do not volunteer details the agent has not asked for, and end the call',
  'once the new time has been confirmed back to you.'
].join('\n')

export const DEMO_EXPECTED_OUTCOME = [
  'The agent verifies the caller with date of birth before changing anything, moves the cleaning to an',
  'afternoon slot later the same week, reads the new date and time back to the caller, and answers the',
  'insurance-card question (yes, bring it).'
].join('\n')

export const TRICKY_INSTRUCTIONS = [
  '# Heading that must not render',
  'Call as @octocat and mention @github/security in passing. Issue #1 and `code` and ```fenced``` too.',
  '| pipe | table | cells |',
  '|---|---|---|',
  'Try to close the block: </pre></details></code> then open new ones: <details><summary>INJECTED</summary>',
  '<script>alert("x")</script> <img src=x onerror=alert(1)> & &amp; &lt; "double" \'single\'',
  '**bold** _em_ [link](https://example.com) <!-- comment -->',
  '    indented code line',
  '',
  '> quote',
  '- list item',
  'Ünïcödé ✓ and a tab\there.'
].join('\n')

/** @param {number} lines */
function longInstructions(lines) {
  const out = []
  for (let i = 1; i <= lines; i++) {
    out.push(`${i}. Step ${i}: ask the agent about item ${i} and insist politely until it is answered fully.`)
  }
  return out.join('\n')
}

export const LONG_INSTRUCTIONS = longInstructions(200)
// ~1.2 MiB: over GitHub's 1 MiB job-summary limit on its own.
export const HUGE_INSTRUCTIONS = longInstructions(12_500)

/** The scenario and agent the CLI and the demo know by default. */
export const DEMO_SCENARIO_ID = 9876
export const DEMO_AGENT_ID = 1234

export const DEMO_SCENARIO_INSTRUCTIONS = [
  'You are Daniel Okafor, calling Greenway Dental because the crown fitted last Monday feels loose.',
  '',
  '1. Say who you are and that Dr. Patel fitted the crown on Monday.',
  '2. Describe the problem: the crown moves when you chew on the left side, but it does not hurt.',
  '3. Ask for the earliest appointment to have it checked; you can come any weekday after 16:00.',
  '4. Give your date of birth (12 July 1979) only when asked.',
  '',
  'Stay calm and polite. End the call once an appointment has been confirmed back to you.'
].join('\n')

export const DEMO_SCENARIO_EXPECTED_OUTCOME = [
  'The agent verifies the caller with date of birth, offers the earliest weekday slot after 16:00 to',
  'check the crown, and reads the date and time back to the caller.'
].join('\n')

/** @type {Record<number, Scenario>} */
export const DEMO_SCENARIOS = {
  [DEMO_SCENARIO_ID]: {
    id: DEMO_SCENARIO_ID,
    name: 'Loose crown: book a check-up',
    agent: DEMO_AGENT_ID,
    instructions: DEMO_SCENARIO_INSTRUCTIONS,
    expected_outcome_prompt: DEMO_SCENARIO_EXPECTED_OUTCOME
  }
}

/** A request text as one line: lines trimmed and joined with spaces. @param {string} text */
function oneLine(text) {
  return text
    .trim()
    .split(/\s*\n\s*/)
    .filter(Boolean)
    .join(' ')
}

/**
 * What the fake's generate jobs write: a short caller brief built from the agent and the request.
 * @param {unknown} agent @param {string} extra @returns {string}
 */
export function generatedInstructions(agent, extra) {
  return [
    `You are a caller phoning the business that agent ${String(agent)} answers for.`,
    '',
    ...extra
      .trim()
      .split('\n')
      .map(line => line.trimEnd()),
    '',
    'Stay in character for the whole call, answer only what you are asked, and end the call once your',
    'request has been handled.'
  ].join('\n')
}

/**
 * What the fake's improve jobs write: the current text with its last non-blank line extended by the
 * request (made one line), so a diff shows one line removed and one added. All else is kept as is.
 * @param {string} current @param {string} extra @returns {string}
 */
export function improvedInstructions(current, extra) {
  const lines = current.split('\n')
  let last = lines.length - 1
  while (last >= 0 && (lines[last] ?? '').trim() === '') last--
  if (last < 0) return oneLine(extra)
  lines[last] = `${(lines[last] ?? '').trimEnd()} ${oneLine(extra)}`
  return lines.join('\n')
}

/** The expected_outcome_prompt the fake's started jobs return. @param {string} extra @returns {string} */
export function expectedOutcomeFor(extra) {
  return `The agent resolves the call although the caller was told: ${oneLine(extra)}`
}

// ---------------------------------------------------------------------------------------------------
// Building blocks for jobs

/** @typedef {{ instructions?: string, expected?: string | null, nest?: 'result' | 'scenario' | 'data', extra?: Record<string, unknown> }} CompletedOptions */

export const replies = {
  /** @param {string} [stage] @param {number} [progress] @returns {ReplySpec} */
  queued:
    (stage = 'queued', progress = 0) =>
    ctx => ({
      json: { progress_id: ctx.progressId, status: 'queued', stage, progress, error: null }
    }),

  /** @param {string} [stage] @param {number} [progress] @returns {ReplySpec} */
  inProgress:
    (stage = 'generating', progress = 50) =>
    ctx => ({
      json: { progress_id: ctx.progressId, status: 'in_progress', stage, progress, error: null }
    }),

  /** @param {CompletedOptions} [options] @returns {ReplySpec} */
  completed:
    (options = {}) =>
    ctx => {
      const instructions = options.instructions ?? DEMO_INSTRUCTIONS
      const expected = options.expected === undefined ? DEMO_EXPECTED_OUTCOME : options.expected
      /** @type {Record<string, unknown>} */
      const text = { instructions }
      if (expected !== null) text.expected_outcome_prompt = expected
      const body = options.nest
        ? { progress_id: ctx.progressId, status: 'completed', progress: 100, error: null, [options.nest]: text }
        : { progress_id: ctx.progressId, status: 'completed', progress: 100, error: null, ...text }
      return { json: { ...body, ...options.extra } }
    },

  /** @param {string} [error] @param {string} [status] @returns {ReplySpec} */
  failed:
    (error = 'LLM quota exceeded', status = 'failed') =>
    ctx => ({
      json: { progress_id: ctx.progressId, status, error }
    }),

  /** @param {number} status @param {unknown} [json] @returns {Reply} */
  http: (status, json = { detail: `HTTP ${status}` }) => ({ status, json }),

  /** @param {number} seconds @returns {Reply} */
  retryAfter: seconds => ({
    status: 429,
    headers: { 'Retry-After': String(seconds) },
    json: { detail: `Request was throttled. Expected available in ${seconds} seconds.` }
  }),

  /** Retry-After as an HTTP date at least `seconds` from now (rounded up to a whole second). */
  /** @param {number} seconds @returns {ReplySpec} */
  retryAfterDate: seconds => () => {
    const at = new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000)
    return {
      status: 429,
      headers: { 'Retry-After': at.toUTCString() },
      json: { detail: 'Request was throttled.' }
    }
  },

  /** @type {Reply} */
  malformedJson: { status: 200, text: '{"status": "in_progress", "progress": 4', contentType: 'application/json' },

  /** @type {Reply} */
  htmlBadGateway: {
    status: 502,
    text: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
    contentType: 'text/html'
  },

  /** @type {Reply} */
  hang: { hang: true },

  /** @type {Reply} */
  reset: { reset: true },

  /** In a fault sequence: answer as the endpoint normally would. @type {Reply} */
  normal: { normal: true },

  /** @returns {ReplySpec} */
  redirectToOtherHost: () => ctx => ({ redirectTo: ctx.otherOrigin + ctx.request.url }),

  /** @param {string} progressId @returns {ReplySpec} */
  /**
   * A running job's answer with headers of the server's pacing (Retry-After, X-Poll-Interval).
   * @param {Record<string, string>} headers @param {string} [status] @returns {ReplySpec}
   */
  paced:
    (headers, status = 'processing') =>
    ctx => ({ headers, json: { progress_id: ctx.progressId, status, progress: Math.min(99, ctx.count * 10), error: null } }),

  /**
   * A job waiting for a person: `status` (needs_clarification, needs_agent_clarification) and its message.
   * @param {string} status @param {string} message @returns {ReplySpec}
   */
  needsPerson: (status, message) => ctx => ({ json: { progress_id: ctx.progressId, status, message, error: null } }),

  redirectSameOrigin: progressId => ctx => {
    const target = new URL(ctx.request.url, ctx.selfOrigin)
    target.searchParams.set('progress_id', progressId)
    return { redirectTo: target.href }
  }
}

/** What a service answers while it is being deployed. @type {Reply} */
const STORM_REPLY = { status: 503, json: { detail: 'Service temporarily unavailable.' } }

export const jobs = {
  /**
   * Completed on the nth poll: queued first, in_progress with rising percentages between.
   * @param {number} n @param {CompletedOptions} [options] @returns {Job}
   */
  completeAfterPolls(n, options = {}) {
    /** @type {Phase[]} */
    const phases = []
    if (n > 1) phases.push({ times: 1, reply: replies.queued() })
    for (let i = 2; i < n; i++) {
      phases.push({ times: 1, reply: replies.inProgress('generating', Math.round(((i - 1) / (n - 1)) * 100)) })
    }
    phases.push({ reply: replies.completed(options) })
    return { phases }
  },

  /**
   * Completed once `ms` of wall time have passed since the job's first poll; stage and percentage
   * follow the clock until then.
   * @param {number} ms @param {CompletedOptions} [options] @returns {Job}
   */
  completeAfterMs(ms, options = {}) {
    return { phases: [...runningFor(ms), { reply: replies.completed(options) }] }
  },

  /**
   * Running for `ms`, then failed with `error`.
   * @param {number} ms @param {string} [error] @returns {Job}
   */
  failAfterMs(ms, error = 'LLM quota exceeded') {
    return { phases: [...runningFor(ms), { reply: replies.failed(error) }] }
  },

  /**
   * The same reply for ever.
   * @param {ReplySpec} reply @returns {Job}
   */
  always(reply) {
    return { phases: [{ reply }] }
  },

  /**
   * `reply` for the first `times` requests, then `then`.
   * @param {ReplySpec} reply @param {number} times @param {Job} then @returns {Job}
   */
  first(reply, times, then) {
    return { phases: [{ reply, times }, ...then.phases] }
  },

  /**
   * `reply` (by default a fast 503) to every request until `ms` after the first poll, then `then`,
   * whose phases should count requests, not time. A Cekura deploy window.
   * @param {number} ms @param {Job} then @param {ReplySpec} [reply] @returns {Job}
   */
  storm(ms, then, reply = STORM_REPLY) {
    return { phases: [{ reply, untilMs: ms }, ...then.phases] }
  },

  /**
   * Each reply once, in order, then `then`.
   * @param {ReplySpec[]} sequence @param {Job} then @returns {Job}
   */
  sequence(sequence, then) {
    return { phases: [...sequence.map(reply => ({ reply, times: 1 })), ...then.phases] }
  },

  /**
   * The job a POST starts by default: completed on poll `afterPolls` (or `afterMs` after the first poll)
   * with text made from the request (see improvedInstructions, generatedInstructions, expectedOutcomeFor).
   * `expected: null` leaves expected_outcome_prompt out.
   * @param {StartContext} ctx @param {{ afterPolls?: number, afterMs?: number, expected?: string | null }} [options]
   * @returns {Job}
   */
  fromRequest(ctx, options = {}) {
    const extra = typeof ctx.body.extra_instructions === 'string' ? ctx.body.extra_instructions : ''
    const current = ctx.body.current_instructions
    const instructions =
      ctx.kind === 'improve' && typeof current === 'string'
        ? improvedInstructions(current, extra)
        : generatedInstructions(ctx.body.agent, extra)
    const expected = options.expected === undefined ? expectedOutcomeFor(extra) : options.expected
    return options.afterMs !== undefined
      ? jobs.completeAfterMs(options.afterMs, { instructions, expected })
      : jobs.completeAfterPolls(options.afterPolls ?? 2, { instructions, expected })
  }
}

/** Misbehaviour of an endpoint other than progress: phases used up in order, then normal answers. */
export const faults = {
  /** `reply` (by default a fast 503) until `ms` after the endpoint's first request. @param {number} ms @param {ReplySpec} [reply] @returns {Phase[]} */
  storm: (ms, reply = STORM_REPLY) => [{ reply, untilMs: ms }],
  /** @param {ReplySpec} reply @returns {Phase[]} */
  once: reply => [{ reply, times: 1 }],
  /** @param {ReplySpec} reply @param {number} times @returns {Phase[]} */
  times: (reply, times) => [{ reply, times }],
  /** @param {ReplySpec} reply @returns {Phase[]} */
  always: reply => [{ reply }],
  /** Each reply once, in order, then normal answers. @param {ReplySpec[]} sequence @returns {Phase[]} */
  sequence: sequence => sequence.map(reply => ({ reply, times: 1 }))
}

/** @param {number} ms @returns {Phase[]} */
function runningFor(ms) {
  const queuedMs = Math.min(300, ms / 4)
  return [
    { untilMs: queuedMs, reply: replies.queued() },
    {
      untilMs: ms,
      reply: ctx => {
        const fraction = Math.min(0.99, ctx.elapsedMs / ms)
        const stage = fraction < 0.4 ? 'analysing agent context' : fraction < 0.8 ? 'drafting instructions' : 'writing expected outcome'
        return replies.inProgress(stage, Math.floor(fraction * 100))(ctx)
      }
    }
  ]
}

/** @type {Record<string, Job>} */
export const NAMED_JOBS = {
  'demo-complete': jobs.completeAfterMs(3000),
  'demo-fail': jobs.failAfterMs(1500, 'LLM quota exceeded'),
  'nested-result': jobs.completeAfterPolls(2, { nest: 'result' }),
  'nested-scenario': jobs.completeAfterPolls(2, { nest: 'scenario' }),
  'nested-data': jobs.completeAfterPolls(2, { nest: 'data' }),
  fail: jobs.first(replies.inProgress(), 1, jobs.always(replies.failed('LLM quota exceeded'))),
  'needs-clarification': jobs.first(
    replies.inProgress(),
    1,
    jobs.always(replies.failed('The request is ambiguous: which agent should the caller talk to?', 'needs_clarification'))
  ),
  'needs-agent-clarification': jobs.first(
    replies.inProgress(),
    1,
    jobs.always(replies.needsPerson('needs_agent_clarification', 'AI needs you to select an agent for some evaluators.'))
  ),
  'unknown-status': jobs.first(
    ctx => ({ json: { progress_id: ctx.progressId, status: 'thinking_deeply', error: null } }),
    2,
    jobs.completeAfterPolls(1)
  ),
  'cancelled-job': jobs.first(replies.inProgress(), 1, jobs.always(replies.failed('Cancelled by a user.', 'canceled'))),
  never: jobs.always(ctx => replies.inProgress('generating', Math.min(99, ctx.count))(ctx)),
  'flaky-5xx': jobs.sequence(
    [
      replies.http(500, { detail: 'A server error occurred.' }),
      replies.htmlBadGateway,
      replies.http(503, { detail: 'Service temporarily unavailable.' })
    ],
    jobs.completeAfterPolls(2)
  ),
  'always-5xx': jobs.always(replies.http(500, { detail: 'A server error occurred.' })),
  'rate-limited': jobs.first(replies.retryAfter(1), 1, jobs.completeAfterPolls(2)),
  'rate-limited-date': jobs.first(replies.retryAfterDate(2), 1, jobs.completeAfterPolls(2)),
  'bad-json': jobs.first(replies.malformedJson, 2, jobs.completeAfterPolls(2)),
  hang: jobs.always(replies.hang),
  'hang-once': jobs.first(replies.hang, 1, jobs.completeAfterPolls(2)),
  'connection-reset': jobs.first(replies.reset, 2, jobs.completeAfterPolls(2)),
  slow: {
    phases: [
      { times: 1, reply: ctx => ({ ...resolveReply(replies.inProgress(), ctx), delayMs: 1500 }) },
      { reply: ctx => ({ ...resolveReply(replies.completed(), ctx), delayMs: 1500 }) }
    ]
  },
  unauthorized: jobs.always(replies.http(401, { detail: 'Invalid API key.' })),
  forbidden: jobs.always(replies.http(403, { detail: 'You do not have permission to perform this action.' })),
  'bad-request': jobs.always(replies.http(400, { detail: 'progress_id must be a valid UUID.' })),
  'field-errors': jobs.always(replies.http(400, { progress_id: ['Must be a valid UUID.'] })),
  'not-found': jobs.always(replies.http(404, { detail: 'Not found.' })),
  'redirect-other-host': jobs.always(replies.redirectToOtherHost()),
  'redirect-same-origin': jobs.always(replies.redirectSameOrigin('complete-after-1')),
  'no-text': jobs.always(ctx => ({
    json: { progress_id: ctx.progressId, status: 'completed', error: null, note: 'generator returned nothing' }
  })),
  'echo-key': jobs.always(ctx =>
    replies.http(400, {
      detail: `API key ${ctx.key} has no access to progress ${ctx.progressId}.`
    })
  ),
  'echo-key-many': jobs.always(ctx => replies.http(400, { detail: ctx.key.repeat(400) })),
  'echo-key-failed': jobs.first(
    replies.inProgress(),
    1,
    jobs.always(ctx => ({
      json: { progress_id: ctx.progressId, status: 'failed', error: `Quota exceeded for API key ${ctx.key}.` }
    }))
  ),
  'tricky-text': jobs.completeAfterPolls(2, {
    instructions: TRICKY_INSTRUCTIONS,
    expected: 'Expected: the agent answers | pipes | and </pre> <details> `ticks` @octocat & "quotes".'
  }),
  'long-text': jobs.completeAfterPolls(2, { instructions: LONG_INSTRUCTIONS }),
  'huge-text': jobs.completeAfterPolls(2, { instructions: HUGE_INSTRUCTIONS, expected: null })
}

/** Progress ids with a number in them: complete-after-<N> and complete-in-<MS>ms. */
/** @type {Array<[RegExp, (match: RegExpExecArray) => Job]>} */
const JOB_PATTERNS = [
  [/^complete-after-(\d{1,4})$/, m => jobs.completeAfterPolls(Math.max(1, Number(m[1])))],
  [/^complete-in-(\d{1,7})ms$/, m => jobs.completeAfterMs(Number(m[1]))],
  [/^storm-503-(\d{1,7})ms$/, m => jobs.storm(Number(m[1]), jobs.completeAfterPolls(1))],
  [/^paced-retry-after-(\d{1,4})$/, m => jobs.first(replies.paced({ 'Retry-After': m[1] ?? '' }), 2, jobs.completeAfterPolls(1))],
  [/^paced-poll-interval-(\d{1,4})$/, m => jobs.first(replies.paced({ 'X-Poll-Interval': m[1] ?? '' }), 2, jobs.completeAfterPolls(1))]
]

/** Names only a started job can have, since its text comes from the request that started it. */
/** @type {Array<[RegExp, (match: RegExpExecArray, ctx: StartContext) => Job]>} */
const START_PATTERNS = [
  [/^answer-after-(\d{1,4})$/, (m, ctx) => jobs.fromRequest(ctx, { afterPolls: Math.max(1, Number(m[1])) })],
  [/^answer-in-(\d{1,7})ms$/, (m, ctx) => jobs.fromRequest(ctx, { afterMs: Number(m[1]) })]
]

export const DEFAULT_START_JOB = 'answer-after-2'

/** The answer to an unregistered progress id. */
const UNKNOWN_JOB = NAMED_JOBS['not-found']

/** Status words that end a job, as the API documentation lists them. */
const FINAL_STATUS = /^(completed|complete|succeeded|success|done|failed|error|errored|cancelled|canceled|timeout|timed_out|needs_.*)$/i

/** Whether a progress answer reports the job as ended. @param {Reply} reply */
function isFinal(reply) {
  const status = (reply.status ?? 200) === 200 && reply.json && typeof reply.json === 'object' ? reply.json.status : undefined
  return typeof status === 'string' && FINAL_STATUS.test(status)
}

/** @param {ReplySpec} spec @param {ReplyContext} ctx @returns {Reply} */
function resolveReply(spec, ctx) {
  return typeof spec === 'function' ? spec(ctx) : spec
}

/**
 * The phase answering the job's `count`th request (1-based) at `elapsedMs` after its first.
 * @param {Job} job @param {number} count @param {number} elapsedMs @returns {Phase}
 */
function currentPhase(job, count, elapsedMs) {
  const phase = faultPhase(job.phases, count, elapsedMs) ?? job.phases[job.phases.length - 1]
  if (!phase) throw new Error('a fake Cekura job needs at least one phase')
  return phase
}

/**
 * The phase answering request number `count`; once the phases are used up there is none (a fault
 * list then lets the endpoint answer normally; a job stays in its last phase).
 * @param {Phase[]} phases @param {number} count @param {number} elapsedMs @returns {Phase | undefined}
 */
function faultPhase(phases, count, elapsedMs) {
  let before = count - 1
  for (const phase of phases) {
    if (phase.times !== undefined) {
      if (before < phase.times) return phase
      before -= phase.times
    } else if (phase.untilMs !== undefined) {
      if (elapsedMs < phase.untilMs) return phase
    } else {
      return phase
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------------
// Request checks, as Django REST Framework words them

const MSG = {
  required: 'This field is required.',
  integer: 'A valid integer is required.',
  string: 'Not a valid string.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.'
}

/** Python's name for the type of a parsed JSON value, as DRF reports it. @param {unknown} value */
function pythonType(value) {
  if (value === null) return 'NoneType'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  return 'dict'
}

/**
 * @typedef {{ type: 'integer' | 'string', required?: boolean, allowBlank?: boolean }} FieldRule
 */

/** @type {Record<string, FieldRule>} */
const IMPROVE_SCHEMA = {
  agent: { type: 'integer', required: true },
  extra_instructions: { type: 'string', required: true },
  current_instructions: { type: 'string' }
}
/** Only the core is checked: the published schema is the whole Scenario model, so more fields may come. */
const GENERATE_SCHEMA = {
  agent: /** @type {FieldRule} */ ({ type: 'integer', required: true }),
  extra_instructions: /** @type {FieldRule} */ ({ type: 'string', required: true })
}
/** @type {Record<string, FieldRule>} */
const PATCH_SCHEMA = {
  instructions: { type: 'string' },
  expected_outcome_prompt: { type: 'string', allowBlank: true },
  name: { type: 'string' },
  agent: { type: 'integer' }
}

/**
 * DRF field errors for `body` against `schema`, or undefined when it fits. Fields not in the schema
 * are not checked (DRF ignores them).
 * @param {unknown} body @param {Record<string, FieldRule>} schema
 * @returns {Record<string, string[]> | undefined}
 */
export function schemaErrors(body, schema) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(body)}.`] }
  }
  const data = /** @type {Record<string, unknown>} */ (body)
  /** @type {Record<string, string[]>} */
  const errors = {}
  for (const [field, rule] of Object.entries(schema)) {
    if (!(field in data)) {
      if (rule.required) errors[field] = [MSG.required]
      continue
    }
    const value = data[field]
    if (value === null) errors[field] = [MSG.null]
    else if (rule.type === 'integer' && !(typeof value === 'number' && Number.isSafeInteger(value))) errors[field] = [MSG.integer]
    else if (rule.type === 'string' && typeof value !== 'string') errors[field] = [MSG.string]
    else if (rule.type === 'string' && !rule.allowBlank && String(value).trim() === '') errors[field] = [MSG.blank]
  }
  return Object.keys(errors).length > 0 ? errors : undefined
}

/**
 * Which endpoint a path and method name.
 * @param {string} path @param {string} method
 * @returns {{ endpoint: Endpoint, allow: string, scenarioId?: number } | undefined}
 */
function route(path, method) {
  if (path.endsWith(PROGRESS_PATH)) return { endpoint: 'progress', allow: 'GET' }
  if (path.endsWith(GENERATE_PATH)) return { endpoint: 'generate', allow: 'POST' }
  if (path.endsWith(IMPROVE_PATH)) return { endpoint: 'improve', allow: 'POST' }
  const scenario = SCENARIO_PATH.exec(path)
  if (scenario) {
    return { endpoint: method === 'PATCH' ? 'scenario-patch' : 'scenario-get', allow: 'GET, PATCH', scenarioId: Number(scenario[1]) }
  }
  return undefined
}

/** @param {Record<string | number, Partial<Scenario>>} seeds @returns {Map<number, Scenario>} */
function seedScenarios(seeds) {
  /** @type {Map<number, Scenario>} */
  const stored = new Map()
  for (const [key, seed] of Object.entries(seeds)) {
    const id = Number(key)
    if (!Number.isSafeInteger(id) || id < 1) throw new Error(`fake Cekura: scenario id ${key} is not a positive integer`)
    stored.set(id, makeScenario(id, seed))
  }
  return stored
}

/** @param {number} id @param {Partial<Scenario>} seed @returns {Scenario} */
function makeScenario(id, seed) {
  return structuredClone({ name: `Scenario ${id}`, agent: DEMO_AGENT_ID, instructions: '', expected_outcome_prompt: '', ...seed, id })
}

// ---------------------------------------------------------------------------------------------------
// The server

/**
 * @param {FakeCekuraOptions} [options]
 * @returns {Promise<FakeCekura>}
 */
export async function startFakeCekura(options = {}) {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY
  const host = options.host ?? '127.0.0.1'
  const projectId = options.projectId ?? 1
  const answerProjectId = options.answerProjectId ?? true
  let organizationKey = options.organizationKey ?? false
  /** @type {Map<string, Job>} */
  const custom = new Map(Object.entries(options.jobs ?? {}))
  /** @type {Map<string, { count: number, firstAt: number }>} */
  const state = new Map()
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {StartedJob[]} */
  const started = []
  /** @type {Map<string, Job>} */
  const startedJobs = new Map()
  const scenarioSeeds = options.scenarios ?? DEMO_SCENARIOS
  let scenarios = seedScenarios(scenarioSeeds)
  /** @type {Map<string, Phase[]>} */
  const faultPhases = new Map(Object.entries(options.faults ?? {}))
  /** @type {Map<string, { count: number, firstAt: number }>} */
  const faultState = new Map()
  /** @type {StartJobSpec} */
  let startJob = options.startJob ?? DEFAULT_START_JOB
  checkStartJob(startJob)
  /** @type {Set<import('node:http').ServerResponse>} */
  const hung = new Set()
  /** Started jobs not yet answered with a final status. @type {Set<string>} */
  const running = new Set()
  const concurrency = {
    peak: 0,
    /** @type {number | undefined} */
    limit: options.maxRunningJobs,
    /** @type {Array<{ at: number, running: number, limit: number }>} */
    overLimit: []
  }
  /** Bytes of a streamed body written so far, by request. @type {Map<RecordedRequest, number>} */
  const streamed = new Map()
  const log = options.log ?? (() => {})

  /** A job registered under `id`, or undefined. @param {string} id @returns {Job | undefined} */
  function lookupJob(id) {
    const found = startedJobs.get(id) ?? custom.get(id) ?? NAMED_JOBS[id]
    if (found) return found
    for (const [pattern, make] of JOB_PATTERNS) {
      const match = pattern.exec(id)
      if (match) return make(match)
    }
    return undefined
  }

  /** @param {string} id @returns {Job} */
  function jobFor(id) {
    return lookupJob(id) ?? UNKNOWN_JOB
  }

  /** Fails at once on a start-job name that means nothing. @param {StartJobSpec} spec */
  function checkStartJob(spec) {
    if (typeof spec !== 'string') return
    if (START_PATTERNS.some(([pattern]) => pattern.test(spec)) || spec === 'not-found') return
    if (custom.has(spec) || NAMED_JOBS[spec] || JOB_PATTERNS.some(([pattern]) => pattern.test(spec))) return
    throw new Error(
      `fake Cekura: unknown start job '${spec}': use answer-after-<N>, answer-in-<MS>ms or a progress id the fake knows (${Object.keys(NAMED_JOBS).join(', ')})`
    )
  }

  /** @param {StartContext} ctx @returns {Job} */
  function jobForStart(ctx) {
    const chosen = typeof startJob === 'function' ? startJob(ctx) : startJob
    if (typeof chosen !== 'string') return chosen
    for (const [pattern, make] of START_PATTERNS) {
      const match = pattern.exec(chosen)
      if (match) return make(match, ctx)
    }
    const job = lookupJob(chosen)
    if (job === undefined && chosen !== 'not-found') throw new Error(`fake Cekura: unknown start job '${chosen}'`)
    return job ?? UNKNOWN_JOB
  }

  const origins = { self: '', other: '' }

  /**
   * @param {'main' | 'other'} server
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(server, req, res) {
    const at = performance.now()
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const target = new URL(req.url ?? '/', 'http://fake.invalid')
    /** @type {Record<string, string>} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    const body = Buffer.concat(chunks).toString('utf8')
    /** @type {unknown} */
    let json
    try {
      json = body === '' ? undefined : JSON.parse(body)
    } catch {
      json = undefined
    }
    const path = decodeURIComponent(target.pathname)
    const method = req.method ?? ''
    /** @type {RecordedRequest} */
    const record = {
      server,
      method,
      path,
      url: req.url ?? '/',
      query: Object.fromEntries(target.searchParams),
      headers,
      body,
      at,
      progressId: target.searchParams.get('progress_id') ?? undefined,
      endpoint: server === 'main' ? route(path, method)?.endpoint : undefined,
      json,
      response: undefined
    }
    requests.push(record)

    let reply = await decide(server, record)
    if (reply.normal) reply = { status: 500, json: { detail: 'fake Cekura: replies.normal is only for faults' } }
    if (reply.delayMs) await new Promise(resolve => setTimeout(resolve, reply.delayMs))
    log(`${record.method} ${record.url} -> ${reply.hang ? 'hang' : reply.reset ? 'reset' : reply.redirectTo ? 302 : (reply.status ?? 200)}`)
    if (reply.reset) {
      res.socket?.destroy()
      return
    }
    if (reply.hang) {
      hung.add(res)
      res.on('close', () => hung.delete(res))
      return
    }
    send(record, res, reply)
  }

  /**
   * @param {'main' | 'other'} server @param {RecordedRequest} record
   * @returns {Promise<Reply>}
   */
  async function decide(server, record) {
    if (server === 'other') {
      // A client that followed the redirect: answer as if all were well, so such a client would report
      // success and the test notices.
      return { json: { status: 'completed', instructions: 'served by the redirect target host' } }
    }
    const found = route(record.path, record.method)
    if (!found) return { status: 404, json: { detail: 'Not found.' } }
    if (!found.allow.split(', ').includes(record.method)) {
      return { status: 405, headers: { Allow: found.allow }, json: { detail: `Method "${record.method}" not allowed.` } }
    }
    if (record.headers['x-cekura-api-key'] !== apiKey) return { status: 401, json: { detail: 'Invalid API key.' } }
    if (found.endpoint === 'progress') return progress(record)

    /** @type {Record<string, unknown>} */
    let data = {}
    if (record.method === 'POST' || record.method === 'PATCH') {
      const type = (record.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      if (type !== 'application/json') {
        return { status: 415, json: { detail: `Unsupported media type "${record.headers['content-type'] ?? ''}" in request.` } }
      }
      let parsed
      try {
        parsed = record.body.trim() === '' ? {} : JSON.parse(record.body)
      } catch (error) {
        return { status: 400, json: { detail: `JSON parse error - ${error instanceof Error ? error.message : String(error)}` } }
      }
      const schema = found.endpoint === 'improve' ? IMPROVE_SCHEMA : found.endpoint === 'generate' ? GENERATE_SCHEMA : PATCH_SCHEMA
      const errors = schemaErrors(parsed, schema)
      if (errors) return { status: 400, json: errors }
      data = /** @type {Record<string, unknown>} */ (parsed)
    }

    const fault = faultReply(found.endpoint, record)
    if (fault && !fault.normal) return fault

    switch (found.endpoint) {
      case 'generate':
      case 'improve':
        return startAJob(found.endpoint, data, record)
      case 'scenario-get': {
        const scenario = scenarios.get(/** @type {number} */ (found.scenarioId))
        return scenario ? { json: scenario } : { status: 404, json: { detail: 'Not found.' } }
      }
      case 'scenario-patch': {
        const id = /** @type {number} */ (found.scenarioId)
        const scenario = scenarios.get(id)
        if (!scenario) return { status: 404, json: { detail: 'Not found.' } }
        for (const field of Object.keys(PATCH_SCHEMA)) {
          if (field in data) scenario[field] = data[field]
        }
        return { json: scenario }
      }
    }
    return { status: 500, json: { detail: `fake Cekura: no handler for ${found.endpoint}` } }
  }

  /** The answer a fault sets for this request, if any. @param {Endpoint} endpoint @param {RecordedRequest} record */
  function faultReply(endpoint, record) {
    const phases = faultPhases.get(endpoint)
    if (!phases) return undefined
    const now = performance.now()
    const entry = faultState.get(endpoint) ?? { count: 0, firstAt: now }
    entry.count += 1
    faultState.set(endpoint, entry)
    const phase = faultPhase(phases, entry.count, now - entry.firstAt)
    if (!phase) return undefined
    return resolveReply(phase.reply, {
      progressId: '',
      key: record.headers['x-cekura-api-key'] ?? '',
      count: entry.count,
      elapsedMs: now - entry.firstAt,
      request: record,
      selfOrigin: origins.self,
      otherOrigin: origins.other
    })
  }

  /**
   * @param {'generate' | 'improve'} kind @param {Record<string, unknown>} body @param {RecordedRequest} record
   * @returns {Reply}
   */
  function startAJob(kind, body, record) {
    const progressId = randomUUID()
    const job = jobForStart({ kind, body, progressId, request: record })
    startedJobs.set(progressId, job)
    started.push({ kind, progressId, body, job })
    running.add(progressId)
    concurrency.peak = Math.max(concurrency.peak, running.size)
    if (concurrency.limit !== undefined && running.size > concurrency.limit) {
      concurrency.overLimit.push({ at: record.at, running: running.size, limit: concurrency.limit })
    }
    return { json: answerProjectId ? { progress_id: progressId, project_id: projectId } : { progress_id: progressId } }
  }

  /**
   * The answer to a progress request whose tenant scope does not fit, or undefined when it fits.
   * @param {RecordedRequest} record @param {string} id @returns {Reply | undefined}
   */
  function checkScope(record, id) {
    const { project_id: project, agent_id: agent, assistant_id: assistant } = record.query
    if (project === undefined && agent === undefined && assistant === undefined) {
      return organizationKey ? { status: 400, json: { detail: 'Please provide one of the required query parameter' } } : undefined
    }
    for (const [name, value] of /** @type {const} */ ([
      ['project_id', project],
      ['agent_id', agent]
    ])) {
      if (value !== undefined && !/^\d+$/.test(value)) return { status: 400, json: { [name]: [MSG.integer] } }
    }
    if (project !== undefined && Number(project) !== projectId) return { status: 404, json: { detail: 'Not found.' } }
    const startedBy = started.find(job => job.progressId === id)?.body.agent
    if (agent !== undefined && startedBy !== undefined && Number(agent) !== startedBy)
      return { status: 404, json: { detail: 'Not found.' } }
    return undefined
  }

  /** @param {RecordedRequest} record @returns {Reply} */
  function progress(record) {
    const id = record.progressId
    if (id === undefined || id === '') return { status: 400, json: { progress_id: ['This field is required.'] } }
    const refused = checkScope(record, id)
    if (refused) return refused

    const now = performance.now()
    const entry = state.get(id) ?? { count: 0, firstAt: now }
    entry.count += 1
    state.set(id, entry)
    const ctx = {
      progressId: id,
      key: record.headers['x-cekura-api-key'] ?? '',
      count: entry.count,
      elapsedMs: now - entry.firstAt,
      request: record,
      selfOrigin: origins.self,
      otherOrigin: origins.other
    }
    const job = jobFor(id)
    const reply = resolveReply(currentPhase(job, entry.count, ctx.elapsedMs).reply, ctx)
    if (running.has(id) && isFinal(reply)) running.delete(id)
    return reply
  }

  /**
   * @param {RecordedRequest} record
   * @param {import('node:http').ServerResponse} res
   * @param {Reply} reply
   */
  function send(record, res, reply) {
    /** @type {Record<string, string>} */
    const headers = { ...reply.headers }
    let status = reply.status ?? 200
    let body = ''
    if (reply.stream !== undefined) {
      streamBody(record, res, status, headers, reply.stream)
      return
    }
    if (reply.bytes !== undefined) {
      headers['Content-Type'] = reply.contentType ?? 'application/json'
      headers['Content-Length'] = String(reply.bytes.length)
      record.response = { status, headers, body: Buffer.from(reply.bytes).toString('latin1') }
      res.writeHead(status, headers)
      res.end(reply.bytes)
      return
    }
    if (reply.redirectTo !== undefined) {
      status = reply.status ?? 302
      headers.Location = reply.redirectTo
      body = JSON.stringify({ detail: 'Moved.' })
      headers['Content-Type'] = 'application/json'
    } else if (reply.text !== undefined) {
      body = reply.text
      headers['Content-Type'] = reply.contentType ?? 'application/json'
    } else {
      body = JSON.stringify(reply.json ?? {})
      headers['Content-Type'] = 'application/json'
    }
    headers['Content-Length'] = String(Buffer.byteLength(body))
    record.response = { status, headers, body }
    res.writeHead(status, headers)
    if (reply.trickle !== undefined && body.length > 0) {
      trickleBody(res, Buffer.from(body), reply.trickle)
      return
    }
    res.end(body)
  }

  /**
   * Writes `spec.bytes` bytes of a JSON string that never closes, in chunks, as fast as the client reads.
   * @param {RecordedRequest} record @param {import('node:http').ServerResponse} res @param {number} status
   * @param {Record<string, string>} headers @param {{ bytes: number, chunkBytes?: number }} spec
   */
  function streamBody(record, res, status, headers, spec) {
    const head = '{"status":"in_progress","padding":"'
    const chunk = Buffer.alloc(spec.chunkBytes ?? 64 * 1024, 'x')
    let left = spec.bytes
    record.response = { status, headers: { ...headers, 'Content-Type': 'application/json' }, body: `${head}… (${spec.bytes} bytes)` }
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json' })
    res.write(head)
    left -= head.length
    streamed.set(record, head.length)
    hung.add(res)
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
        left -= piece.length
        streamed.set(record, (streamed.get(record) ?? 0) + piece.length)
        if (!res.write(piece)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end()
    }
    res.on('close', () => hung.delete(res))
    pump()
  }

  /**
   * @param {import('node:http').ServerResponse} res @param {Buffer} body
   * @param {{ pieces: number, intervalMs: number }} spec
   */
  function trickleBody(res, body, spec) {
    const size = Math.max(1, Math.ceil(body.length / Math.max(1, spec.pieces)))
    let offset = 0
    hung.add(res)
    res.on('close', () => hung.delete(res))
    const next = () => {
      if (res.destroyed) return
      const piece = body.subarray(offset, offset + size)
      offset += piece.length
      if (offset >= body.length) {
        res.end(piece)
        return
      }
      res.write(piece)
      setTimeout(next, spec.intervalMs)
    }
    next()
  }

  /** @param {'main' | 'other'} server */
  function listener(server) {
    /** @type {import('node:http').RequestListener} */
    return (req, res) => {
      handle(server, req, res).catch(error => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ detail: `fake Cekura broke: ${String(error)}` }))
        }
      })
    }
  }

  const main = createServer(listener('main'))
  await listen(main, options.port ?? 0, host)
  const port = /** @type {import('node:net').AddressInfo} */ (main.address()).port

  // The redirect target: another origin ("localhost" instead of 127.0.0.1, and another port). It listens
  // on both loopback addresses because "localhost" may resolve to ::1 first, and a client that wrongly
  // follows the redirect must reach it so that the leak is recorded rather than hidden by ECONNREFUSED.
  const others = [createServer(listener('other'))]
  await listen(others[0], 0, '127.0.0.1')
  const otherPort = /** @type {import('node:net').AddressInfo} */ (others[0].address()).port
  const otherV6 = createServer(listener('other'))
  try {
    await listen(otherV6, otherPort, '::1')
    others.push(otherV6)
  } catch {
    // No IPv6 loopback here; localhost then means 127.0.0.1 only.
  }

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  origins.self = url
  origins.other = `http://localhost:${otherPort}`

  return {
    url,
    port,
    otherUrl: origins.other,
    requests,
    started,
    streamed,
    setJob(id, job) {
      custom.set(id, job)
      state.delete(id)
    },
    setStartJob(spec) {
      checkStartJob(spec)
      startJob = spec
    },
    setFault(endpoint, phases) {
      if (phases === undefined) faultPhases.delete(endpoint)
      else faultPhases.set(endpoint, phases)
      faultState.delete(endpoint)
    },
    scenario(id) {
      const scenario = scenarios.get(id)
      return scenario === undefined ? undefined : structuredClone(scenario)
    },
    setOrganizationKey(on) {
      organizationKey = on
    },
    setScenario(id, scenario) {
      scenarios.set(id, makeScenario(id, scenario))
    },
    get running() {
      return running.size
    },
    get peakRunning() {
      return concurrency.peak
    },
    overLimit: concurrency.overLimit,
    setMaxRunningJobs(limit) {
      concurrency.limit = limit
    },
    reset() {
      streamed.clear()
      requests.length = 0
      started.length = 0
      running.clear()
      concurrency.peak = 0
      concurrency.overLimit.length = 0
      state.clear()
      startedJobs.clear()
      faultState.clear()
      scenarios = seedScenarios(scenarioSeeds)
    },
    async close() {
      for (const res of hung) res.destroy()
      await Promise.all(
        [main, ...others].map(
          server =>
            new Promise(resolve => {
              server.close(() => resolve(undefined))
              server.closeAllConnections()
            })
        )
      )
    }
  }
}

/**
 * @param {import('node:http').Server} server @param {number} port @param {string} host
 * @returns {Promise<void>}
 */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

// ---------------------------------------------------------------------------------------------------
// CLI

/** What a job started through the CLI's server does: request-made text, over about 3 s. */
export const CLI_START_JOB = 'answer-in-3000ms'

const CLI_USAGE = `usage: node __tests__/support/fake-cekura.mjs [options]

A fake Cekura API on real HTTP, for trying the action without a Cekura account. It runs until
SIGINT or SIGTERM. docs/fake-servers.md describes its endpoints and the progress ids it knows.

options:
  --port <n>          port to listen on (default 8787; 0 picks a free one)
  --host <address>    address to listen on (default 127.0.0.1)
  --api-key <key>     the X-CEKURA-API-KEY it accepts (default $FAKE_CEKURA_API_KEY, else ${DEFAULT_API_KEY})
  --start-job <job>   what a job started by POST does (default ${CLI_START_JOB}): answer-in-<MS>ms
                      completes MS ms after its first poll, answer-after-<N> on poll N, and a
                      progress id the fake knows behaves as that job (demo-fail, never, ...)
  --organization-key  act as an organization-level key: a progress request naming no tenant
                      (project_id, agent_id or assistant_id) gets 400
  --verbose           log every request and its answer to stderr
  -h, --help          print this help and exit
`

/** @param {string[]} argv */
function parseArgs(argv) {
  return parseOptions(argv, {
    defaults: {
      port: 8787,
      host: '127.0.0.1',
      apiKey: process.env.FAKE_CEKURA_API_KEY || DEFAULT_API_KEY,
      startJob: CLI_START_JOB,
      organizationKey: false,
      verbose: false
    },
    values: { '--port': 'port', '--host': 'host', '--api-key': 'apiKey', '--start-job': 'startJob' },
    flags: { '--organization-key': 'organizationKey', '--verbose': 'verbose' },
    usage: `fake-cekura.mjs [--port 8787] [--host 127.0.0.1] [--api-key KEY] [--start-job ${CLI_START_JOB}] [--organization-key] [--verbose]`
  })
}

await runFakeCli(import.meta.url, {
  parse: parseArgs,
  help: CLI_USAGE,
  async start(args) {
    const fake = await startFakeCekura({
      port: args.port,
      host: args.host,
      apiKey: args.apiKey,
      organizationKey: args.organizationKey,
      startJob: args.startJob,
      log: args.verbose ? line => console.error(`fake Cekura: ${line}`) : undefined
    })
    console.log(`fake Cekura listening on ${fake.url}`)
    for (const scenario of Object.values(DEMO_SCENARIOS)) {
      console.log(`  scenario ${scenario.id} (agent ${String(scenario.agent)}): ${scenario.name}`)
    }
    console.log(`  jobs started by POST: ${args.startJob}`)
    return fake
  }
})
