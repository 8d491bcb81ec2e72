import {
  CopySnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
  type DescribeSnapshotsCommandInput,
  type Snapshot,
  type Tag,
} from "@aws-sdk/client-ec2";
import { createRetrying, defaultSleep, errorCode, errorMessage, TRANSIENT_ERRORS } from "../../lambda/runtime/retry";
import { transitCopyDescription } from "./transit-copy-description";
import { ACCOUNT_ID, POSITIVE_INTEGER, settingsReader } from "../../lambda/runtime/settings";

/**
 * Snapshot copier of a source account and region.
 *
 * 1. A snapshot selected for DR completes (`createSnapshot` / `createSnapshots`): copy it in the same region,
 *    re-encrypted under the DR account's KMS-B, with the transit marker and a description the DR account's
 *    cross-account copy event policy matches.
 * 2. That copy completes (`copySnapshot`): share it with the DR account.
 * 3. Hourly (`Scheduled Event`): delete transit copies older than the retention.
 *
 * Only snapshots carrying the transit marker are ever shared or deleted.
 */

// ---------------------------------------------------------------------------------------------------------
// Events (no @types/aws-lambda in this project)
// ---------------------------------------------------------------------------------------------------------

export interface EventBridgeEvent<TDetailType extends string, TDetail> {
  readonly version?: string;
  readonly id?: string;
  readonly "detail-type": TDetailType;
  readonly source: string;
  readonly account?: string;
  readonly time?: string;
  readonly region: string;
  readonly resources?: readonly string[];
  readonly detail: TDetail;
}

export type SnapshotResult = "succeeded" | "failed";

interface SnapshotNotificationBase {
  readonly result: SnapshotResult;
  readonly cause?: string;
  readonly request_id?: string;
  readonly startTime?: string;
  readonly endTime?: string;
}

export interface CreateSnapshotDetail extends SnapshotNotificationBase {
  readonly event: "createSnapshot";
  /** `arn:aws:ec2::<region>:snapshot/snap-...` */
  readonly snapshot_id: string;
  /** `arn:aws:ec2::<region>:volume/vol-...` */
  readonly source: string;
}

export interface CreateSnapshotsDetail extends SnapshotNotificationBase {
  readonly event: "createSnapshots";
  readonly snapshots: readonly { readonly snapshot_id: string; readonly source: string; readonly status: string }[];
}

export interface CopySnapshotDetail extends SnapshotNotificationBase {
  readonly event: "copySnapshot";
  /** ARN of the new copy. */
  readonly snapshot_id: string;
  /** ARN of the snapshot that was copied. */
  readonly source: string;
  readonly incremental?: string;
}

export type SnapshotNotificationDetail = CreateSnapshotDetail | CreateSnapshotsDetail | CopySnapshotDetail;
export type SnapshotNotificationEvent = EventBridgeEvent<"EBS Snapshot Notification", SnapshotNotificationDetail>;
export type ScheduledEvent = EventBridgeEvent<"Scheduled Event", Record<string, unknown>>;
export type SnapshotCopierEvent = SnapshotNotificationEvent | ScheduledEvent;

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

export type SnapshotOutcome =
  | { readonly action: "copied"; readonly sourceSnapshotId: string; readonly copySnapshotId: string }
  | {
      readonly action: "skipped";
      readonly reason: string;
      readonly snapshotId?: string;
      readonly existingCopySnapshotId?: string;
    };

export type HandlerResult =
  | SnapshotOutcome
  | { readonly action: "batch"; readonly results: readonly SnapshotOutcome[] }
  | {
      readonly action: "shared";
      readonly copySnapshotId: string;
      readonly sourceSnapshotId: string;
      readonly sharedWith: string;
    }
  | { readonly action: "cleanup"; readonly deleted: number; readonly kept: number };

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------

