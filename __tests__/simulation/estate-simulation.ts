import * as path from "path";
import type { Tag } from "@aws-sdk/client-ec2";
import { loadConfig } from "../../modules/config/load-config";
import { transitCopyContract } from "../../modules/config/naming";
import {
  createHandler,
  readSettings,
  type SnapshotCopierEvent,
  type SnapshotCopierHandler,
} from "../../modules/source-account/snapshot-copier/handler";
import { DrCopyPolicyModel, type DrCopyRecord } from "./dr-copy-policy-model";
import { Ec2Model, type CopyDurations, type Ec2Notification, type SimSnapshot } from "./ec2-model";
import { between, DAY, HOUR, MINUTE, seededRandom, SimClock } from "./sim-clock";

/**
 * A DR estate over simulated days: source accounts whose lifecycle policy snapshots tagged volumes daily within
 * the schedule's window, each account's REAL snapshot copier handler (driven by the EBS events, hourly schedules
 * and the simulated clock; Lambda's two async retries, then a dead-letter queue), one model of EC2 for all
 * accounts, and the DR account's cross-account copy event policy. Seeded: the same options give the same run.
 */

export interface EstateOptions {
  readonly accounts: number;
  readonly volumesPerAccount: number;
  readonly days: number;
  /** Extra simulated time after the last day so its snapshots can land. */
  readonly drainHours: number;
  readonly region: string;
  /** The lifecycle policy's start, minutes after midnight UTC; snapshots start within `windowMinutes` of it. */
  readonly scheduleMinuteOfDay: number;
  readonly windowMinutes: number;
  readonly retainCount: number;
  readonly transitRetentionHours: number;
  readonly durations: CopyDurations;
  readonly throttleShare: number;
  /** Share of EBS events to the copier that EventBridge never delivers, and share delivered twice. */
  readonly lostEventShare: number;
  readonly duplicateEventShare: number;
  readonly seed: number;
  /** This account's lifecycle policy stops creating snapshots at this time (a source that stops sending). */
  readonly stopSending?: { readonly accountIndex: number; readonly afterHours: number };
}

/** A snapshot the source lifecycle policy took. */
export interface SourceSnapshotRecord {
  readonly accountId: string;
  readonly region: string;
  readonly volumeId: string;
  readonly snapshotId: string;
  readonly time: Date;
}

export interface EstateRun {
  readonly start: Date;
  readonly end: Date;
  readonly accountIds: readonly string[];
  readonly region: string;
  /** The seam for a freshness check: every copy the DR account owns (source account, source region, creation time). */
  drCopies(): readonly DrCopyRecord[];
  readonly sourceSnapshots: readonly SourceSnapshotRecord[];
  readonly deadLetters: readonly { readonly accountId: string; readonly event: SnapshotCopierEvent; readonly error: string }[];
  readonly dlmFailures: readonly { readonly transitCopyId: string; readonly reason: string }[];
  readonly logCounts: ReadonlyMap<string, number>;
  readonly ec2Calls: ReadonlyMap<string, number>;
  readonly maxCopiesInProgress: number;
  readonly maxDlmWaiting: number;
  readonly transitCopies: { readonly incremental: number; readonly full: number };
  readonly invocations: number;
}

/** The configuration's defaults (daily at 03:00, 7 kept, 48 h transit retention) and a rough world: 10 % of calls throttled, 2 % of events lost, 2 % twice. */
export const DAILY_ESTATE: Omit<EstateOptions, "accounts" | "volumesPerAccount" | "days" | "durations" | "seed"> = {
  drainHours: 24,
  region: "eu-west-1",
  scheduleMinuteOfDay: 3 * 60,
  windowMinutes: 60,
  retainCount: 7,
  transitRetentionHours: 48,
  throttleShare: 0.1,
  lostEventShare: 0.02,
  duplicateEventShare: 0.02,
};

export const DR_ACCOUNT_ID = "999999999999";
const SIM_START = Date.parse("2025-06-02T00:00:00.000Z");

const accountIdOf = (index: number) => String(100_000_000_000 + index);

