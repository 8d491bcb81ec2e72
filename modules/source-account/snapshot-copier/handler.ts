import { DescribeSnapshotsCommand, EC2Client, type Snapshot } from "@aws-sdk/client-ec2";
import { createRetrying, defaultSleep, errorCode, TRANSIENT_ERRORS } from "../../lambda/runtime/retry";
import {
  MULTI_VOLUME_COMPLETION,
  SNAPSHOT_NOTIFICATION,
  type CopySnapshotDetail,
  type InvocationContext,
  type SnapshotCopierEvent,
  type SnapshotNotificationDetail,
} from "./events";
import { reconcile, type Ec2Sender, type ReconcileResult } from "./reconcile";
import { readSettings, type Settings } from "./settings";

export * from "./events";
export { readSettings, type Settings } from "./settings";
export type { Ec2Sender, ReconcileResult } from "./reconcile";

/**
 * Snapshot copier of a source account and region. Every run — the hourly schedule, a snapshot or multi-volume
 * snapshot set completing, a transit copy completing or failing, a duplicate of any of these — reconciles what
 * should exist with what does (see reconciliation-plan.ts): DR-selected snapshots without a transit copy are
 * copied in this region under the DR account's KMS-B, completed transit copies are shared with the DR account,
 * expired transit copies are deleted. The copy quota, throttling and the invocation deadline defer work to the
 * next run; the hourly schedule bounds the delay. Only snapshots carrying the transit marker are shared or deleted.
 *
 * Log lines (one JSON object each, `component: "snapshot-copier"`, field `decision`):
 * - `event`: the run's trigger (`trigger`, `snapshotIds`).
 * - `copied`: a transit copy started (`sourceSnapshotId`, `copySnapshotId`, `volumeId`).
 * - `shared`: a completed transit copy shared with the DR account (`copySnapshotId`, `sourceSnapshotId`, `sharedWith`).
 * - `deleted`: an expired transit copy deleted (`snapshotId`, `state`, `startTime`).
 * - `retry`: a throttled or transient call retried (`operation`, `attempt`, `delayMs`, `error`).
 * - `deferred`: work left for the next run (`reason`, `copies`, `shares`, `deletions`) — quota, throttling, deadline.
 * - `copy-failed`, `share-failed`, `delete-failed`: one item failed for another reason (`snapshotId`, `error`,
 *   `message`); the run goes on and throws at the end, so the error reaches the function's alarm.
 * - `transit-copy-failed`: EBS reported a failed transit copy (`copySnapshotId`, `sourceSnapshotId`, `cause`);
 *   the run reconciles (copying again) and then throws.
 * - `reconciled`: the run's summary (`copied`, `shared`, `deleted`, `copiesInFlight`, deferred counts, `failed`).
 */

