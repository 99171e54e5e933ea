import * as core from '@actions/core'
import { run } from './main.js'

process.on('unhandledRejection', reason => {
  core.setFailed(`Unexpected error in the action: ${reason instanceof Error ? reason.message : String(reason)}`)
  process.exit(1)
})

// Exit explicitly: a kept-alive socket must not hold the step open once the outputs are written.
await run()
process.exit(process.exitCode ?? 0)
