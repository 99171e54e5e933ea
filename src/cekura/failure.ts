/**
 * What went wrong talking to Cekura, as one type. The kind decides how the run ends; the message says
 * what happened and what to do, in words a user can act on.
 */
export type FailureKind =
  /** The request provably never reached Cekura: even a POST could be sent again, and no job was started. */
  | 'not-sent'
  /** A request that starts a job may have reached Cekura: a job may be running. */
  | 'may-have-started'
  /** Cekura answered no (401/403, or another 4xx), in its own words. */
  | 'rejected'
  | 'not-found'
  /** Cekura or the network to it kept failing, and the tries ran out. */
  | 'unavailable'
  /** The run's timeout ran out first. */
  | 'timed-out'
  /** The run is being cancelled. */
  | 'cancelled'
  /** Retrying cannot help: a TLS certificate error, a redirect to another host, an answer of the wrong shape. */
  | 'fatal'

export class CekuraFailure extends Error {
  override name = 'CekuraFailure'
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The HTTP status Cekura answered with, when it answered. */
    readonly status?: number
  ) {
    super(message)
  }

  /** The same failure, seen as another kind (a retryable fault becomes a time-out when time runs out). */
  as(kind: FailureKind): CekuraFailure {
    return new CekuraFailure(kind, this.message, this.status)
  }
}
