// Preloaded into the action (NODE_OPTIONS=--import=<this file>) by the e2e tests that check what the
// bundle loads: appends the URL of every ES module Node loads to $RECORD_MODULES_FILE, one a line.
// The bundle loads its lazily imported chunks (<n>.index.js) through import(), so they show up.
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const file = process.env.RECORD_MODULES_FILE
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`)
      return nextLoad(url, context)
    }
  })
}
