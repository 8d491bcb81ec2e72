import {
  DescribeLockedSnapshotsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  LockSnapshotCommand,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { createRetrying, defaultSleep, describeError, TRANSIENT_ERRORS, type Retrying } from "../../lambda/runtime/retry";
import { ACCOUNT_ID, POSITIVE_INTEGER, settingsReader } from "../../lambda/runtime/settings";
import { DLM_POLICY_TAG, lockDecision, snapshotIdOf, type LockDecision, type LockSettings, type SnapshotFacts } from "./lock-plan";

/**
 * Snapshot lock of the DR account, one function per copy region (issue 12, "Locked copies").
 *
 * 1. Event: DLM's cross-account copy event policy copies each shared snapshot into this region with CopySnapshot
 *    in the DR account; EBS then sends the DR account an "EBS Snapshot Notification" whose detail.event is
 *    `copySnapshot` (EventBridge events for Amazon EBS). A succeeded copy is locked at once.
 * 2. Schedule: every DLM copy of the region that is not locked yet (an event lost, a failed lock) is locked.
 *
 * The lock ends shortly before DLM's retention expires the copy (lock-plan.ts), so DLM still deletes it on time.
 * One snapshot's failure does not stop the others; all failures are thrown together at the end, so that
 * Lambda's retries and dead-letter queue see them.
 */

export interface SnapshotNotificationEvent {
  readonly "detail-type": "EBS Snapshot Notification";
  readonly source: "aws.ec2";
  readonly region?: string;
  readonly detail: { readonly event?: string; readonly result?: string; readonly snapshot_id?: string; readonly source?: string };
}

export interface ScheduledEvent {
  readonly "detail-type": "Scheduled Event";
  readonly source: string;
}

export type SnapshotLockEvent = SnapshotNotificationEvent | ScheduledEvent;

export interface LockResult {
  readonly action: "lock-copy" | "reconcile";
  /** Snapshot IDs locked by this invocation. */
  readonly locked: readonly string[];
  /** `snap-...: reason` of the snapshots left alone. */
  readonly skipped: readonly string[];
}

/** Reads and validates the settings; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): LockSettings {
  const { problems, read, optional } = settingsReader(env);
  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const mode = read("LOCK_MODE", /^(governance|compliance)$/, "governance or compliance");
  const coolOff = optional("COOL_OFF_HOURS");
  const retention = read("RETENTION_DAYS", POSITIVE_INTEGER, "a positive integer");
  const margin = read("END_BEFORE_EXPIRY_DAYS", POSITIVE_INTEGER, "a positive integer");
  if (coolOff !== undefined && (mode !== "compliance" || !/^([1-9]|[1-6]\d|7[0-2])$/.test(coolOff))) {
    problems.push(`COOL_OFF_HOURS must be 1 to 72 and is for LOCK_MODE compliance only, got ${JSON.stringify(coolOff)} with ${JSON.stringify(mode)}`);
  }
  if (problems.length > 0) throw new Error(`Invalid snapshot lock settings: ${problems.join("; ")}`);
  return {
    drAccountId,
    mode: mode as LockSettings["mode"],
    ...(coolOff !== undefined ? { coolOffHours: Number(coolOff) } : {}),
    retentionDays: Number(retention),
    endBeforeExpiryDays: Number(margin),
  };
}

export interface HandlerDependencies {
  readonly ec2: EC2Client;
  readonly settings: LockSettings;
  readonly now?: () => Date;
  readonly log?: (entry: Record<string, unknown>) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const factsOf = (snapshot: Snapshot): SnapshotFacts => ({
  snapshotId: snapshot.SnapshotId ?? "",
  ownerId: snapshot.OwnerId,
  state: snapshot.State,
  startTime: snapshot.StartTime,
  tags: Object.fromEntries((snapshot.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
});

export function createHandler(deps: HandlerDependencies): (event: SnapshotLockEvent) => Promise<LockResult> {
  const { ec2, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const retrying: Retrying = createRetrying({
    sleep: deps.sleep ?? defaultSleep,
    random: deps.random ?? Math.random,
    log,
    retryableErrors: new Set(TRANSIENT_ERRORS),
  });

  /** Every DLM copy of this account in the region (DescribeSnapshots, paged). */
  async function dlmCopies(snapshotIds?: readonly string[]): Promise<SnapshotFacts[]> {
    const result: SnapshotFacts[] = [];
    let token: string | undefined;
    do {
      const page = await retrying("DescribeSnapshots", () =>
        ec2.send(
          new DescribeSnapshotsCommand({
            OwnerIds: ["self"],
            // A filter, not SnapshotIds: an ID that is not (or no longer) there is no match rather than an error.
            Filters: [{ Name: "tag-key", Values: [DLM_POLICY_TAG] }, ...(snapshotIds ? [{ Name: "snapshot-id", Values: [...snapshotIds] }] : [])],
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
      );
      result.push(...(page.Snapshots ?? []).map(factsOf));
      token = page.NextToken;
    } while (token);
    return result;
  }

  /** The snapshots of the region that already carry a lock that has not expired. */
  async function lockedIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    let token: string | undefined;
    do {
      const page = await retrying("DescribeLockedSnapshots", () =>
        ec2.send(
          new DescribeLockedSnapshotsCommand({
            Filters: [{ Name: "lock-state", Values: ["compliance-cooloff", "governance", "compliance"] }],
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
      );
      for (const info of page.Snapshots ?? []) if (info.SnapshotId) ids.add(info.SnapshotId);
      token = page.NextToken;
    } while (token);
    return ids;
  }

  async function apply(decisions: readonly LockDecision[], action: LockResult["action"]): Promise<LockResult> {
    const locked: string[] = [];
    const skipped: string[] = [];
    const failures: string[] = [];
    for (const decision of decisions) {
      if (decision.action === "skip") {
        skipped.push(`${decision.snapshotId}: ${decision.reason}`);
        log({ decision: "skip", snapshotId: decision.snapshotId, reason: decision.reason });
        continue;
      }
      try {
        await retrying("LockSnapshot", () => ec2.send(new LockSnapshotCommand(decision.request)));
        locked.push(decision.snapshotId);
        log({ decision: "lock", snapshotId: decision.snapshotId, mode: decision.request.LockMode, until: decision.request.ExpirationDate.toISOString() });
      } catch (error) {
        failures.push(`${decision.snapshotId}: ${describeError(error)}`);
        log({ decision: "failed", snapshotId: decision.snapshotId, error: describeError(error) });
      }
    }
    if (failures.length > 0) throw new Error(`Could not lock ${failures.length} DR copies: ${failures.join("; ")}`);
    return { action, locked, skipped };
  }

  return async (event) => {
    if (event["detail-type"] === "EBS Snapshot Notification") {
      const detail = (event as SnapshotNotificationEvent).detail;
      const snapshotId = snapshotIdOf(detail.snapshot_id);
      if (detail.event !== "copySnapshot" || detail.result !== "succeeded" || !snapshotId) {
        log({ decision: "ignore", event: detail.event, result: detail.result, snapshotId: detail.snapshot_id });
        return { action: "lock-copy", locked: [], skipped: [] };
      }
      const copies = await dlmCopies([snapshotId]);
      if (copies.length === 0) return apply([{ action: "skip", snapshotId, reason: `no ${DLM_POLICY_TAG} tag or not owned here: not a DLM copy` }], "lock-copy");
      return apply(copies.map((copy) => lockDecision(copy, settings, now())), "lock-copy");
    }
    const [copies, locked] = await Promise.all([dlmCopies(), lockedIds()]);
    const unlocked = copies.filter((copy) => !locked.has(copy.snapshotId));
    return apply(unlocked.map((copy) => lockDecision(copy, settings, now())), "reconcile");
  };
}

let lambdaHandler: ((event: SnapshotLockEvent) => Promise<LockResult>) | undefined;

export const handler = async (event: SnapshotLockEvent): Promise<LockResult> => {
  lambdaHandler ??= createHandler({ ec2: new EC2Client({ maxAttempts: 1 }), settings: readSettings(process.env) });
  return lambdaHandler(event);
};