export interface Settings {
  readonly drAccountId: string;
  readonly kmsBAliasArn: string;
  readonly sourceAccountId: string;
  readonly selectionTagKey: string;
  readonly selectionTagValue: string;
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  readonly descriptionPrefix: string;
  readonly transitRetentionHours: number;
}

const KMS_ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):alias\/[A-Za-z0-9/_-]+$/;

/** Tags the copier writes itself; the transit marker must not collide with them. */
const SOURCE_SNAPSHOT_ID_TAG = "SourceSnapshotId";
const PROVENANCE_TAG_KEYS = ["SourceAccount", SOURCE_SNAPSHOT_ID_TAG, "SourceKmsKeyId", "SourceVolumeId"];

/** Reads and validates the configuration; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read } = settingsReader(env);

  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const kmsBAliasArn = read("KMS_B_ALIAS_ARN", KMS_ALIAS_ARN, "a KMS alias ARN (arn:<partition>:kms:<region>:<account>:alias/<name>)");
  const sourceAccountId = read("SOURCE_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const selectionTagKey = read("SELECTION_TAG_KEY", undefined, "");
  const selectionTagValue = read("SELECTION_TAG_VALUE", undefined, "");
  const transitTagKey = read("TRANSIT_TAG_KEY", undefined, "");
  const transitTagValue = read("TRANSIT_TAG_VALUE", undefined, "");
  const descriptionPrefix = read("DESCRIPTION_PREFIX", undefined, "");
  const retention = read("TRANSIT_RETENTION_HOURS", POSITIVE_INTEGER, "a positive integer");

  // KMS-B lives in the DR account and in this region; any other key makes every copy fail or lands in the wrong place.
  const alias = KMS_ALIAS_ARN.exec(kmsBAliasArn);
  if (alias && ACCOUNT_ID.test(drAccountId) && alias[2] !== drAccountId) {
    problems.push(`KMS_B_ALIAS_ARN must be in DR_ACCOUNT_ID ${drAccountId}, got account ${alias[2]}`);
  }
  if (alias && env.AWS_REGION && alias[1] !== env.AWS_REGION) {
    problems.push(`KMS_B_ALIAS_ARN must be in this region ${env.AWS_REGION}, got region ${alias[1]}`);
  }
  if (drAccountId !== "" && drAccountId === sourceAccountId) {
    problems.push("DR_ACCOUNT_ID must differ from SOURCE_ACCOUNT_ID");
  }
  // With an identical tag no snapshot could ever be selected (selected ones must not carry the marker).
  if (transitTagKey !== "" && transitTagKey === selectionTagKey && transitTagValue === selectionTagValue) {
    problems.push("TRANSIT_TAG_KEY/TRANSIT_TAG_VALUE must differ from SELECTION_TAG_KEY/SELECTION_TAG_VALUE");
  }
  if (PROVENANCE_TAG_KEYS.includes(transitTagKey)) {
    problems.push(`TRANSIT_TAG_KEY must not be one of ${PROVENANCE_TAG_KEYS.join(", ")}`);
  }

  if (problems.length > 0) throw new Error(`Invalid snapshot copier configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    kmsBAliasArn,
    sourceAccountId,
    selectionTagKey,
    selectionTagValue,
    transitTagKey,
    transitTagValue,
    descriptionPrefix,
    transitRetentionHours: Number(retention),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Retry: the single retry mechanism (the EC2 client is built with maxAttempts: 1)
// ---------------------------------------------------------------------------------------------------------

/** Transient errors, and the concurrent-copy limit ("too many snapshot copies in progress"). */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([...TRANSIENT_ERRORS, "ResourceLimitExceeded"]);

// ---------------------------------------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------------------------------------

export interface HandlerDeps {
  readonly ec2: EC2Client;
  readonly settings: Settings;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

export type SnapshotCopierHandler = (event: SnapshotCopierEvent) => Promise<HandlerResult>;

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ component: "snapshot-copier", ...entry }));
}