export async function simulateEstate(options: EstateOptions): Promise<EstateRun> {
  const contract = transitCopyContract(loadConfig(path.join(__dirname, "../../config/example.yaml")));
  const random = seededRandom(options.seed);
  const clock = new SimClock(new Date(SIM_START));
  const { region } = options;
  const accountIds = Array.from({ length: options.accounts }, (_, index) => accountIdOf(index));
  const kmsBAliasArn = `arn:aws:kms:${region}:${DR_ACCOUNT_ID}:alias/snapshot-dr/kms-b`;
  const sourceKey = (accountId: string) => `arn:aws:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000001`;
  const drKey = `arn:aws:kms:${region}:${DR_ACCOUNT_ID}:key/00000000-0000-0000-0000-00000000000c`;
  // One tag list for every source snapshot: the model never changes tags, and the copiers read it on every run.
  const selectionTags: Tag[] = [{ Key: contract.selectionTagKey, Value: contract.selectionTagValue }];

  const logCounts = new Map<string, number>();
  const log = (entry: Record<string, unknown>) => {
    const decision = String(entry.decision);
    logCounts.set(decision, (logCounts.get(decision) ?? 0) + 1);
  };
  const deadLetters: { accountId: string; event: SnapshotCopierEvent; error: string }[] = [];
  const sourceSnapshots: SourceSnapshotRecord[] = [];
  let invocations = 0;

  const handlers = new Map<string, SnapshotCopierHandler>();
  const sourceTime = (copy: SimSnapshot) => Date.parse(copy.tags.find((tag) => tag.Key === "SourceStartTime")?.Value ?? "");

  let dr: DrCopyPolicyModel | undefined;
  const ec2 = new Ec2Model({
    clock,
    random,
    durations: options.durations,
    throttleShare: options.throttleShare,
    notify: (notification) => deliver(notification),
  });
  dr = new DrCopyPolicyModel({
    clock,
    ec2,
    drAccountId: DR_ACCOUNT_ID,
    region,
    snapshotOwners: new Set(accountIds),
    descriptionRegex: new RegExp(contract.descriptionRegex),
    drKmsKeyId: drKey,
    recoveryPointOf: sourceTime,
  });
  const drPolicy = dr;

  for (const accountId of accountIds) {
    const settings = readSettings({
      DR_ACCOUNT_ID: DR_ACCOUNT_ID,
      KMS_B_ALIAS_ARN: kmsBAliasArn,
      SOURCE_ACCOUNT_ID: accountId,
      SELECTION_TAG_KEY: contract.selectionTagKey,
      SELECTION_TAG_VALUE: contract.selectionTagValue,
      TRANSIT_TAG_KEY: contract.transitTagKey,
      TRANSIT_TAG_VALUE: contract.transitTagValue,
      DESCRIPTION_PREFIX: contract.descriptionPrefix,
      TRANSIT_RETENTION_HOURS: String(options.transitRetentionHours),
    });
    handlers.set(
      accountId,
      createHandler({ ec2: ec2.clientFor(accountId, region), settings, now: () => clock.date(), sleep: async () => undefined, random, log }),
    );
  }

  /** Lambda's asynchronous invocation: two retries about a minute and two minutes apart, then the dead-letter queue. */
  const invoke = async (accountId: string, event: SnapshotCopierEvent, attempt = 0): Promise<void> => {
    invocations++;
    try {
      await handlers.get(accountId)!(event, { getRemainingTimeInMillis: () => 900_000 });
    } catch (error) {
      if (attempt < 2) clock.after((attempt + 1) * MINUTE, () => invoke(accountId, event, attempt + 1));
      else deadLetters.push({ accountId, event, error: (error as Error).message });
    }
  };

  /** EventBridge, best effort: some events are lost, some delivered twice, each a few seconds late. */
  const toCopier = (accountId: string, event: SnapshotCopierEvent) => {
    const roll = random();
    if (roll < options.lostEventShare) return;
    const deliveries = roll < options.lostEventShare + options.duplicateEventShare ? 2 : 1;
    for (let i = 0; i < deliveries; i++) clock.after(between(random, 1_000, 30_000), () => invoke(accountId, event));
  };

  const arn = (snapshotId: string) => `arn:aws:ec2::${region}:snapshot/${snapshotId}`;
  function deliver(notification: Ec2Notification): void {
    const { snapshot } = notification;
    if (notification.kind === "shareSnapshot") {
      if (notification.sharedWith === DR_ACCOUNT_ID) clock.after(5_000, () => drPolicy.onShared(snapshot));
      return;
    }
    if (snapshot.ownerId === DR_ACCOUNT_ID) {
      if (notification.kind === "copySnapshot") drPolicy.onCopyFinished(snapshot, notification.result, notification.cause);
      return;
    }
    const detail =
      notification.kind === "createSnapshot"
        ? { event: "createSnapshot" as const, result: "succeeded" as const, snapshot_id: arn(snapshot.id), source: `arn:aws:ec2::${region}:volume/${snapshot.volumeId}` }
        : { event: "copySnapshot" as const, result: notification.result, cause: notification.cause, snapshot_id: arn(snapshot.id), source: arn(notification.sourceId) };
    toCopier(snapshot.ownerId, { "detail-type": "EBS Snapshot Notification", source: "aws.ec2", region, account: snapshot.ownerId, detail });
  }

  // Before the run: each volume has yesterday's snapshot, its shared transit copy and the DR account's copy.
  const volumes: { accountId: string; volumeId: string; snapshots: SimSnapshot[] }[] = [];
  for (const [accountIndex, accountId] of accountIds.entries()) {
    for (let v = 0; v < options.volumesPerAccount; v++) {
      const volumeId = `vol-${(accountIndex * options.volumesPerAccount + v).toString(16).padStart(17, "0")}`;
      const taken = SIM_START - DAY + options.scheduleMinuteOfDay * MINUTE + random() * options.windowMinutes * MINUTE;
      const source = ec2.seed({ ownerId: accountId, region, lineage: volumeId, volumeId, kmsKeyId: sourceKey(accountId), description: "Created by DLM", tags: selectionTags, state: "completed", startTime: taken });
      const transitTags: Tag[] = [
        { Key: "SourceAccount", Value: accountId },
        { Key: "SourceSnapshotId", Value: source.id },
        { Key: "SourceKmsKeyId", Value: sourceKey(accountId) },
        { Key: "SourceVolumeId", Value: volumeId },
        { Key: "SourceStartTime", Value: new Date(taken).toISOString() },
        { Key: contract.transitTagKey, Value: contract.transitTagValue },
      ];
      const description = `${contract.descriptionPrefix} ${source.id} from ${accountId}`;
      ec2.seed({ ownerId: accountId, region, lineage: volumeId, volumeId: "vol-ffffffff", kmsKeyId: kmsBAliasArn, description, tags: transitTags, state: "completed", startTime: taken + 30 * MINUTE, copiedFrom: source.id, sharedWith: [DR_ACCOUNT_ID] });
      ec2.seed({ ownerId: DR_ACCOUNT_ID, region, lineage: volumeId, volumeId: "vol-ffffffff", kmsKeyId: drKey, description: "seed", tags: [], state: "completed", startTime: taken + HOUR, copiedFrom: "seed" });
      drPolicy.copies.push({ drSnapshotId: "seed", sourceAccountId: accountId, sourceRegion: region, creationTime: new Date(taken + HOUR), completionTime: new Date(taken + 2 * HOUR), recoveryPoint: new Date(taken), volumeId, incremental: true });
      volumes.push({ accountId, volumeId, snapshots: [source] });
    }
  }

  // The source accounts' lifecycle policies: a snapshot a day within the window; the oldest beyond retainCount deleted.
  const stoppedAccount = options.stopSending ? accountIds[options.stopSending.accountIndex] : undefined;
  const stopAt = options.stopSending ? SIM_START + options.stopSending.afterHours * HOUR : Infinity;
  const lastDay = options.days + Math.ceil(options.drainHours / 24);
  // Each day's snapshot is scheduled when the previous one is taken: the clock's queue holds a day, not the run.
  const snapshotDay = (volume: (typeof volumes)[number], day: number) => {
    if (day >= lastDay) return;
    const at = SIM_START + day * DAY + options.scheduleMinuteOfDay * MINUTE + random() * options.windowMinutes * MINUTE;
    if (volume.accountId === stoppedAccount && at >= stopAt) return;
    clock.at(at, () => {
      const snapshot = ec2.createSnapshot(volume.accountId, region, volume.volumeId, sourceKey(volume.accountId), selectionTags);
      sourceSnapshots.push({ accountId: volume.accountId, region, volumeId: volume.volumeId, snapshotId: snapshot.id, time: new Date(snapshot.startTime) });
      volume.snapshots.push(snapshot);
      while (volume.snapshots.length > options.retainCount) ec2.delete(volume.snapshots.shift()!.id);
      snapshotDay(volume, day + 1);
    });
  };
  for (const volume of volumes) snapshotDay(volume, 0);

  // Each copier's hourly schedule, at its own minute; each run schedules the next.
  const end = SIM_START + options.days * DAY + options.drainHours * HOUR;
  for (const accountId of accountIds) {
    const scheduled: SnapshotCopierEvent = { "detail-type": "Scheduled Event", source: "aws.events", region, account: accountId, detail: {} };
    const hourly = (at: number) => {
      if (at >= end) return;
      clock.at(at, () => {
        hourly(at + HOUR);
        return invoke(accountId, scheduled);
      });
    };
    hourly(SIM_START + random() * HOUR);
  }

  await clock.runUntil(end);

  const transitStarts = ec2.copiesStarted.filter((copy) => copy.ownerId !== DR_ACCOUNT_ID);
  const incremental = transitStarts.filter((copy) => copy.incremental).length;
  const full = transitStarts.length - incremental;
  return {
    start: new Date(SIM_START),
    end: new Date(end),
    accountIds,
    region,
    drCopies: () => drPolicy.copies,
    sourceSnapshots,
    deadLetters,
    dlmFailures: drPolicy.failures,
    logCounts,
    ec2Calls: ec2.calls,
    maxCopiesInProgress: ec2.maxCopiesInProgress,
    maxDlmWaiting: drPolicy.maxWaiting,
    transitCopies: { incremental, full },
    invocations,
  };
}
