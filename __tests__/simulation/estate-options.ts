import type { CopyDurations } from "./ec2-model";

/** What an estate simulation simulates, and the defaults of a daily estate. */

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
  /**
   * `capacity.staggerWindowMinutes`: each account's schedule starts later by its offset within this window, as the
   * source stacks set it (modules/capacity/schedule-stagger.ts). 0: every account at the same time.
   */
  readonly staggerWindowMinutes: number;
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

/** The configuration's defaults (daily at 03:00, staggered over 4 hours, 7 kept, 48 h transit retention) and a rough world: 10 % of calls throttled, 2 % of events lost, 2 % twice. */
export const DAILY_ESTATE: Omit<EstateOptions, "accounts" | "volumesPerAccount" | "days" | "durations" | "seed"> = {
  drainHours: 24,
  region: "eu-west-1",
  scheduleMinuteOfDay: 3 * 60,
  windowMinutes: 60,
  staggerWindowMinutes: 240,
  retainCount: 7,
  transitRetentionHours: 48,
  throttleShare: 0.1,
  lostEventShare: 0.02,
  duplicateEventShare: 0.02,
};
