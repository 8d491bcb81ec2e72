import {
  CopySnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
  type DescribeSnapshotsCommandInput,
  type EC2Client,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { describeError, errorCode, errorMessage, hasErrorCode, isRetryable, TRANSIENT_ERRORS, type Retrying } from "../../lambda/runtime/retry";
import { planReconciliation } from "./reconciliation-plan";
import type { Settings } from "./settings";
import { transitCopyDescription } from "./transit-copy-description";
import { SOURCE_SNAPSHOT_ID_TAG, transitCopyTags } from "./transit-copy-tags";

/** The EC2 calls the copier makes; an `EC2Client`, or a model of EC2 in tests. */
export type Ec2Sender = Pick<EC2Client, "send">;

/** CopySnapshot's answer when the concurrent-copy quota is used up ("too many snapshot copies in progress"). */
export const COPY_QUOTA_ERRORS: readonly string[] = ["ResourceLimitExceeded"];
const TRANSIENT: ReadonlySet<string> = new Set(TRANSIENT_ERRORS);

/** Leave this much of the invocation for the calls in progress and the summary (one call retries for < 15 s). */
export const DEADLINE_RESERVE_MS = 60_000;

export interface ReconcileDeps {
  readonly ec2: Ec2Sender;
  readonly settings: Settings;
  /** This region: the copies stay in it. */
  readonly region: string;
  readonly retrying: Retrying;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly now: () => Date;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
}

export interface ReconcileResult {
  readonly action: "reconcile";
  readonly copied: readonly string[];
  readonly shared: readonly string[];
  readonly deleted: readonly string[];
  readonly copiesInFlight: number;
  /** Work left for the next run (quota, throttling or the deadline), by kind. */
  readonly deferred: { readonly copies: number; readonly shares: number; readonly deletions: number };
  /** Why work was deferred, when it was. */
  readonly deferredBecause?: string;
}

/** Why a run stops starting a kind of work: the invocation's deadline. */
class Deferral extends Error {}

/** The copy quota and throttling (after the retries) wait for the next run instead of failing it. */
export function isDeferrable(error: unknown): boolean {
  return hasErrorCode(error, COPY_QUOTA_ERRORS) || isRetryable(error, TRANSIENT);
}

/**
 * One reconciliation of this account and region: list the selected snapshots and the transit copies, then share,
 * copy and delete what the plan says. Throttling, the copy quota and the deadline defer the rest to the next run
 * (the hourly schedule at the latest); any other failure is reported by throwing after the rest of the work.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileResult> {
  const { ec2, settings, retrying, log } = deps;
  const transitFilter = { Name: `tag:${settings.transitTagKey}`, Values: [settings.transitTagValue] };
  const failures: string[] = [];
  let deferredBecause: string | undefined;

  /** Whether an error defers the work (quota or throttling) rather than failing it; notes the first reason. */
  const defers = (error: unknown, what: string): boolean => {
    if (!isDeferrable(error)) return false;
    deferredBecause ??= `${what}: ${errorCode(error)}`;
    return true;
  };
  const checkDeadline = (what: string) => {
    if (deps.remainingMs() < DEADLINE_RESERVE_MS) {
      deferredBecause ??= `${what}: invocation deadline near`;
      throw new Deferral(deferredBecause);
    }
  };

  async function listAll(input: DescribeSnapshotsCommandInput): Promise<Snapshot[]> {
    let snapshots: Snapshot[] | undefined;
    let nextToken: string | undefined;
    do {
      const output = await retrying("DescribeSnapshots", () => ec2.send(new DescribeSnapshotsCommand({ ...input, NextToken: nextToken })));
      const page = output.Snapshots ?? [];
      if (snapshots) for (const snapshot of page) snapshots.push(snapshot);
      else snapshots = nextToken === undefined && !output.NextToken ? page : [...page];
      nextToken = output.NextToken;
    } while (nextToken);
    return snapshots;
  }
  const isTransitCopy = (snapshot: Snapshot) => hasTag(snapshot, settings.transitTagKey, settings.transitTagValue);

  // 1. What exists, in two listings. Without a complete picture nothing is decided: a throttled listing defers the run.
  const selected: Snapshot[] = [];
  const transitCopies: Snapshot[] = [];
  let shared: Snapshot[];
  try {
    const self = { OwnerIds: ["self"] };
    // The selected snapshots and the transit copies at once: `tag-key` matches a key whatever its value, and a
    // filter's values are ORed (EC2 API Reference, DescribeSnapshots and Filter); the values are checked here.
    const tagKeys = [...new Set([settings.selectionTagKey, settings.transitTagKey])];
    for (const snapshot of await listAll({ ...self, Filters: [{ Name: "tag-key", Values: tagKeys }] })) {
      if (snapshot.OwnerId !== settings.sourceAccountId) continue;
      // A transit copy may inherit the selection tag; copying it again would loop.
      if (isTransitCopy(snapshot)) transitCopies.push(snapshot);
      else if (snapshot.State === "completed" && hasTag(snapshot, settings.selectionTagKey, settings.selectionTagValue)) selected.push(snapshot);
    }
    // DescribeSnapshots RestorableByUserIds: only snapshots the DR account may create volumes from.
    shared = await listAll({ ...self, RestorableByUserIds: [settings.drAccountId], Filters: [transitFilter] });
  } catch (error) {
    if (!defers(error, "listing snapshots")) throw error;
    log({ decision: "deferred", reason: deferredBecause });
    const nothing = { copies: 0, shares: 0, deletions: 0 };
    return { action: "reconcile", copied: [], shared: [], deleted: [], copiesInFlight: 0, deferred: nothing, deferredBecause };
  }

  const plan = planReconciliation({
    selected,
    transitCopies,
    sharedCopyIds: idsOf(shared),
    now: deps.now(),
    retentionHours: settings.transitRetentionHours,
  });

  /** Runs `step` on each item until a deferral; returns how many were not attempted. */
  async function each(items: readonly Snapshot[], what: string, step: (snapshot: Snapshot) => Promise<void>): Promise<number> {
    for (let index = 0; index < items.length; index++) {
      try {
        checkDeadline(what);
        await step(items[index]);
      } catch (error) {
        if (error instanceof Deferral || defers(error, what)) return items.length - index;
        log({ decision: `${what}-failed`, snapshotId: items[index].SnapshotId, error: errorCode(error), message: errorMessage(error) });
        failures.push(`${what} ${items[index].SnapshotId} (${describeError(error)})`);
      }
    }
    return 0;
  }

  // 2. Share first: a completed copy is the shortest way to the DR account.
  const sharedNow: string[] = [];
  const sharesLeft = await each(plan.toShare, "share", async (copy) => {
    await retrying("ModifySnapshotAttribute", () =>
      ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: copy.SnapshotId,
          Attribute: "createVolumePermission",
          OperationType: "add",
          UserIds: [settings.drAccountId],
        }),
      ),
    );
    sharedNow.push(copy.SnapshotId!);
    log({ decision: "shared", copySnapshotId: copy.SnapshotId, sourceSnapshotId: tagOf(copy, SOURCE_SNAPSHOT_ID_TAG), sharedWith: settings.drAccountId });
  });

  // 3. Copy, within what the concurrent-copy quota leaves.
  const copied: string[] = [];
  const startable = plan.toCopy.slice(0, plan.copyBudget);
  const copiesOverBudget = plan.toCopy.length - startable.length;
  if (copiesOverBudget > 0) {
    deferredBecause ??= `copy: ${plan.copiesInFlight} copies in flight, quota ${plan.copiesInFlight + plan.copyBudget}`;
  }
  const copiesLeft =
    copiesOverBudget +
    (await each(startable, "copy", async (snapshot) => {
      const copyId = await startCopy(snapshot);
      copied.push(copyId);
      log({ decision: "copied", sourceSnapshotId: snapshot.SnapshotId, copySnapshotId: copyId, volumeId: snapshot.VolumeId });
    }));

  async function startCopy(snapshot: Snapshot): Promise<string> {
    const tags = transitCopyTags(
      { accountId: settings.sourceAccountId, snapshotId: snapshot.SnapshotId, kmsKeyId: snapshot.KmsKeyId, volumeId: snapshot.VolumeId, startTime: snapshot.StartTime },
      { key: settings.transitTagKey, value: settings.transitTagValue },
    );
    const output = await retrying("CopySnapshot", () =>
      ec2.send(
        new CopySnapshotCommand({
          SourceRegion: deps.region,
          SourceSnapshotId: snapshot.SnapshotId,
          Encrypted: true,
          KmsKeyId: settings.kmsBAliasArn,
          Description: transitCopyDescription(settings.descriptionPrefix, snapshot.SnapshotId!, settings.sourceAccountId),
          TagSpecifications: [{ ResourceType: "snapshot", Tags: tags }],
        }),
      ),
    );
    if (!output.SnapshotId) throw new Error(`CopySnapshot of ${snapshot.SnapshotId} returned no snapshot id`);
    return output.SnapshotId;
  }

  // 4. Delete expired transit copies (never the newest completed one of a volume, never a pending one).
  const deleted: string[] = [];
  const deletionsLeft = await each(plan.toDelete, "delete", async (copy) => {
    if (!isTransitCopy(copy)) return;
    await retrying("DeleteSnapshot", () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: copy.SnapshotId })));
    deleted.push(copy.SnapshotId!);
    log({ decision: "deleted", snapshotId: copy.SnapshotId, state: copy.State, startTime: copy.StartTime });
  });

  const deferred = { copies: copiesLeft, shares: sharesLeft, deletions: deletionsLeft };
  const deferredAny = copiesLeft + sharesLeft + deletionsLeft > 0;
  if (deferredAny) log({ decision: "deferred", reason: deferredBecause, ...deferred });
  log({
    decision: "reconciled",
    copied: copied.length,
    shared: sharedNow.length,
    deleted: deleted.length,
    copiesInFlight: plan.copiesInFlight + copied.length,
    ...deferred,
    failed: failures.length,
  });
  if (failures.length > 0) {
    throw new Error(`Reconciliation had ${failures.length} failure(s): ${failures.join("; ")}`);
  }
  return {
    action: "reconcile",
    copied,
    shared: sharedNow,
    deleted,
    copiesInFlight: plan.copiesInFlight + copied.length,
    deferred,
    ...(deferredAny ? { deferredBecause } : {}),
  };
}

const tagOf = (snapshot: Snapshot, key: string) => snapshot.Tags?.find((tag) => tag.Key === key)?.Value;

function idsOf(snapshots: readonly Snapshot[]): Set<string> {
  const ids = new Set<string>();
  for (const snapshot of snapshots) if (snapshot.SnapshotId) ids.add(snapshot.SnapshotId);
  return ids;
}

/** Whether the snapshot carries this tag with this value (a loop: it runs for every snapshot of every run). */
function hasTag(snapshot: Snapshot, key: string, value: string): boolean {
  if (snapshot.Tags) for (const tag of snapshot.Tags) if (tag.Key === key && tag.Value === value) return true;
  return false;
}
