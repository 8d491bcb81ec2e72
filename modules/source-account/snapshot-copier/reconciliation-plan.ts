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
 *   prior copy left, is a complete (non-incremental) copy ("Copy an Amazon EBS snapshot"). Keeping the newest
 *   copy under KMS-B keeps the next copy incremental whatever the retention.
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

const tag = (snapshot: Snapshot, key: string) => snapshot.Tags?.find((entry) => entry.Key === key)?.Value;
const time = (value: Date | string | undefined) =>
  value === undefined ? Number.NaN : typeof value === "string" ? Date.parse(value) : value.getTime();

export function planReconciliation(input: ReconciliationInput): ReconciliationPlan {
  // Each start time parsed once: a run sorts every snapshot of the account.
  const startTimes = new Map<Snapshot, number>();
  const startOf = (snapshot: Snapshot) => {
    let started = startTimes.get(snapshot);
    if (started === undefined) startTimes.set(snapshot, (started = time(snapshot.StartTime)));
    return started;
  };
  const byStartTime = (a: Snapshot, b: Snapshot) => startOf(a) - startOf(b) || String(a.SnapshotId).localeCompare(String(b.SnapshotId));
  let selectedById: Map<string | undefined, Snapshot> | undefined; // only for copies without the start-time tag
  /** When the source of a transit copy was taken: its tag, else the source snapshot, else the copy itself. */
  const sourceTimes = new Map<Snapshot, number>();
  const sourceTime = (copy: Snapshot) => {
    let found = sourceTimes.get(copy);
    if (found !== undefined) return found;
    found = time(tag(copy, SOURCE_START_TIME_TAG));
    if (Number.isNaN(found)) {
      selectedById ??= new Map(input.selected.map((snapshot) => [snapshot.SnapshotId, snapshot]));
      const source = selectedById.get(tag(copy, SOURCE_SNAPSHOT_ID_TAG));
      found = source ? startOf(source) : startOf(copy);
    }
    sourceTimes.set(copy, found);
    return found;
  };

  const active = input.transitCopies.filter((copy) => copy.State === "pending" || copy.State === "completed");
  const copiedSourceIds = new Set(active.map((copy) => tag(copy, SOURCE_SNAPSHOT_ID_TAG)));
  const coveredUntil = new Map<string, number>();
  for (const copy of active) {
    const volume = tag(copy, SOURCE_VOLUME_ID_TAG) ?? "";
    coveredUntil.set(volume, Math.max(coveredUntil.get(volume) ?? Number.NEGATIVE_INFINITY, sourceTime(copy)));
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
  toCopy.push(...newestUncovered.values());
  toCopy.sort(byStartTime);

  const copiesInFlight = input.transitCopies.filter((copy) => copy.State === "pending").length;
  const toShare = input.transitCopies
    .filter((copy) => copy.State === "completed" && copy.SnapshotId !== undefined && !input.sharedCopyIds.has(copy.SnapshotId))
    .sort(byStartTime);

  const newestCompleted = new Map<string, Snapshot>();
  for (const copy of input.transitCopies) {
    if (copy.State !== "completed") continue;
    const volume = tag(copy, SOURCE_VOLUME_ID_TAG) ?? "";
    const current = newestCompleted.get(volume);
    if (!current || sourceTime(copy) > sourceTime(current)) newestCompleted.set(volume, copy);
  }
  const keepNewest = new Set([...newestCompleted.values()]);
  const cutoff = input.now.getTime() - input.retentionHours * 3_600_000;
  const toDelete = input.transitCopies
    .filter((copy) => (copy.State === "completed" || copy.State === "error") && startOf(copy) < cutoff && !keepNewest.has(copy))
    .sort(byStartTime);

  return {
    toCopy,
    copyBudget: Math.max(0, MAX_CONCURRENT_SNAPSHOT_COPIES - copiesInFlight),
    copiesInFlight,
    toShare,
    toDelete,
  };
}
