import { TRANSIENT_ERRORS } from "../../lambda/runtime/retry";

/**
 * What the RDS handlers retry: transient errors, and `SnapshotQuotaExceeded`, which RDS answers when a copy
 * would exceed a snapshot quota. The concurrent-copy limit (AWS documents "up to 20 snapshot copy requests in
 * progress to a single destination Region per account") is reported this way as far as we know, but so is the
 * total manual-snapshot quota, which a retry cannot fix: after the last attempt the error surfaces and the
 * invocation fails (async retries, then the dead-letter queue). The SDK names the modelled fault
 * `SnapshotQuotaExceededFault`; the wire code is `SnapshotQuotaExceeded`.
 */
export const RDS_RETRYABLE_ERRORS: ReadonlySet<string> = new Set([...TRANSIENT_ERRORS, "SnapshotQuotaExceeded", "SnapshotQuotaExceededFault"]);
