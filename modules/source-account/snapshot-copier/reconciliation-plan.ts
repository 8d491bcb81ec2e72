import type { Snapshot } from "@aws-sdk/client-ec2";
import { SOURCE_SNAPSHOT_ID_TAG, SOURCE_START_TIME_TAG, SOURCE_VOLUME_ID_TAG } from "./transit-copy-tags";

/**
 * What one reconciliation run should do, computed from what exists (pure: the handler lists, this decides).
 *
 * - Copy: for each volume, every completed DR-selected snapshot newer than the newest snapshot that already has
 *   a pending or completed transit copy. A volume without any transit copy (first run, new volume) gets its
 *   newest snapshot only: the older ones are superseded, and copying a week of history would only queue work.
 * - Share: every completed transit copy the DR account cannot yet create volumes from.
 * - Delete: a transit copy older than the retention, except the newest completed transit copy of its volume
 *   and anything still pending. AWS: "The resulting EBS Snapshot will be incremental if there is already a
 *   prior copy of the EBS Snapshot encrypted under the same custom CMK in the destination account/region"
 *   (What's New, May 2018, incremental copies under a customer managed key); a copy to a new key, or with no
 *   prior copy left, is a complete (non-incremental) copy. EBS User Guide, "Copy an Amazon EBS snapshot",
 *   section "Incremental snapshot copying": "Whether a snapshot copy is incremental is determined by the most
 *   recently completed snapshot copy", and "If the most recent snapshot copy was deleted, the next copy is a full
 *   copy, not an incremental copy". Keeping the newest copy under KMS-B keeps the next copy incremental whatever
 *   the retention.
 */

/** EBS quota "Concurrent snapshot copies per destination Region": 20, not adjustable (Quotas for Amazon EBS). */
export const MAX_CONCURRENT_SNAPSHOT_COPIES = 20;

export interface ReconciliationInput {
  /** Completed snapshots of this account selected for DR (not transit copies). */
  readonly selected: readonly Snapshot[];
  /** Every snapshot of this account carrying the transit marker, in any state. */
  readonly transitCopies: readonly Snapshot[];
  /** Transit copies the DR account can already create volumes from. */
  readonly sharedCopyIds: ReadonlySet<string>;
  readonly now: Date;
  readonly retentionHours: number;
}

export interface ReconciliationPlan {
  /** Snapshots to copy, oldest first; start at most `copyBudget` of them. */
  readonly toCopy: readonly Snapshot[];
  /** How many copies may start now: the quota minus the transit copies still pending. */
  readonly copyBudget: number;
  readonly copiesInFlight: number;
  /** Completed transit copies to share, oldest first. */
  readonly toShare: readonly Snapshot[];
  readonly toDelete: readonly Snapshot[];
}

const time = (value: Date | string | undefined) =>
  value === undefined ? Number.NaN : typeof value === "string" ? Date.parse(value) : value.getTime();
const startOf = (snapshot: Snapshot) => time(snapshot.StartTime);
const byStartTime = (a: Snapshot, b: Snapshot) => startOf(a) - startOf(b) || String(a.SnapshotId).localeCompare(String(b.SnapshotId));

/**
 * Runs once per invocation over every snapshot of the account, so each transit copy's tags are read once, in
 * one pass, into arrays by position (no per-snapshot maps or closures).
 */
export function planReconciliation(input: ReconciliationInput): ReconciliationPlan {
  const copies = input.transitCopies;
  const count = copies.length;
  /** The volume each transit copy stands for, and when its source was taken (tag, else source, else the copy). */
  const volumes: string[] = [];
  const sourceTimes: number[] = [];
  const copiedSourceIds = new Set<string | undefined>();
  /** Per volume: the newest source time with a pending or completed copy, and the newest completed copy. */
  const coveredUntil = new Map<string, number>();
  const newestCompleted = new Map<string, number>();
  let selectedById: Map<string | undefined, Snapshot> | undefined; // only for copies without the start-time tag
  let copiesInFlight = 0;
  // Locals, not the imported names: compiled to CommonJS, each read of those is a property getter call.
  const volumeTag = SOURCE_VOLUME_ID_TAG;
  const sourceIdTag = SOURCE_SNAPSHOT_ID_TAG;
  const startTimeTag = SOURCE_START_TIME_TAG;

  for (let index = 0; index < count; index++) {
    const copy = copies[index];
    let volume: string | undefined;
    let sourceId: string | undefined;
    let sourceStart: string | undefined;
    // "For each resource, each tag key must be unique, and each tag key can have only one value" (AWS tag restrictions).
    for (const entry of copy.Tags ?? []) {
      if (entry.Key === volumeTag) volume = entry.Value;
      else if (entry.Key === sourceIdTag) sourceId = entry.Value;
      else if (entry.Key === startTimeTag) sourceStart = entry.Value;
    }
    let sourceTime = time(sourceStart);
    if (Number.isNaN(sourceTime)) {
      selectedById ??= new Map(input.selected.map((snapshot) => [snapshot.SnapshotId, snapshot]));
      const source = selectedById.get(sourceId);
      sourceTime = source ? startOf(source) : startOf(copy);
    }
    volume ??= "";
    volumes.push(volume);
    sourceTimes.push(sourceTime);

    if (copy.State === "pending") copiesInFlight++;
    if (copy.State === "pending" || copy.State === "completed") {
      copiedSourceIds.add(sourceId);
      coveredUntil.set(volume, Math.max(coveredUntil.get(volume) ?? Number.NEGATIVE_INFINITY, sourceTime));
    }
    if (copy.State === "completed") {
      const current = newestCompleted.get(volume);
      if (current === undefined || sourceTime > sourceTimes[current]) newestCompleted.set(volume, index);
    }
  }

  // One pass, no sort of the whole list: the newest snapshot of an uncovered volume, every newer one of a covered one.
  const newestUncovered = new Map<string, Snapshot>();
  const toCopy: Snapshot[] = [];
  for (const snapshot of input.selected) {
    if (copiedSourceIds.has(snapshot.SnapshotId)) continue;
    const volume = snapshot.VolumeId ?? "";
    const covered = coveredUntil.get(volume);
    if (covered !== undefined) {
      if (startOf(snapshot) > covered) toCopy.push(snapshot);
      continue;
    }
    const newest = newestUncovered.get(volume);
    if (!newest || byStartTime(snapshot, newest) > 0) newestUncovered.set(volume, snapshot);
  }
  for (const snapshot of newestUncovered.values()) toCopy.push(snapshot);
  toCopy.sort(byStartTime);

  const toShare: Snapshot[] = [];
  const toDelete: Snapshot[] = [];
  const cutoff = input.now.getTime() - input.retentionHours * 3_600_000;
  for (let index = 0; index < count; index++) {
    const copy = copies[index];
    if (copy.State === "completed" && copy.SnapshotId !== undefined && !input.sharedCopyIds.has(copy.SnapshotId)) toShare.push(copy);
    if ((copy.State === "completed" || copy.State === "error") && startOf(copy) < cutoff && newestCompleted.get(volumes[index]) !== index) {
      toDelete.push(copy);
    }
  }
  toShare.sort(byStartTime);
  toDelete.sort(byStartTime);

  return {
    toCopy,
    copyBudget: Math.max(0, MAX_CONCURRENT_SNAPSHOT_COPIES - copiesInFlight),
    copiesInFlight,
    toShare,
    toDelete,
  };
}
