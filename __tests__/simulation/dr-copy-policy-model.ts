import { COPY_QUOTA_PER_REGION, type Ec2Model, type SimSnapshot } from "./ec2-model";
import type { SimClock } from "./sim-clock";

/**
 * A model of the DR account's DLM cross-account copy event policy in one region: when a listed source account
 * shares a snapshot whose description matches the policy's filter, DLM copies it into a snapshot the DR account
 * owns, under the DR key. The copy is subject to the DR account's own 20 concurrent copies per destination Region.
 *
 * Assumption (AWS documents no behaviour for it): at the quota DLM waits and starts the copy when a slot frees,
 * oldest share first. A share whose snapshot is gone before its copy starts, or a copy whose source is deleted
 * while it runs, is a failed DLM copy — the failure the DR side's DLM alarm watches — and is counted here.
 */

/** One DR-owned copy: what a freshness check of the DR account can see. */
export interface DrCopyRecord {
  readonly drSnapshotId: string;
  readonly sourceAccountId: string;
  readonly sourceRegion: string;
  /** When the DR account's copy was started (its StartTime). */
  readonly creationTime: Date;
  readonly completionTime: Date;
  /** When the source volume's snapshot was taken: the recovery point. */
  readonly recoveryPoint: Date;
  readonly volumeId: string;
  readonly incremental: boolean;
}

export interface DrCopyPolicyOptions {
  readonly clock: SimClock;
  readonly ec2: Ec2Model;
  readonly drAccountId: string;
  readonly region: string;
  readonly snapshotOwners: ReadonlySet<string>;
  readonly descriptionRegex: RegExp;
  readonly drKmsKeyId: string;
  /** When the source snapshot of a transit copy was taken (from its provenance tags). */
  readonly recoveryPointOf: (transitCopy: SimSnapshot) => number;
}

export class DrCopyPolicyModel {
  private readonly waiting: SimSnapshot[] = [];
  private readonly copying = new Map<string, { transitCopy: SimSnapshot; recoveryPoint: number; started: number }>();
  readonly copies: DrCopyRecord[] = [];
  readonly failures: { readonly transitCopyId: string; readonly reason: string }[] = [];
  /** Most shares ever waiting for a copy slot. */
  maxWaiting = 0;

  constructor(private readonly options: DrCopyPolicyOptions) {}

  /** A snapshot was shared with the DR account (the `shareSnapshot` event DLM's event policy listens to). */
  onShared(snapshot: SimSnapshot): void {
    if (snapshot.region !== this.options.region || !this.options.snapshotOwners.has(snapshot.ownerId)) return;
    if (!this.options.descriptionRegex.test(snapshot.description)) return;
    this.waiting.push(snapshot);
    this.maxWaiting = Math.max(this.maxWaiting, this.waiting.length);
    this.pump();
  }

  /** A copy into the DR account finished (or failed). */
  onCopyFinished(copy: SimSnapshot, result: "succeeded" | "failed", cause?: string): void {
    const started = this.copying.get(copy.id);
    if (!started) return;
    this.copying.delete(copy.id);
    if (result === "failed") this.failures.push({ transitCopyId: started.transitCopy.id, reason: cause ?? "copy failed" });
    else {
      this.copies.push({
        drSnapshotId: copy.id,
        sourceAccountId: started.transitCopy.ownerId,
        sourceRegion: started.transitCopy.region,
        creationTime: new Date(copy.startTime),
        completionTime: new Date(this.options.clock.now()),
        recoveryPoint: new Date(started.recoveryPoint),
        volumeId: copy.lineage,
        incremental: copy.incremental === true,
      });
    }
    this.pump();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.copying.size < COPY_QUOTA_PER_REGION) {
      const transitCopy = this.waiting.shift()!;
      if (!this.options.ec2.snapshot(transitCopy.id)) {
        this.failures.push({ transitCopyId: transitCopy.id, reason: "shared snapshot deleted before DLM copied it" });
        continue;
      }
      const copy = this.options.ec2.startCopy(
        this.options.drAccountId,
        this.options.region,
        transitCopy,
        this.options.drKmsKeyId,
        `Copied by DLM from ${transitCopy.ownerId}`,
        [],
      );
      this.copying.set(copy.id, { transitCopy, recoveryPoint: this.options.recoveryPointOf(transitCopy), started: this.options.clock.now() });
    }
  }
}
