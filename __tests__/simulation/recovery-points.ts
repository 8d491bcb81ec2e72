import type { DrCopyRecord } from "./dr-copy-policy-model";
import type { SourceSnapshotRecord } from "./estate-simulation";

/** Checks over the DR account's copies: which snapshots never arrived, and how old the newest copy ever got. */

/** Source snapshots without a DR copy of that recovery point. */
export function undeliveredSnapshots(snapshots: readonly SourceSnapshotRecord[], drCopies: readonly DrCopyRecord[]): SourceSnapshotRecord[] {
  const delivered = new Set(drCopies.map((copy) => `${copy.sourceAccountId}/${copy.volumeId}/${copy.recoveryPoint.getTime()}`));
  return snapshots.filter((snapshot) => !delivered.has(`${snapshot.accountId}/${snapshot.volumeId}/${snapshot.time.getTime()}`));
}

/**
 * The oldest the DR account's newest recovery point of any volume got, in hours, between `from` and `to`: just
 * before each copy lands, the newest copy is the previous one.
 */
export function maxRecoveryPointAgeHours(drCopies: readonly DrCopyRecord[], from: Date, to: Date): number {
  const byVolume = new Map<string, DrCopyRecord[]>();
  for (const copy of drCopies) {
    const key = `${copy.sourceAccountId}/${copy.volumeId}`;
    (byVolume.get(key) ?? byVolume.set(key, []).get(key)!).push(copy);
  }
  let worst = 0;
  for (const copies of byVolume.values()) {
    copies.sort((a, b) => a.completionTime.getTime() - b.completionTime.getTime());
    let newest = Number.NEGATIVE_INFINITY;
    for (const copy of copies) {
      const landed = copy.completionTime.getTime();
      if (landed > from.getTime() && landed <= to.getTime()) worst = Math.max(worst, landed - newest);
      newest = Math.max(newest, copy.recoveryPoint.getTime());
    }
    worst = Math.max(worst, to.getTime() - newest);
  }
  return worst / 3_600_000;
}