/** `arn:aws:ec2::us-east-1:snapshot/snap-0123` or `snap-0123` → `snap-0123`. */
function resourceId(arnOrId: string | undefined, prefix: "snap" | "vol"): string | undefined {
  const match = new RegExp(`(?:^|/)(${prefix}-[0-9a-f]+)$`).exec(arnOrId ?? "");
  return match?.[1];
}

function snapshotIdOf(arnOrId: string | undefined, field: string): string {
  const id = resourceId(arnOrId, "snap");
  if (!id) throw new Error(`Event field ${field} is not a snapshot id or ARN: ${JSON.stringify(arnOrId)}`);
  return id;
}

const tagValue = (snapshot: Snapshot, key: string) => snapshot.Tags?.find((tag) => tag.Key === key)?.Value;

export function createHandler(deps: HandlerDeps): SnapshotCopierHandler {
  const { ec2, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;

  const hasTransitMarker = (snapshot: Snapshot) => tagValue(snapshot, settings.transitTagKey) === settings.transitTagValue;
  const transitFilter = { Name: `tag:${settings.transitTagKey}`, Values: [settings.transitTagValue] };

  const retrying = createRetrying({ sleep, random, log, retryableErrors: RETRYABLE_ERRORS });

  /** A snapshot by id, or undefined when it no longer exists. */
  async function describeSnapshot(snapshotId: string): Promise<Snapshot | undefined> {
    try {
      const output = await retrying("DescribeSnapshots", () =>
        ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
      );
      return output.Snapshots?.find((snapshot) => snapshot.SnapshotId === snapshotId);
    } catch (error) {
      if (errorCode(error) === "InvalidSnapshot.NotFound") return undefined;
      throw error;
    }
  }

  async function describeAllSnapshots(input: DescribeSnapshotsCommandInput): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    let nextToken: string | undefined;
    do {
      const output = await retrying("DescribeSnapshots", () =>
        ec2.send(new DescribeSnapshotsCommand({ ...input, NextToken: nextToken })),
      );
      snapshots.push(...(output.Snapshots ?? []));
      nextToken = output.NextToken;
    } while (nextToken);
    return snapshots;
  }

  /** Why a snapshot must not be copied, or undefined when it is selected for DR. */
  function notSelectedReason(snapshot: Snapshot): string | undefined {
    if (snapshot.OwnerId !== settings.sourceAccountId) return `owned by ${snapshot.OwnerId}, not ${settings.sourceAccountId}`;
    // A transit copy may inherit the selection tag; copying it again would loop.
    if (hasTransitMarker(snapshot)) return "snapshot is a transit copy";
    const selection = tagValue(snapshot, settings.selectionTagKey);
    if (selection === undefined) return `not selected for DR: no tag ${settings.selectionTagKey}`;
    if (selection !== settings.selectionTagValue) {
      return `not selected for DR: tag ${settings.selectionTagKey} is ${JSON.stringify(selection)}`;
    }
    if (snapshot.State !== "completed") return `snapshot state is ${snapshot.State}`;
    return undefined;
  }

  function skip(reason: string, snapshotId?: string, existingCopySnapshotId?: string): SnapshotOutcome {
    log({ decision: "skipped", reason, snapshotId, existingCopySnapshotId });
    return { action: "skipped", reason, snapshotId, existingCopySnapshotId };
  }

  async function copyIfSelected(snapshotId: string, volumeArn: string, region: string): Promise<SnapshotOutcome> {
    const snapshot = await describeSnapshot(snapshotId);
    if (!snapshot) return skip("snapshot no longer exists", snapshotId);
    const reason = notSelectedReason(snapshot);
    if (reason) return skip(reason, snapshotId);

    // EventBridge delivers at least once and CopySnapshot has no client token: look for our earlier copy.
    const earlierCopies = await describeAllSnapshots({
      OwnerIds: ["self"],
      Filters: [transitFilter, { Name: `tag:${SOURCE_SNAPSHOT_ID_TAG}`, Values: [snapshotId] }],
    });
    const activeCopy = earlierCopies.find((copy) => copy.State === "pending" || copy.State === "completed");
    if (activeCopy) return skip("transit copy already exists", snapshotId, activeCopy.SnapshotId);

    const tags: Tag[] = [
      { Key: "SourceAccount", Value: settings.sourceAccountId },
      { Key: SOURCE_SNAPSHOT_ID_TAG, Value: snapshotId },
      { Key: "SourceKmsKeyId", Value: snapshot.KmsKeyId ?? "unencrypted" },
      { Key: "SourceVolumeId", Value: snapshot.VolumeId ?? resourceId(volumeArn, "vol") ?? "unknown" },
      { Key: settings.transitTagKey, Value: settings.transitTagValue },
    ];
    const output = await retrying("CopySnapshot", () =>
      ec2.send(
        new CopySnapshotCommand({
          SourceRegion: region,
          SourceSnapshotId: snapshotId,
          Encrypted: true,
          KmsKeyId: settings.kmsBAliasArn,
          Description: transitCopyDescription(settings.descriptionPrefix, snapshotId, settings.sourceAccountId),
          TagSpecifications: [{ ResourceType: "snapshot", Tags: tags }],
        }),
      ),
    );
    if (!output.SnapshotId) throw new Error(`CopySnapshot of ${snapshotId} returned no snapshot id`);
    log({ decision: "copied", sourceSnapshotId: snapshotId, copySnapshotId: output.SnapshotId });
    return { action: "copied", sourceSnapshotId: snapshotId, copySnapshotId: output.SnapshotId };
  }

  async function onCreateSnapshot(detail: CreateSnapshotDetail, region: string): Promise<HandlerResult> {
    if (detail.result !== "succeeded") {
      return skip(`createSnapshot ${detail.result}: ${detail.cause ?? "no cause given"}`, resourceId(detail.snapshot_id, "snap"));
    }
    return copyIfSelected(snapshotIdOf(detail.snapshot_id, "detail.snapshot_id"), detail.source, region);
  }

  async function onCreateSnapshots(detail: CreateSnapshotsDetail, region: string): Promise<HandlerResult> {
    const results: SnapshotOutcome[] = [];
    const failures: string[] = [];
    // One snapshot's failure must not keep the others from DR; the retried event skips those already copied.
    for (const entry of detail.snapshots ?? []) {
      const snapshotId = resourceId(entry.snapshot_id, "snap");
      if (entry.status !== "completed") {
        results.push(skip(`snapshot status is ${entry.status}`, snapshotId));
        continue;
      }
      try {
        results.push(await copyIfSelected(snapshotIdOf(entry.snapshot_id, "detail.snapshots[].snapshot_id"), entry.source, region));
      } catch (error) {
        log({ decision: "copy-failed", snapshotId: snapshotId ?? entry.snapshot_id, error: errorCode(error), message: errorMessage(error) });
        failures.push(`${snapshotId ?? entry.snapshot_id} (${errorCode(error)}: ${errorMessage(error)})`);
      }
    }
    if (failures.length > 0) throw new Error(`Failed to copy ${failures.length} snapshot(s): ${failures.join("; ")}`);
    return { action: "batch", results };
  }

  async function onCopySnapshot(detail: CopySnapshotDetail): Promise<HandlerResult> {
    const copySnapshotId = snapshotIdOf(detail.snapshot_id, "detail.snapshot_id");
    const sourceSnapshotId = resourceId(detail.source, "snap") ?? detail.source;
    const copy = await describeSnapshot(copySnapshotId);
    const ours = copy !== undefined && hasTransitMarker(copy) && copy.OwnerId === settings.sourceAccountId;

    if (detail.result !== "succeeded") {
      if (copy && !ours) return skip("failed copy is not a transit copy", copySnapshotId);
      // Fail the invocation so async retries and then the dead-letter queue bring it to an operator.
      const message =
        `Transit copy ${copySnapshotId} of ${sourceSnapshotId} failed: ${detail.cause ?? "no cause given"}` +
        (copy ? "" : " (the copy no longer exists)");
      log({ decision: "copy-failed", copySnapshotId, sourceSnapshotId, cause: detail.cause });
      throw new Error(message);
    }

    if (!copy) return skip("copy no longer exists", copySnapshotId);
    if (!ours) return skip("not a transit copy of this account", copySnapshotId);

    await retrying("ModifySnapshotAttribute", () =>
      ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: copySnapshotId,
          Attribute: "createVolumePermission",
          OperationType: "add",
          UserIds: [settings.drAccountId],
        }),
      ),
    );
    log({ decision: "shared", copySnapshotId, sourceSnapshotId, sharedWith: settings.drAccountId });
    return { action: "shared", copySnapshotId, sourceSnapshotId, sharedWith: settings.drAccountId };
  }

  async function cleanup(): Promise<HandlerResult> {
    // Collect every page before deleting so deletions cannot shift the pagination.
    const transitCopies = await describeAllSnapshots({ OwnerIds: ["self"], Filters: [transitFilter], MaxResults: 1000 });
    const cutoff = now().getTime() - settings.transitRetentionHours * 3_600_000;
    let deleted = 0;
    let kept = 0;
    const failures: string[] = [];

    for (const snapshot of transitCopies) {
      const expired = snapshot.StartTime !== undefined && new Date(snapshot.StartTime).getTime() < cutoff;
      // Pending copies are still being copied; the filter is re-checked so only marked snapshots are deleted.
      const deletable =
        expired && (snapshot.State === "completed" || snapshot.State === "error") && hasTransitMarker(snapshot);
      if (!deletable || !snapshot.SnapshotId) {
        kept++;
        continue;
      }
      const snapshotId = snapshot.SnapshotId;
      try {
        await retrying("DeleteSnapshot", () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
        deleted++;
        log({ decision: "deleted", snapshotId, state: snapshot.State, startTime: snapshot.StartTime });
      } catch (error) {
        log({ decision: "delete-failed", snapshotId, error: errorCode(error), message: errorMessage(error) });
        failures.push(`${snapshotId} (${errorCode(error)}: ${errorMessage(error)})`);
      }
    }

    log({ decision: "cleanup", deleted, kept, failed: failures.length });
    if (failures.length > 0) {
      throw new Error(`Cleanup deleted ${deleted} transit copies but failed to delete ${failures.length}: ${failures.join("; ")}`);
    }
    return { action: "cleanup", deleted, kept };
  }

  return async (event) => {
    const unhandled = () => {
      const detailEvent = (event?.detail as { event?: unknown } | undefined)?.event;
      return new Error(
        `Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}` +
          (detailEvent === undefined ? "" : `, detail.event ${JSON.stringify(detailEvent)}`),
      );
    };

    if (event?.source === "aws.events" && event["detail-type"] === "Scheduled Event") return cleanup();
    if (event?.source !== "aws.ec2" || event["detail-type"] !== "EBS Snapshot Notification") throw unhandled();

    const detail = event.detail as SnapshotNotificationDetail;
    switch (detail?.event) {
      case "createSnapshot":
      case "createSnapshots":
        if (!event.region) throw new Error("Event has no region");
        return detail.event === "createSnapshot"
          ? onCreateSnapshot(detail, event.region)
          : onCreateSnapshots(detail, event.region);
      case "copySnapshot":
        return onCopySnapshot(detail);
      default:
        throw unhandled();
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------------

let lambdaHandler: SnapshotCopierHandler | undefined;

/** Built on first use so a bad configuration fails the invocation with a clear message, not the module load. */
export const handler = async (event: SnapshotCopierEvent): Promise<HandlerResult> => {
  lambdaHandler ??= createHandler({ ec2: new EC2Client({ maxAttempts: 1 }), settings: readSettings(process.env) });
  return lambdaHandler(event);
};
