import * as core from '@actions/core'
import { INPUT } from './inputs.js'
import { run } from './main.js'
import { redactor } from './base/redact.js'
import { errorMessage } from './base/text.js'

process.on('unhandledRejection', reason => {
  const redact = redactor(core.getInput(INPUT.apiKey).trim(), core.getInput(INPUT.githubToken).trim())
  core.setFailed(redact(`Unexpected error in the action: ${errorMessage(reason)}`))
  process.exit(1)
})

// Exit explicitly: a kept-alive socket must not hold the step open once the outputs are written.
await run()
process.exit(process.exitCode ?? 0)
