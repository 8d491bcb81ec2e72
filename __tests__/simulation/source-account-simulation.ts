import type { Tag } from "@aws-sdk/client-ec2";
import { staggerOffsetMinutes } from "../../modules/capacity/schedule-stagger";
import type { TransitCopyContract } from "../../modules/config/naming";
import {
  createHandler,
  readSettings,
  type SnapshotCopierEvent,
} from "../../modules/source-account/snapshot-copier/handler";
import { transitCopyTags } from "../../modules/source-account/snapshot-copier/transit-copy-tags";
import { Ec2Model, type Ec2Notification, type SimSnapshot } from "./ec2-model";
import type { EstateOptions, SourceSnapshotRecord } from "./estate-options";
import { between, DAY, HOUR, MINUTE, seededRandom, SimClock } from "./sim-clock";

/**
 * One source account's days in the estate simulation: its lifecycle policy snapshots the tagged volumes daily
 * within the schedule's window, at the account's staggered start (the oldest beyond `retainCount` deleted), and its REAL snapshot copier handler
 * runs on the EBS events (some lost, some twice, each a little late, as EventBridge may deliver them) and on its
 * hourly schedule, with Lambda's two asynchronous retries and then a dead-letter queue. The account has its own
 * model of EC2: its own 20-copy quota, its own throttling.
 *
 * What reaches the DR account is recorded, not delivered: each transit copy shared with it, when, and (on the
 * snapshot) when the source deleted it. Nothing the DR account does reaches a source account, so the DR side can
 * replay the record afterwards (dr-region-simulation.ts).
 */

/** What every source account of the estate has in common. */
export interface SourceEstate {
  readonly options: EstateOptions;
  readonly contract: TransitCopyContract;
  readonly start: number;
  readonly end: number;
  readonly drAccountId: string;
  readonly kmsBAliasArn: string;
  /** Where every copier's log lines go. */
  readonly log: (entry: Record<string, unknown>) => void;
}

export interface SourceAccountRun {
  readonly accountId: string;
  /** The volumes, and when the snapshot taken the day before the run was (the DR account already has its copy). */
  readonly volumes: readonly { readonly volumeId: string; readonly lastSnapshotAt: number }[];
  readonly sourceSnapshots: readonly SourceSnapshotRecord[];
  /** Transit copies shared with the DR account, each with the time the DR account's copy policy sees the share. */
  readonly shares: readonly { readonly at: number; readonly snapshot: SimSnapshot }[];
  readonly deadLetters: readonly { readonly accountId: string; readonly event: SnapshotCopierEvent; readonly error: string }[];
  readonly invocations: number;
  readonly calls: ReadonlyMap<string, number>;
  readonly maxCopiesInProgress: number;
  readonly transitCopies: { readonly incremental: number; readonly full: number };
}

/** The share's event reaches the DR account's copy policy a few seconds after the call. */
const SHARE_EVENT_DELAY_MS = 5_000;

