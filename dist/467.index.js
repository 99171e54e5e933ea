export const id = 467;
export const ids = [467];
export const modules = {

/***/ 4848:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  commentKey: () => (/* reexport */ commentKey),
  postComment: () => (/* reexport */ postComment),
  renderBatchComment: () => (/* reexport */ renderBatchComment),
  renderComment: () => (/* reexport */ renderComment),
  workflowRunUrl: () => (/* reexport */ workflowRunUrl)
});

// EXTERNAL MODULE: ./src/report/batch-sections.ts
var batch_sections = __webpack_require__(6259);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(4285);
// EXTERNAL MODULE: ./src/report/sections.ts
var sections = __webpack_require__(3844);
;// CONCATENATED MODULE: ./src/report/comment.ts


/** GitHub rejects a comment body longer than this. */
const COMMENT_LIMIT_CHARS = 65_536;
/**
 * What a rendered comment stays under, in UTF-8 bytes (never fewer than characters, however GitHub
 * counts them). The margin absorbs the little text added around the budgeted parts.
 */
const COMMENT_TARGET_BYTES = 60_000;
/** Caps for the parts other than the instructions, so that a huge one cannot crowd them out. */
const ERROR_BYTES = 4000;
const REQUEST_BYTES = 4000;
const EXPECTED_BYTES = 8000;
const DIFF_BYTES = 16_000;
/** Room for the instructions heading, its collapsible wrapper and its truncation note. */
const FRAME_RESERVE_BYTES = 1500;
const MAX_SHOWN_HEADER = 100;
// Written out rather than formatted with toLocaleString, which would start ICU on every run (~20 ms).
const LIMIT = 'GitHub limits a comment to 65,536 characters';
const MARKER_NAME = 'cekura-instructions-action';
/** Percent-encodes what could end the HTML comment early (`>`, `!`, line breaks) and what the default key uses (`;`). */
function encodeKey(key) {
    return Array.from(key, char => /[A-Za-z0-9 ._~:/@+=,()-]/.test(char)
        ? char
        : Array.from(Buffer.from(char, 'utf8'), byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')).join('');
}
/**
 * The hidden first line that lets a later run find a comment with this header again. No header can
 * break out of it, and none can spell a default key (those use `;`, which a header's encoding never leaves bare).
 */
function commentMarker(header) {
    const key = header.trim() === '' ? 'default' : header.trim();
    return `<!-- ${MARKER_NAME}:${encodeKey(key)} -->`;
}
/**
 * A 64-bit digest of a text as 16 hex digits: two 32-bit lanes of FNV-1a over the UTF-16 code units,
 * the second seeded differently and stirred with the first. Not for secrecy: it only tells texts apart,
 * without loading node:crypto into every run.
 */
function digest(text) {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        a = Math.imul(a ^ code, 0x01000193);
        b = Math.imul(b ^ code, 0x01000193) ^ (a >>> 15);
    }
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
/** Object keys sorted at every level, so that the same matrix leg always reads the same. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (typeof value === 'object' && value !== null) {
        const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}
/**
 * The leg of a matrix this run is, from the matrix input: its identity (stable while the leg's values
 * stay the same) and how the heading names it. Undefined outside a matrix, and when a runner left the
 * default's expression unevaluated.
 */
function matrixLeg(matrix) {
    const text = (matrix ?? '').trim();
    if (text === '' || text === 'null' || text.startsWith('${{'))
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        // Not JSON: a value the workflow chose, such as `${{ matrix.os }}`; it is its own name.
        return { id: digest(text), label: text };
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const entries = Object.entries(parsed);
        if (entries.length === 0)
            return undefined;
        const label = entries.map(([name, value]) => `${name}: ${typeof value === 'string' ? value : canonicalJson(value)}`).join(', ');
        return { id: digest(canonicalJson(parsed)), label };
    }
    return parsed === null ? undefined : { id: digest(canonicalJson(parsed)), label: typeof parsed === 'string' ? parsed : text };
}
/**
 * The key of this run's comment. A comment-header is the whole key, as it always was. Without one the
 * key is the job's, and each leg of a matrix has its own, so that jobs and legs keep separate comments
 * without anyone setting a header; the default comment of earlier versions (one per pull request) is
 * named as the legacy marker, so that it can be found and taken over.
 */
function commentKey(source) {
    const header = source.header.trim();
    if (header !== '')
        return { marker: commentMarker(header), legacyMarkers: [], label: header, matrixLeg: false };
    const job = (source.job ?? '').trim();
    const leg = matrixLeg(source.matrix);
    const legacy = commentMarker('');
    if (job === '' && leg === undefined)
        return { marker: legacy, legacyMarkers: [], label: '', matrixLeg: false };
    const parts = ['default', ...(job === '' ? [] : [`job=${encodeKey(job)}`]), ...(leg === undefined ? [] : [`leg=${leg.id}`])];
    return {
        marker: `<!-- ${MARKER_NAME}:${parts.join(';')} -->`,
        legacyMarkers: [legacy],
        label: leg?.label ?? '',
        matrixLeg: leg !== undefined
    };
}
const FINGERPRINT = new RegExp(`^<!-- ${MARKER_NAME} content=([0-9a-f]{16}) -->$`);
/**
 * The content fingerprint a comment we wrote carries on its second line: a digest of everything but
 * the run's own facts (elapsed time, polls, the run's link). Undefined for other comments, and for
 * ours from versions that wrote none.
 */
function commentFingerprint(body) {
    const lines = body.split('\n', 3);
    return FINGERPRINT.exec(lines[1] ?? '')?.[1];
}
/** The run's page, from the variables the runner sets; undefined when they are missing or odd. */
function workflowRunUrl(env) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const repository = env.GITHUB_REPOSITORY ?? '';
    const runId = env.GITHUB_RUN_ID ?? '';
    // Only characters that cannot end a Markdown link or a table cell.
    if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~%/-]*)?$/.test(server))
        return undefined;
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) || !/^\d+$/.test(runId))
        return undefined;
    return `${server}/${repository}/actions/runs/${runId}`;
}
/**
 * GitHub ignores `@mentions` and `#123` / `GH-123` references inside `<pre>` and code blocks, which
 * is where the texts go. This is a second line of defence, in the comment's copy only (the outputs,
 * the file and the job summary keep the exact text): a zero-width joiner after `@`, `#` and `GH-`
 * means that even a renderer that did scan the text would notify no one and add no cross-reference
 * to any issue. The text still reads the same.
 */