export interface HandlerDeps {
  readonly ec2: Ec2Sender;
  readonly settings: Settings;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
  /** Where the JSON log lines go. @default console.log */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type HandlerResult = ReconcileResult;
export type SnapshotCopierHandler = (event: SnapshotCopierEvent, context?: InvocationContext) => Promise<HandlerResult>;

/** Lambda's limit, for a run without a context (tests, a direct call). */
const MAX_INVOCATION_MS = 900_000;

const consoleLog = (entry: Record<string, unknown>) => console.log(JSON.stringify({ component: "snapshot-copier", ...entry }));

/** `arn:aws:ec2::us-east-1:snapshot/snap-0123` or `snap-0123` → `snap-0123`. */
function snapshotIdOf(arnOrId: string | undefined): string | undefined {
  return /(?:^|\/)(snap-[0-9a-f]+)$/.exec(arnOrId ?? "")?.[1];
}

export function createHandler(deps: HandlerDeps): SnapshotCopierHandler {
  const { ec2, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? consoleLog;
  // Throttling is retried with backoff, then deferred; the copy quota is not retried (it frees in minutes, not seconds).
  const retrying = createRetrying({ sleep: deps.sleep ?? defaultSleep, random: deps.random ?? Math.random, log, retryableErrors: new Set(TRANSIENT_ERRORS) });

  /** Whether a failed copy is one of this account's transit copies (a failure of anything else is not ours). */
  async function isOwnTransitCopy(copySnapshotId: string): Promise<boolean | undefined> {
    try {
      const output = await retrying("DescribeSnapshots", () => ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [copySnapshotId] })));
      const copy: Snapshot | undefined = output.Snapshots?.find((snapshot) => snapshot.SnapshotId === copySnapshotId);
      if (!copy) return undefined;
      return copy.OwnerId === settings.sourceAccountId && copy.Tags?.some((tag) => tag.Key === settings.transitTagKey && tag.Value === settings.transitTagValue) === true;
    } catch (error) {
      if (errorCode(error) === "InvalidSnapshot.NotFound") return undefined;
      throw error;
    }
  }

  return async (event, context) => {
    const trigger = triggerOf(event);
    const started = Date.now();
    const remainingMs = context ? () => context.getRemainingTimeInMillis() : () => MAX_INVOCATION_MS - (Date.now() - started);
    log({ decision: "event", trigger: trigger.name, snapshotIds: trigger.snapshotIds });

    const run = () => reconcile({ ec2, settings, region: event.region, retrying: retrying, log, now, remainingMs });
    if (trigger.failedCopy === undefined) return run();

    // A failed transit copy: reconcile (which copies the source again), then fail so the error reaches a person.
    const { detail, copySnapshotId } = trigger.failedCopy;
    const ours = await isOwnTransitCopy(copySnapshotId);
    if (ours === false) return run();
    const result = await run();
    const sourceSnapshotId = snapshotIdOf(detail.source) ?? detail.source;
    log({ decision: "transit-copy-failed", copySnapshotId, sourceSnapshotId, cause: detail.cause });
    throw new Error(
      `Transit copy ${copySnapshotId} of ${sourceSnapshotId} failed: ${detail.cause ?? "no cause given"}` +
        (ours === undefined ? " (the copy no longer exists)" : "") +
        `; this run started ${result.copied.length} copies`,
    );
  };
}

interface Trigger {
  readonly name: string;
  readonly snapshotIds?: readonly string[];
  readonly failedCopy?: { readonly detail: CopySnapshotDetail; readonly copySnapshotId: string };
}

/** What started the run; an event of another kind is an error (the rules send only these). */
function triggerOf(event: SnapshotCopierEvent): Trigger {
  const unhandled = () => {
    const detailEvent = (event?.detail as { event?: unknown } | undefined)?.event;
    return new Error(
      `Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}` +
        (detailEvent === undefined ? "" : `, detail.event ${JSON.stringify(detailEvent)}`),
    );
  };
  if (event?.source === "aws.events" && event["detail-type"] === "Scheduled Event") return { name: "schedule" };
  if (event?.source !== "aws.ec2" || (event["detail-type"] !== SNAPSHOT_NOTIFICATION && event["detail-type"] !== MULTI_VOLUME_COMPLETION)) {
    throw unhandled();
  }
  if (!event.region) throw new Error("Event has no region");
  const detail = event.detail as SnapshotNotificationDetail;
  switch (detail?.event) {
    case "createSnapshot":
      return { name: `createSnapshot ${detail.result}`, snapshotIds: [snapshotIdOf(detail.snapshot_id) ?? detail.snapshot_id] };
    case "createSnapshots":
      return {
        name: `createSnapshots ${detail.result}`,
        snapshotIds: (detail.snapshots ?? []).map((entry) => snapshotIdOf(entry.snapshot_id) ?? entry.snapshot_id),
      };
    case "copySnapshot": {
      const copySnapshotId = snapshotIdOf(detail.snapshot_id);
      if (!copySnapshotId) throw new Error(`Event field detail.snapshot_id is not a snapshot id or ARN: ${JSON.stringify(detail.snapshot_id)}`);
      return {
        name: `copySnapshot ${detail.result}`,
        snapshotIds: [copySnapshotId],
        ...(detail.result === "succeeded" ? {} : { failedCopy: { detail, copySnapshotId } }),
      };
    }
    default:
      throw unhandled();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------------

let lambdaHandler: SnapshotCopierHandler | undefined;

/** Built on first use so a bad configuration fails the invocation with a clear message, not the module load. */
export const handler = async (event: SnapshotCopierEvent, context?: InvocationContext): Promise<HandlerResult> => {
  lambdaHandler ??= createHandler({ ec2: new EC2Client({ maxAttempts: 1 }), settings: readSettings(process.env) });
  return lambdaHandler(event, context);
};
