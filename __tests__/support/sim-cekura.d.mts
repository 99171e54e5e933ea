// Types for sim-cekura.mjs.
import type { CekuraApi } from '../../src/cekura/client.js'

export interface SimJob {
  /** how long after its start the job ends */
  ms: number
  /** ends failed with this error instead of completing */
  fail?: string
}

export interface SimStats {
  requests: number
  reads: number
  starts: number
  polls: number
  saves: number
  peakRunning: number
  /** scenario ids in the order their jobs were started */
  startOrder: number[]
  /** scenario id -> saved text */
  saved: Map<number, string>
}

export function simulatedCekura(
  clock: { now: () => number },
  jobOf: (scenarioId: number) => SimJob
): { api: CekuraApi; stats: SimStats; readonly running: number }
