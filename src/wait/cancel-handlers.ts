// Imported first by index.ts, and importing nothing that loads other code, so that the bundle
// listens for the runner's cancel signals from its very first moment.
import { installCancelHandlers } from './signals.js'

installCancelHandlers()