function defang(text) {
    return text.replace(/[@#]/g, '$&\u200D').replace(/\b(GH)-(?=\d)/gi, '$1-\u200D');
}
const LATER_RUNS = {
    update: 'later runs update this comment in place',
    recreate: 'later runs replace this comment with a new one',
    'hide-and-recreate': 'later runs hide this comment as outdated and post a new one',
    delete: 'later runs delete this comment'
};
/**
 * The pull-request comment for one ending, as Markdown: a sibling of the job summary, led by the
 * hidden marker that finds it again and the fingerprint of its content. Pure: the caller posts it.
 */
function renderComment(report, context) {
    return fingerprinted(renderBody(report, context), renderBody(withoutRunFacts(report), { ...context, runUrl: undefined }));
}
/**
 * A report as every run of the same request would report it: no time taken, no polls, and no progress
 * id when the run started the job (each run starts its own; in poll mode the id is the input).
 */
function withoutRunFacts(report) {
    // Stryker disable next-line StringLiteral: any constant would do; fingerprints are only compared with each other
    const progressId = report.mode === 'poll' ? report.outcome.progressId : '';
    return { ...report, outcome: { ...report.outcome, elapsedMs: 0, polls: 0, progressId } };
}
/**
 * A comment with the fingerprint on its second line, after the marker. `neutral` is the same comment
 * rendered without the run's own facts (withoutRunFacts, no run link): what a re-run compares to decide
 * whether anything changed.
 */
function fingerprinted(body, neutral) {
    const [marker, ...rest] = body.split('\n');
    return [marker, `<!-- ${MARKER_NAME} content=${digest(neutral)} -->`, ...rest].join('\n');
}
/** The comment's last line: who posted it, from which run, and what later runs do to it. */
function commentFooter(run, mode, job) {
    return `<sub>Posted by the Cekura Scenario Instructions action from ${job === undefined ? '' : `job ${(0,markdown/* cellText */.Ie)(job)} of `}${run}; ${LATER_RUNS[mode ?? 'update']}.</sub>\n`;
}
/**
 * The parts every comment starts with, a single job's or a batch's: the key's marker, the heading with
 * the key's label, the facts table with a row for the run, and the error when there is one.
 */
function commentHead(context, statusLine, facts, error) {
    const key = context.key ?? commentKey({ header: context.header });
    const label = key.label.trim().replace(/\s+/g, ' ');
    const shown = label.length > MAX_SHOWN_HEADER ? `${label.slice(0, MAX_SHOWN_HEADER)}…` : label;
    const runRow = context.runUrl === undefined
        ? ''
        : `| Workflow run | [run ${context.runUrl.slice(context.runUrl.lastIndexOf('/') + 1)}](${context.runUrl}) |\n`;
    const head = [
        key.marker,
        `## Cekura scenario instructions${shown === '' ? '' : ` (${(0,markdown/* headingText */.ky)(shown)})`}: ${statusLine}\n`,
        facts + runRow
    ];
    if (error !== '') {
        const fitted = (0,markdown/* fitShown */.dO)(error, ERROR_BYTES, defang);
        head.push(`### Error\n\n${(0,markdown/* preBlock */.DI)(defang(fitted.text) + (fitted.truncated ? ' …' : ''))}\n`);
    }
    return head;
}
function renderBody(report, context) {
    const { outcome } = report;
    const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`;
    const job = context.header.trim() === '' && context.job !== undefined && context.job.trim() !== '' ? context.job.trim() : undefined;
    const whereWhole = (output) => `the job summary of ${run} and in the step's \`${output}\` output`;
    const head = commentHead(context, sections/* STATUS_LABEL */._P[outcome.status], (0,sections/* factsTable */.wd)({ ...report, outcome: { ...outcome, progressId: defang(outcome.progressId) } }, undefined), outcome.error);
    if (report.extraInstructions !== undefined) {
        head.push((0,markdown/* textSection */.V_)('Request', report.extraInstructions, REQUEST_BYTES, {
            whereWhole: 'the extra-instructions input',
            limit: LIMIT,
            show: defang
        }));
    }
    // The parts after the instructions are made first, so the instructions get whatever room is left.
    const tail = [];
    if (outcome.status === 'completed' && report.currentInstructions !== undefined) {
        // Defanging line by line keeps equal lines equal, so the diff is the same diff.
        tail.push((0,sections/* diffSection */.Zs)(defang(report.currentInstructions), defang(outcome.instructions), DIFF_BYTES));
    }
    if (outcome.expectedOutcome !== '') {
        tail.push((0,markdown/* textSection */.V_)('Expected outcome', outcome.expectedOutcome, EXPECTED_BYTES, {
            whereWhole: whereWhole('expected-outcome'),
            limit: LIMIT,
            show: defang
        }));
    }
    tail.push(commentFooter(run, context.mode, job));
    const body = [...head];
    if (outcome.status === 'completed') {
        const used = Buffer.byteLength([...head, ...tail].join('\n'));
        const room = COMMENT_TARGET_BYTES - FRAME_RESERVE_BYTES - used;
        body.push((0,markdown/* textSection */.V_)('Instructions', outcome.instructions, room, { whereWhole: whereWhole('instructions'), limit: LIMIT, show: defang }));
    }
    return [...body, ...tail].join('\n');
}

;// CONCATENATED MODULE: ./src/report/batch-comment.ts



const batch_comment_REQUEST_BYTES = 4000;
const SECTION_BYTES = 16_000;
/**
 * A table row's error. A hundred rows of errors made of marks a cell escapes (six bytes each shown) would
 * fill the comment on their own; this keeps the table to about 30 KB however the errors read.
 */
const ERROR_CELL = { chars: 100, bytes: 240 };
const batch_comment_LIMIT = 'GitHub limits a comment to 65,536 characters';
/**
 * The pull-request comment for a batch, as Markdown: one comment for every scenario, led by the same
 * hidden marker and fingerprint line as a single job's (so the comment-header rules are the same, and an
 * unchanged batch is not rewritten by comment-mode update), with the table and one
 * collapsed diff per scenario, within GitHub's limit. Sections that do not fit are named, with a
 * pointer to the job summary and the files. Pure: the caller posts it.
 */
function renderBatchComment(batch, context) {
    const neutral = { ...batch, elapsedMs: 0, polls: 0, reports: batch.reports.map(withoutRunFacts) };
    return fingerprinted(batch_comment_renderBody(batch, context), batch_comment_renderBody(neutral, { ...context, runUrl: undefined }));
}
function batch_comment_renderBody(batch, context) {
    const run = context.runUrl === undefined ? 'the workflow run' : `[the workflow run](${context.runUrl})`;
    const head = commentHead(context, (0,batch_sections/* batchStatusLine */.V1)(batch), (0,batch_sections/* batchFacts */.wy)(batch, undefined), batch.error);
    head.push((0,markdown/* textSection */.V_)('Request', batch.extraInstructions, batch_comment_REQUEST_BYTES, {
        whereWhole: 'the extra-instructions input',
        limit: batch_comment_LIMIT,
        show: defang
    }));
    head.push(`### Scenarios\n\n${(0,batch_sections/* batchTable */.Fu)(batch, ERROR_CELL, defang)}`);
    const footer = commentFooter(run, context.mode);
    // Stryker disable next-line StringLiteral: the few separator bytes are well inside the 5 KiB between the target and GitHub's limit
    const used = Buffer.byteLength([...head, footer].join('\n'));
    const { sections, omitted } = (0,batch_sections/* fitSections */.WK)(batch.reports, COMMENT_TARGET_BYTES - used - batch_sections/* OMITTED_NOTE_BYTES */.sO, SECTION_BYTES, defang);
    const where = `Every scenario's diff is in the job summary of ${run}, and the new texts in the files of the step's \`instructions-dir\` output.`;
    return [...head, ...sections, (0,batch_sections/* omittedNote */.Vg)(omitted, batch_comment_LIMIT, where), footer].filter(part => part !== '').join('\n');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(3340);
// EXTERNAL MODULE: ./src/base/text.ts
var base_text = __webpack_require__(766);
// EXTERNAL MODULE: ./src/base/version.ts
var version = __webpack_require__(2301);
// EXTERNAL MODULE: ./src/base/duration.ts
var duration = __webpack_require__(5937);
// EXTERNAL MODULE: ./src/base/sleep.ts
var sleep = __webpack_require__(1066);
;// CONCATENATED MODULE: ./src/github/rate-limit.ts



/** Without a `retry-after`, GitHub's advice for a secondary limit: wait at least a minute. */
const SECONDARY_DEFAULT_WAIT_MS = 60_000;
/** A margin after `x-ratelimit-reset`, for the clocks of the runner and GitHub to disagree a little. */
const RESET_MARGIN_MS = 1000;
/** Time a retried request itself needs, so that a wait that leaves less is not worth starting. */
const REQUEST_ROOM_MS = 500;
/** More rate limits than this in one comment, and GitHub is not going to let us through. */
const MAX_RATE_LIMIT_RETRIES = 5;
function header(headers, name) {
    const value = headers[name];
    return value === undefined || value === null ? undefined : String(value).trim();
}
/**
 * Whether an answer is a rate limit, and how long to wait: pure, from the status, the headers
 * (lowercase names), the message and the current time in epoch milliseconds.
 */
function rateLimitWait(status, headers, message, nowMs) {
    if (status !== 403 && status !== 429)
        return undefined;
    const remaining = header(headers, 'x-ratelimit-remaining');
    const retryAfter = header(headers, 'retry-after');
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    const primary = remaining === '0';
    if (retryAfter !== undefined && retryAfter !== '') {
        let waitMs;
        if (/^\d+(\.\d+)?$/.test(retryAfter))
            waitMs = Number(retryAfter) * 1000;
        else if (!Number.isNaN(Date.parse(retryAfter)))
            waitMs = Math.max(0, Date.parse(retryAfter) - nowMs);
        if (waitMs !== undefined)
            return { kind: primary ? 'primary' : 'secondary', waitMs };
    }
    if (primary && Number.isFinite(reset) && reset > 0) {
        const resetAtMs = reset * 1000;
        return { kind: 'primary', waitMs: Math.max(0, resetAtMs - nowMs) + RESET_MARGIN_MS, resetAtMs };
    }
    if (primary)
        return { kind: 'primary', waitMs: SECONDARY_DEFAULT_WAIT_MS };
    if (status === 429 || /secondary rate limit|abuse detection/i.test(message)) {
        return { kind: 'secondary', waitMs: SECONDARY_DEFAULT_WAIT_MS };
    }
    return undefined;
}
/** The clock time of an epoch instant as people read it in a log: `14:05:09 UTC`. */
function clockTime(epochMs) {
    return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}
/** A rate limit that lasts past the comment's time budget: the comment is given up. */
class RateLimitedError extends Error {
    wait;
    name = 'RateLimitedError';
    constructor(wait, leftMs, nowMs) {
        const until = wait.resetAtMs === undefined
            ? `asks to wait ${(0,duration/* formatDuration */.a)(wait.waitMs)}`
            : `is used up until ${clockTime(wait.resetAtMs)} (${(0,duration/* formatDuration */.a)(Math.max(0, wait.resetAtMs - nowMs))} from now)`;
        super(`GitHub's ${wait.kind} rate limit ${until}, more than the ${(0,duration/* formatDuration */.a)(Math.max(0, leftMs))} left for the comment, so it was given up`);
        this.wait = wait;
    }
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The rate limit an Octokit error reports, if any. */
function rateLimitOf(error, nowMs) {
    if (!isRecord(error) || typeof error.status !== 'number' || !isRecord(error.response))
        return undefined;
    const headers = isRecord(error.response.headers) ? error.response.headers : {};
    const message = typeof error.message === 'string' ? error.message : '';
    return rateLimitWait(error.status, headers, message, nowMs);
}
/**
 * Makes every request of this Octokit (REST and GraphQL alike) wait out a rate limit and try again,
 * as long as the wait ends within the comment's time budget; a longer limit throws RateLimitedError.
 */
function retryRateLimits(octokit, policy) {
    const now = policy.now ?? (() => performance.now());
    const epochNow = policy.epochNow ?? Date.now;
    const wait = policy.sleep ?? sleep/* sleep */.y;
    octokit.hook.wrap('request', async (request, options) => {
        for (let attempt = 1;; attempt++) {
            try {
                return await request(options);
            }
            catch (error) {
                const limit = rateLimitOf(error, epochNow());
                if (limit === undefined)
                    throw error;
                const leftMs = policy.deadline - now();
                if (attempt > MAX_RATE_LIMIT_RETRIES || limit.waitMs > leftMs - REQUEST_ROOM_MS || policy.signal.aborted) {
                    throw new RateLimitedError(limit, leftMs, epochNow());
                }
                policy.info((0,base_text/* oneLine */.TN)(`GitHub's ${limit.kind} rate limit answered ${options.method} ${options.url}; waiting ${(0,duration/* formatDuration */.a)(limit.waitMs)} before trying again.`));
                await wait(limit.waitMs, policy.signal);
                if (policy.signal.aborted)
                    throw new RateLimitedError(limit, policy.deadline - now(), epochNow());
            }
        }
    });
}

;// CONCATENATED MODULE: ./src/github/pr-comment.ts






/** The login of the app user that writes with the workflow's GITHUB_TOKEN. */
const ACTIONS_BOT = 'github-actions[bot]';
const PER_PAGE = 100;
/** 30,000 comments: far past any real PR, and a stop should the API keep saying "next". */
const MAX_PAGES = 300;
const DEFAULT_TIMEOUT_MS = 30_000;
const PERMISSION_HINT = 'Add `permissions: pull-requests: write` to the job (or the workflow) so that the token may comment. ' +
    'Workflows run for pull requests from forks get a read-only token whatever they ask for; ' +
    'there the comment is skipped and the job summary still has the result.';
function pr_comment_isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Which pull request a run is for, from the event name, the event payload and GITHUB_REPOSITORY. */
function pullRequestFromEvent(eventName, payload, repository) {
    const name = eventName ?? '';
    if (!pr_comment_isRecord(payload)) {
        return { kind: 'none', reason: `the ${name || 'unknown'} event has no readable payload (GITHUB_EVENT_PATH)` };
    }
    let number;
    if (name === 'issue_comment') {
        const issue = payload.issue;
        if (!pr_comment_isRecord(issue) || !pr_comment_isRecord(issue.pull_request)) {
            return { kind: 'none', reason: 'this issue_comment event is on an issue, not a pull request' };
        }
        number = issue.number;
    }
    else if (name === 'pull_request' || name === 'pull_request_target') {
        number = pr_comment_isRecord(payload.pull_request) ? payload.pull_request.number : payload.number;
    }
    else {
        return { kind: 'none', reason: `the ${name || 'unknown'} event is not for a pull request` };
    }
    if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
        return { kind: 'none', reason: `the ${name} event payload has no pull request number` };
    }
    let fullName = repository ?? '';
    if (fullName === '' && pr_comment_isRecord(payload.repository) && typeof payload.repository.full_name === 'string') {
        fullName = payload.repository.full_name;
    }
    const [owner, repo, ...rest] = fullName.split('/');
    if (!owner || !repo || rest.length > 0) {
        return { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(repository ?? '')})` };
    }
    return { kind: 'pull-request', owner, repo, number };
}
/** Events that name no pull request but run on a commit that may be one's head. */
const COMMIT_EVENTS = new Set(['push', 'workflow_dispatch', 'schedule']);
/**
 * Which pull request a run comments on: the pr-number input when given; else the one the event names;
 * else, for push, workflow_dispatch and schedule runs, the open pull request whose head is the run's commit.
 */
function commentDestination(env, payload, prNumber) {
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    let fullName = env.GITHUB_REPOSITORY ?? '';
    if (fullName === '' && pr_comment_isRecord(payload) && pr_comment_isRecord(payload.repository) && typeof payload.repository.full_name === 'string') {
        fullName = payload.repository.full_name;
    }
    const [owner, repo, ...rest] = fullName.split('/');
    const known = owner !== undefined && owner !== '' && repo !== undefined && repo !== '' && rest.length === 0;
    if (prNumber !== undefined) {
        return known
            ? { kind: 'pull-request', owner, repo, number: prNumber }
            : { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')})` };
    }
    if (COMMIT_EVENTS.has(eventName)) {
        const after = pr_comment_isRecord(payload) && typeof payload.after === 'string' ? payload.after : '';
        const sha = env.GITHUB_SHA || after;
        if (!/^[0-9a-f]{40}$/i.test(sha))
            return { kind: 'none', reason: `the ${eventName} run's commit is unknown (GITHUB_SHA is not set)` };
        if (!known) {
            return { kind: 'none', reason: `the repository is unknown (GITHUB_REPOSITORY is ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')})` };
        }
        return { kind: 'commit', owner, repo, sha: sha.toLowerCase(), event: eventName };
    }
    const target = pullRequestFromEvent(eventName || undefined, payload, env.GITHUB_REPOSITORY);
    if (target.kind === 'none' && /is not for a pull request/.test(target.reason)) {
        return { kind: 'none', reason: `${target.reason} (set pr-number to pick one)` };
    }
    return target;
}
/**
 * Whether a comment was written by the token's user. GitHub's REST answers name an app's user
 * `slug[bot]`; GraphQL's viewer may name it without the suffix, which only a user of type Bot may add.
 */
function writtenBy(user, login) {
    const author = (user?.login ?? '').toLowerCase();
    const me = login.toLowerCase();
    return author !== '' && (author === me || (user?.type === 'Bot' && author === `${me}[bot]`));
}
/**
 * What a run does, from the mode, our comments on the pull request (oldest first), the new body's
 * content fingerprint and whether this run is a matrix leg. Pure.
 */
function planComment(mode, ours, fingerprint, matrixLeg) {
    if (mode === 'delete')
        return { kind: 'remove', remove: [...ours] };
    if (mode === 'recreate')
        return { kind: 'create', remove: [...ours], hide: [] };
    if (mode === 'hide-and-recreate')
        return { kind: 'create', remove: [], hide: [...ours] };
    const current = ours.filter(comment => !comment.legacy);
    const legacy = ours.filter(comment => comment.legacy);
    const newest = current.at(-1);
    if (newest !== undefined) {
        const unchanged = fingerprint !== undefined && commentFingerprint(newest.body) === fingerprint;
        return unchanged ? { kind: 'keep', comment: newest } : { kind: 'edit', comment: newest, takeover: false };
    }
    const old = legacy.at(-1);
    // The legs of a matrix run at once and share the job: each would take the one old comment over in
    // turn. They post their own and hide it instead, which is the same however many do it.
    if (old !== undefined && !matrixLeg)
        return { kind: 'edit', comment: old, takeover: true };
    return { kind: 'create', remove: [], hide: legacy };
}
function readPayload(path, log) {
    if (!path)
        return undefined;
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
    }
    catch (error) {
        log.debug(`Could not read the event payload ${path}: ${(0,base_text/* errorMessage */.gJ)(error)}`);
        return undefined;
    }
}
/**
 * The HTTP status GitHub answered with. Octokit gives network failures status 500 too, but no
 * response; those had no answer at all.
 */
