// First: listen for the runner's cancel signals before anything else is even loaded.
import './wait/cancel-handlers.js'
import { log } from './base/log.js'
import { errorMessage } from './base/text.js'
import { run } from './main.js'

process.on('unhandledRejection', reason => {
  // Redacted like every line: the secrets are set for the log at the start of run().
  log.failed(`Unexpected error in the action: ${errorMessage(reason)}`)
  process.exit(1)
})

// Exit explicitly: a kept-alive socket must not hold the step open once the outputs are written.
await run()
process.exit(process.exitCode ?? 0)
