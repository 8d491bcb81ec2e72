import { DrCopyPolicyModel, type DrCopyRecord } from "./dr-copy-policy-model";
import { Ec2Model, type CopyDurations, type SimSnapshot } from "./ec2-model";
import { HOUR, SimClock } from "./sim-clock";

/**
 * The DR account's side of the estate simulation, run after the source accounts: every transit copy shared with
 * it reaches its cross-account copy event policy at the recorded time, and every deletion of a shared transit copy
 * by its source happens at the recorded time, so a DR copy still reading a deleted snapshot fails as it would. The
 * DR account has its own model of EC2, with its own 20 concurrent copies per destination Region.
 */

export interface DrRegionOptions {
  readonly region: string;
  readonly drAccountId: string;
  readonly drKmsKeyId: string;
  readonly snapshotOwners: ReadonlySet<string>;
  readonly descriptionRegex: RegExp;
  /** When the source snapshot of a transit copy was taken (from its provenance tags). */
  readonly recoveryPointOf: (transitCopy: SimSnapshot) => number;
  readonly durations: CopyDurations;
  readonly random: () => number;
  readonly start: number;
  readonly end: number;
  /** Each source volume's snapshot of the day before the run: the DR account has its copy when the run starts. */
  readonly volumes: readonly { readonly accountId: string; readonly volumeId: string; readonly lastSnapshotAt: number }[];
  readonly shares: readonly { readonly at: number; readonly snapshot: SimSnapshot }[];
}

export interface DrRegionRun {
  readonly copies: readonly DrCopyRecord[];
  readonly failures: readonly { readonly transitCopyId: string; readonly reason: string }[];
  readonly maxWaiting: number;
  readonly maxCopiesInProgress: number;
  readonly copiesStarted: number;
}

export async function simulateDrRegion(options: DrRegionOptions): Promise<DrRegionRun> {
  const { region, drAccountId, drKmsKeyId } = options;
  const clock = new SimClock(new Date(options.start));
  const ec2: Ec2Model = new Ec2Model({
    clock,
    random: options.random,
    durations: options.durations,
    throttleShare: 0, // DLM makes the DR account's calls; its retries are not ours to model
    notify: (notification) => {
      if (notification.kind === "copySnapshot" && notification.snapshot.ownerId === drAccountId) {
        policy.onCopyFinished(notification.snapshot, notification.result, notification.cause);
      }
    },
    idPrefix: "fffff",
  });
  const policy = new DrCopyPolicyModel({
    clock,
    ec2,
    drAccountId,
    region,
    snapshotOwners: options.snapshotOwners,
    descriptionRegex: options.descriptionRegex,
    drKmsKeyId,
    recoveryPointOf: options.recoveryPointOf,
  });

  // Before the run: the DR account's copy of each volume's last snapshot, so the next copy is incremental.
  for (const { accountId, volumeId, lastSnapshotAt } of options.volumes) {
    ec2.seed({ ownerId: drAccountId, region, lineage: volumeId, volumeId: "vol-ffffffff", kmsKeyId: drKmsKeyId, description: "seed", tags: [], state: "completed", startTime: lastSnapshotAt + HOUR, copiedFrom: "seed" });
    policy.copies.push({
      drSnapshotId: "seed",
      sourceAccountId: accountId,
      sourceRegion: region,
      creationTime: new Date(lastSnapshotAt + HOUR),
      completionTime: new Date(lastSnapshotAt + 2 * HOUR),
      recoveryPoint: new Date(lastSnapshotAt),
      volumeId,
      incremental: true,
    });
  }

  for (const { at, snapshot } of options.shares) {
    // A snapshot deleted before its share reached the policy is never adopted: the policy finds it gone.
    const deletedAt = snapshot.deletedAt;
    const outlivesShare = deletedAt === undefined || deletedAt > at;
    clock.at(at, () => {
      if (outlivesShare) ec2.adopt(snapshot);
      policy.onShared(snapshot);
    });
    if (outlivesShare && deletedAt !== undefined && deletedAt < options.end) clock.at(deletedAt, () => ec2.delete(snapshot.id));
  }

  await clock.runUntil(options.end);

  return {
    copies: policy.copies,
    failures: policy.failures,
    maxWaiting: policy.maxWaiting,
    maxCopiesInProgress: ec2.maxCopiesInProgress,
    copiesStarted: ec2.copiesStarted.length,
  };
}