function errorStatus(error) {
    if (!pr_comment_isRecord(error) || typeof error.status !== 'number' || !pr_comment_isRecord(error.response))
        return undefined;
    return error.status;
}
function oneLineError(error) {
    return (0,base_text/* oneLine */.TN)((0,base_text/* errorMessage */.gJ)(error));
}
/** Whether a `Link` header offers another page. */
function hasNextPage(link) {
    return link !== undefined && /<[^<>]*>;\s*rel="next"/.test(link);
}
/**
 * Writes, updates, replaces, hides or deletes our comment on the run's pull request, as the mode says.
 * Never throws: every problem is a notice or a warning, and the step's outcome stays the job's.
 * Resolves to the comment that now shows the result, or undefined when there is none.
 */
async function postComment(options) {
    const log = options.log ?? core;
    try {
        const destination = commentDestination(process.env, readPayload(process.env.GITHUB_EVENT_PATH, log), options.prNumber);
        if (destination.kind === 'none') {
            log.notice(`pr-comment is on, but ${destination.reason}, so no pull-request comment was written.`);
            return undefined;
        }
        if (options.token.trim() === '') {
            log.warning('pr-comment is on, but github-token is empty, so no pull-request comment was written.');
            return undefined;
        }
        return await publishComment(destination, options, log);
    }
    catch (error) {
        const status = errorStatus(error);
        const message = oneLineError(error);
        if (error instanceof RateLimitedError) {
            log.warning(`Could not write the pull-request comment: ${message}.`);
        }
        else if (status === 403 && /resource not accessible by integration/i.test(message)) {
            log.warning(`Could not write the pull-request comment: the token may not write to this pull request (403 Resource not accessible by integration). ${PERMISSION_HINT}`);
        }
        else if (status === 401) {
            log.warning(`Could not write the pull-request comment: GitHub rejected the github-token (401 ${message}).`);
        }
        else {
            const api = process.env.GITHUB_API_URL || 'https://api.github.com';
            log.warning(`Could not write the pull-request comment (${status === undefined ? `no answer from ${api}` : `HTTP ${status}`}): ${message}`);
        }
        return undefined;
    }
}
async function publishComment(destination, options, log) {
    const { key } = options;
    const mode = options.mode ?? 'update';
    const body = options.body.startsWith(key.marker) ? options.body : `${key.marker}\n${options.body}`;
    const timeoutMs = Math.max(0, Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const deadline = performance.now() + timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    // Loaded here, not at the top, so that runs without a comment never pay for loading it.
    const github = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    // getOctokit's defaults carry the base URL (GITHUB_API_URL, for GitHub Enterprise Server) and a fetch
    // that goes through HTTPS_PROXY unless NO_PROXY exempts the host. The options here are merged over
    // those defaults shallowly, so they must not set `baseUrl` or `request`: the signal goes with each
    // call instead, where it is merged deeply.
    // Octokit's own messages (a deprecation notice quotes GitHub's Sunset and Link headers) go through the
    // log sink like all outside text, not to the console, whose stderr the runner reads for commands too.
    // They are about the API, not the user's run: shown in the log, never as annotations. The request
    // layer reads its logger from each call's `request` options, the rest of Octokit from `log`.
    const octokitLog = { debug: log.debug, info: log.debug, warn: log.info, error: log.info };
    const octokit = github.getOctokit(options.token, { userAgent: version/* USER_AGENT */._O, log: octokitLog });
    retryRateLimits(octokit, { deadline, signal, info: log.info });
    const request = { signal, log: octokitLog };
    const target = destination.kind === 'commit' ? await pullRequestOfCommit(octokit, destination, request, log) : destination;
    if (target === undefined)
        return undefined;
    const where = { owner: target.owner, repo: target.repo };
    const pr = `${target.owner}/${target.repo}#${target.number}`;
    const ours = await findOurs(octokit, target, key, options.token, request, log);
    const plan = planComment(mode, ours, commentFingerprint(body), key.matrixLeg);
    const create = async () => {
        const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body, request });
        log.info(`Commented on ${pr}: ${data.html_url}`);
        return { id: data.id, url: data.html_url };
    };
    if (plan.kind === 'keep') {
        log.info(`The comment on ${pr} is unchanged (only the run's own facts differ), so it was left as it is: ${plan.comment.url}`);
        return { id: plan.comment.id, url: plan.comment.url };
    }
    if (plan.kind === 'edit') {
        try {
            const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: plan.comment.id, body, request });
            log.info(plan.takeover
                ? `Took over the comment an earlier version of the action wrote on ${pr}, now this job's: ${data.html_url}`
                : `Updated the comment on ${pr}: ${data.html_url}`);
            return { id: data.id, url: data.html_url };
        }
        catch (error) {
            const status = errorStatus(error);
            // Deleted since it was listed, or GitHub refuses the edit: a new comment shows the result instead.
            if (status !== 404 && status !== 403)
                throw error;
            log.info(status === 404
                ? `Comment ${plan.comment.id} was gone when updating it; posting a new one.`
                : `GitHub refused to edit comment ${plan.comment.id} (403: ${oneLineError(error)}); posting a new one.`);
            return await create();
        }
    }
    // The new comment first: should anything after it fail, the pull request still shows the result.
    const posted = plan.kind === 'create' ? await create() : undefined;
    const remove = plan.remove;
    const hide = plan.kind === 'create' ? plan.hide : [];
    try {
        if (remove.length > 0)
            await removeComments(octokit, where, remove, request, log, pr);
        if (hide.length > 0)
            await hideComments(octokit, hide, request, log, pr);
    }
    catch (error) {
        if (posted === undefined)
            throw error;
        const status = errorStatus(error);
        log.warning(`Posted the new comment (${posted.url}), but could not ${remove.length > 0 ? 'delete' : 'hide'} the earlier ones` +
            `${status === undefined ? '' : ` (HTTP ${status})`}: ${oneLineError(error)}`);
    }
    if (plan.kind === 'remove' && remove.length === 0)
        log.info(`comment-mode is delete, and ${pr} has no comment of ours to delete.`);
    return posted;
}
/** The open pull request whose head is the run's commit, or undefined (with a notice) when there is none. */
async function pullRequestOfCommit(octokit, commit, request, log) {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: commit.owner,
        repo: commit.repo,
        commit_sha: commit.sha,
        per_page: PER_PAGE,
        request
    });
    const open = data
        .filter(pull => pull.state === 'open' && pull.head?.sha?.toLowerCase() === commit.sha)
        .sort((a, b) => a.number - b.number);
    const short = commit.sha.slice(0, 7);
    const [first] = open;
    if (first === undefined) {
        log.notice(`pr-comment is on, but no open pull request has commit ${short} (this ${commit.event} run's) as its head, so no pull-request comment was written; set pr-number to pick one.`);
        return undefined;
    }
    if (open.length > 1) {
        log.info(`${(0,base_text/* plural */.LS)(open.length, 'open pull request')} have commit ${short} as their head; commenting on the first, #${first.number}.`);
    }
    return { owner: commit.owner, repo: commit.repo, number: first.number };
}
/**
 * Our comments on the pull request, oldest first: the ones whose first line is the key's marker (or a
 * legacy marker of it) and whose author is the token's user. Someone else's comment that starts the
 * same way is not ours, and is left alone.
 */