export const accountIdOf = (index: number) => String(100_000_000_000 + index);
export const sourceKeyOf = (accountId: string, region: string) => `arn:aws:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000001`;
/** Each account's own random stream: the same estate options give the same run, whatever runs before it. */
const accountSeed = (seed: number, index: number) => (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;

export async function simulateSourceAccount(estate: SourceEstate, accountIndex: number): Promise<SourceAccountRun> {
  const { options, contract, drAccountId } = estate;
  const { region } = options;
  const accountId = accountIdOf(accountIndex);
  const sourceKey = sourceKeyOf(accountId, region);
  const random = seededRandom(accountSeed(options.seed, accountIndex));
  const clock = new SimClock(new Date(estate.start));
  // The account's schedule: the policy's time plus the account's stagger offset, as its source stack sets it.
  const scheduleMinute = options.scheduleMinuteOfDay + staggerOffsetMinutes(accountId, options.staggerWindowMinutes);
  // One tag list for every source snapshot: the model never changes tags, and the copier reads it on every run.
  const selectionTags: Tag[] = [{ Key: contract.selectionTagKey, Value: contract.selectionTagValue }];
  const shares: { at: number; snapshot: SimSnapshot }[] = [];
  const deadLetters: { accountId: string; event: SnapshotCopierEvent; error: string }[] = [];
  const sourceSnapshots: SourceSnapshotRecord[] = [];
  let invocations = 0;

  const ec2 = new Ec2Model({
    clock,
    random,
    durations: options.durations,
    throttleShare: options.throttleShare,
    notify: (notification) => deliver(notification),
    idPrefix: accountIndex.toString(16).padStart(5, "0"),
  });
  const handler = createHandler({
    ec2: ec2.clientFor(accountId, region),
    settings: readSettings({
      DR_ACCOUNT_ID: drAccountId,
      KMS_B_ALIAS_ARN: estate.kmsBAliasArn,
      SOURCE_ACCOUNT_ID: accountId,
      SELECTION_TAG_KEY: contract.selectionTagKey,
      SELECTION_TAG_VALUE: contract.selectionTagValue,
      TRANSIT_TAG_KEY: contract.transitTagKey,
      TRANSIT_TAG_VALUE: contract.transitTagValue,
      DESCRIPTION_PREFIX: contract.descriptionPrefix,
      TRANSIT_RETENTION_HOURS: String(options.transitRetentionHours),
    }),
    now: () => clock.date(),
    sleep: async () => undefined,
    random,
    log: estate.log,
  });

  /** Lambda's asynchronous invocation: two retries about a minute and two minutes apart, then the dead-letter queue. */
  const invoke = async (event: SnapshotCopierEvent, attempt = 0): Promise<void> => {
    invocations++;
    try {
      await handler(event, { getRemainingTimeInMillis: () => 900_000 });
    } catch (error) {
      if (attempt < 2) clock.after((attempt + 1) * MINUTE, () => invoke(event, attempt + 1));
      else deadLetters.push({ accountId, event, error: (error as Error).message });
    }
  };

  /** EventBridge, best effort: some events are lost, some delivered twice, each a few seconds late. */
  const toCopier = (event: SnapshotCopierEvent) => {
    const roll = random();
    if (roll < options.lostEventShare) return;
    const deliveries = roll < options.lostEventShare + options.duplicateEventShare ? 2 : 1;
    for (let i = 0; i < deliveries; i++) clock.after(between(random, 1_000, 30_000), () => invoke(event));
  };

  const arn = (snapshotId: string) => `arn:aws:ec2::${region}:snapshot/${snapshotId}`;
  function deliver(notification: Ec2Notification): void {
    const { snapshot } = notification;
    if (notification.kind === "shareSnapshot") {
      if (notification.sharedWith === drAccountId) shares.push({ at: clock.now() + SHARE_EVENT_DELAY_MS, snapshot });
      return;
    }
    const detail =
      notification.kind === "createSnapshot"
        ? { event: "createSnapshot" as const, result: "succeeded" as const, snapshot_id: arn(snapshot.id), source: `arn:aws:ec2::${region}:volume/${snapshot.volumeId}` }
        : { event: "copySnapshot" as const, result: notification.result, cause: notification.cause, snapshot_id: arn(snapshot.id), source: arn(notification.sourceId) };
    toCopier({ "detail-type": "EBS Snapshot Notification", source: "aws.ec2", region, account: accountId, detail });
  }

  // Before the run: each volume has yesterday's snapshot and its transit copy, already shared with the DR account.
  const volumes: { volumeId: string; lastSnapshotAt: number; snapshots: SimSnapshot[] }[] = [];
  for (let v = 0; v < options.volumesPerAccount; v++) {
    const volumeId = `vol-${(accountIndex * options.volumesPerAccount + v).toString(16).padStart(17, "0")}`;
    const taken = estate.start - DAY + scheduleMinute * MINUTE + random() * options.windowMinutes * MINUTE;
    const source = ec2.seed({ ownerId: accountId, region, lineage: volumeId, volumeId, kmsKeyId: sourceKey, description: "Created by DLM", tags: selectionTags, state: "completed", startTime: taken });
    // As the copier tags its copies (transit-copy-tags.ts): the DR side reads the recovery point from them.
    const transitTags = transitCopyTags(
      { accountId, snapshotId: source.id, kmsKeyId: sourceKey, volumeId, startTime: new Date(taken) },
      { key: contract.transitTagKey, value: contract.transitTagValue },
    );
    const description = `${contract.descriptionPrefix} ${source.id} from ${accountId}`;
    ec2.seed({ ownerId: accountId, region, lineage: volumeId, volumeId: "vol-ffffffff", kmsKeyId: estate.kmsBAliasArn, description, tags: transitTags, state: "completed", startTime: taken + 30 * MINUTE, copiedFrom: source.id, sharedWith: [drAccountId] });
    volumes.push({ volumeId, lastSnapshotAt: taken, snapshots: [source] });
  }

  // The lifecycle policy: a snapshot a day within the window; the oldest beyond retainCount deleted.
  const stopAt = options.stopSending?.accountIndex === accountIndex ? estate.start + options.stopSending.afterHours * HOUR : Infinity;
  const lastDay = options.days + Math.ceil(options.drainHours / 24);
  // Each day's snapshot is scheduled when the previous one is taken: the clock's queue holds a day, not the run.
  const snapshotDay = (volume: (typeof volumes)[number], day: number) => {
    if (day >= lastDay) return;
    const at = estate.start + day * DAY + scheduleMinute * MINUTE + random() * options.windowMinutes * MINUTE;
    if (at >= stopAt) return;
    clock.at(at, () => {
      const snapshot = ec2.createSnapshot(accountId, region, volume.volumeId, sourceKey, selectionTags);
      sourceSnapshots.push({ accountId, region, volumeId: volume.volumeId, snapshotId: snapshot.id, time: new Date(snapshot.startTime) });
      volume.snapshots.push(snapshot);
      while (volume.snapshots.length > options.retainCount) ec2.delete(volume.snapshots.shift()!.id);
      snapshotDay(volume, day + 1);
    });
  };
  for (const volume of volumes) snapshotDay(volume, 0);

  // The copier's hourly schedule, at the account's own minute; each run schedules the next.
  const scheduled: SnapshotCopierEvent = { "detail-type": "Scheduled Event", source: "aws.events", region, account: accountId, detail: {} };
  const hourly = (at: number) => {
    if (at >= estate.end) return;
    clock.at(at, () => {
      hourly(at + HOUR);
      return invoke(scheduled);
    });
  };
  hourly(estate.start + random() * HOUR);

  await clock.runUntil(estate.end);

  const incremental = ec2.copiesStarted.filter((copy) => copy.incremental).length;
  return {
    accountId,
    volumes: volumes.map(({ volumeId, lastSnapshotAt }) => ({ volumeId, lastSnapshotAt })),
    sourceSnapshots,
    shares,
    deadLetters,
    invocations,
    calls: ec2.calls,
    maxCopiesInProgress: ec2.maxCopiesInProgress,
    transitCopies: { incremental, full: ec2.copiesStarted.length - incremental },
  };
}
