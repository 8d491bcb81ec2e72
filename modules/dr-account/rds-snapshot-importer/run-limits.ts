import { hasErrorCode, isRetryable, TRANSIENT_ERRORS } from "../../lambda/runtime/retry";

/**
 * What bounds one importer run: the deadline of the invocation, the copies RDS allows in flight, and a share per
 * source account, so one source (or a compromised one) cannot take the whole run or the DR account's quota.
 */

/**
 * "For each AWS account, you can copy up to 20 DB snapshots at a time from one AWS Region to another" (Amazon RDS
 * User Guide, Copying a DB snapshot). Applied to every destination region, both kinds of snapshot together.
 */
export const MAX_COPIES_IN_FLIGHT_PER_REGION = 20;

/** At most this many imports are started per source account and run; the rest wait for the next hourly run. */
export const MAX_IMPORTS_PER_SOURCE_PER_RUN = 5;

/** Leave this much of the invocation for the calls in progress and the summary (one call retries for < 15 s). */
export const DEADLINE_RESERVE_MS = 60_000;

/** Statuses of a copy RDS is still making. */
export const IN_FLIGHT_STATUSES: ReadonlySet<string> = new Set(["creating", "copying", "pending"]);

/**
 * `SnapshotQuotaExceeded`: the request "would exceed the maximum number of snapshots" (CopyDBSnapshot errors): a
 * quota problem for a person, never retried. The SDK names the fault `SnapshotQuotaExceededFault`.
 */
export const SNAPSHOT_QUOTA_ERRORS: readonly string[] = ["SnapshotQuotaExceeded", "SnapshotQuotaExceededFault"];

/** What the importer retries with backoff: throttling and transient errors only. */
export const IMPORTER_RETRYABLE_ERRORS: ReadonlySet<string> = new Set(TRANSIENT_ERRORS);

export const isQuotaError = (error: unknown) => hasErrorCode(error, SNAPSHOT_QUOTA_ERRORS);
/** Throttling that outlasted the retries: the rest of that work waits for the next run. */
export const isThrottling = (error: unknown) => isRetryable(error, IMPORTER_RETRYABLE_ERRORS);

/** Copies that may still start in one destination region in this run. */
export class CopySlots {
  private left: number;
  /** Why no more copies start here, once they do not. */
  closedBecause?: string;

  constructor(
    readonly region: string,
    readonly inFlight: number,
  ) {
    this.left = Math.max(0, MAX_COPIES_IN_FLIGHT_PER_REGION - inFlight);
    if (this.left === 0) this.closedBecause = `${inFlight} copies in flight in ${region}`;
  }

  get open(): boolean {
    return this.closedBecause === undefined;
  }

  take(): void {
    this.left--;
    if (this.left <= 0) this.closedBecause ??= `${MAX_COPIES_IN_FLIGHT_PER_REGION} copies in flight in ${this.region}`;
  }

  close(reason: string): void {
    this.closedBecause ??= reason;
  }
}