async function findOurs(octokit, target, key, token, request, log) {
    const candidates = [];
    // Page by number rather than following the Link URLs, which would drop the signal and could point
    // the token at another host.
    for (let page = 1; page <= MAX_PAGES; page++) {
        const response = await octokit.rest.issues.listComments({
            owner: target.owner,
            repo: target.repo,
            issue_number: target.number,
            per_page: PER_PAGE,
            page,
            request
        });
        for (const comment of response.data) {
            // Our body starts with the marker; a quote of our comment in someone's reply does not.
            const text = comment.body ?? '';
            if (text.startsWith(key.marker))
                candidates.push({ comment, legacy: false });
            else if (key.legacyMarkers.some(marker => text.startsWith(marker)))
                candidates.push({ comment, legacy: true });
        }
        if (!hasNextPage(response.headers.link) || response.data.length === 0)
            break;
    }
    if (candidates.length === 0)
        return [];
    const login = await tokenLogin(octokit, token, request, log);
    const ours = [];
    for (const { comment, legacy } of candidates) {
        if (writtenBy(comment.user, login)) {
            ours.push({ id: comment.id, nodeId: comment.node_id, body: comment.body ?? '', url: comment.html_url, legacy });
        }
        else {
            log.info((0,base_text/* oneLine */.TN)(`Comment ${comment.id} starts with this action's marker but was written by ${comment.user?.login ?? 'someone else'}, not ${login}; it is left alone.`));
        }
    }
    return ours;
}
/**
 * The login the token writes as: the token's own user for a personal token (GET /user); for an app's
 * installation token, which may not read /user, GraphQL's viewer; failing both, the app user of the
 * workflow's GITHUB_TOKEN.
 */
