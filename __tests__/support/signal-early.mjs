// Preloaded with `node --import` by the cancellation tests: sends the process a signal at the very
// start of the bundle (the script Node was started with, wherever it was built), the first time it loads a built-in module (the toolkit does so as it is
// evaluated, long before the action's own code runs). Which signal: $EARLY_SIGNAL (SIGTERM).
import Module from 'node:module'

const load = Module._load
let sent = false
Module._load = function (request, parent, isMain) {
  if (!sent && typeof parent?.filename === 'string' && parent.filename === process.argv[1]) {
    sent = true
    process.kill(process.pid, process.env.EARLY_SIGNAL || 'SIGTERM')
  }
  return load.call(this, request, parent, isMain)
}