async function tokenLogin(octokit, token, request, log) {
    // Installation tokens (GITHUB_TOKEN among them) start with ghs_ and are always refused /user.
    if (!token.startsWith('ghs_')) {
        try {
            const { data } = await octokit.rest.users.getAuthenticated({ request });
            if (typeof data.login === 'string' && data.login !== '')
                return data.login;
        }
        catch (error) {
            if (error instanceof RateLimitedError || errorStatus(error) === undefined || errorStatus(error) === 401)
                throw error;
            log.debug(`GET /user: ${oneLineError(error)}; asking GraphQL's viewer.`);
        }
    }
    try {
        const answer = await octokit.graphql('query { viewer { login } }', { request });
        const login = answer.viewer?.login;
        if (typeof login === 'string' && login !== '')
            return login;
    }
    catch (error) {
        if (error instanceof RateLimitedError || signalAborted(request))
            throw error;
        log.debug(`GraphQL viewer: ${oneLineError(error)}; taking the token for GITHUB_TOKEN (${ACTIONS_BOT}).`);
    }
    return ACTIONS_BOT;
}
function signalAborted(request) {
    return request.signal.aborted;
}
async function removeComments(octokit, where, comments, request, log, pr) {
    let removed = 0;
    const failed = [];
    for (const comment of comments) {
        try {
            await octokit.rest.issues.deleteComment({ ...where, comment_id: comment.id, request });
            removed++;
        }
        catch (error) {
            // Already gone is what we wanted.
            if (errorStatus(error) === 404)
                continue;
            if (error instanceof RateLimitedError || errorStatus(error) === undefined)
                throw error;
            failed.push(`${comment.id} (HTTP ${errorStatus(error)}: ${oneLineError(error)})`);
        }
    }
    if (removed > 0)
        log.info(`Deleted ${(0,base_text/* plural */.LS)(removed, 'earlier comment')} of ours on ${pr}.`);
    if (failed.length > 0)
        log.warning(`Could not delete ${(0,base_text/* plural */.LS)(failed.length, 'earlier comment')} on ${pr}: ${failed.join('; ')}.`);
}
const IS_MINIMIZED = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }';
const MINIMIZE = 'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }';
/** GraphQL's nodes() takes at most this many ids; older ones were hidden by earlier runs. */
const MAX_NODES = 100;
/** Hides our earlier comments as outdated (GraphQL minimizeComment), skipping those already hidden. */
async function hideComments(octokit, comments, request, log, pr) {
    const recent = comments.slice(-MAX_NODES);
    let visible = recent;
    try {
        const answer = await octokit.graphql(IS_MINIMIZED, {
            ids: recent.map(comment => comment.nodeId),
            request
        });
        const hidden = new Set((answer.nodes ?? []).flatMap(node => (node?.isMinimized === true && typeof node.id === 'string' ? [node.id] : [])));
        visible = recent.filter(comment => !hidden.has(comment.nodeId));
    }
    catch (error) {
        if (error instanceof RateLimitedError || signalAborted(request))
            throw error;
        log.debug(`Could not tell which earlier comments are hidden already: ${oneLineError(error)}`);
    }
    let count = 0;
    const failed = [];
    for (const comment of visible) {
        try {
            await octokit.graphql(MINIMIZE, { id: comment.nodeId, request });
            count++;
        }
        catch (error) {
            if (error instanceof RateLimitedError || signalAborted(request))
                throw error;
            failed.push(`${comment.id} (${oneLineError(error)})`);
        }
    }
    if (count > 0)
        log.info(`Hid ${(0,base_text/* plural */.LS)(count, 'earlier comment')} of ours on ${pr} as outdated.`);
    if (failed.length > 0) {
        log.warning(`Could not hide ${(0,base_text/* plural */.LS)(failed.length, 'earlier comment')} on ${pr}: ${failed.join('; ')}. Hiding needs \`permissions: pull-requests: write\`.`);
    }
}

;// CONCATENATED MODULE: ./src/github/commenting.ts
// Everything a run that comments needs, as one module: the bundle loads it as one chunk, and only when
// commenting (runs without a comment never parse it), with the comment text written once in it.





/***/ })

};

//# sourceMappingURL=467.index.js.map