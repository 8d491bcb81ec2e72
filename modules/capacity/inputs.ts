import { parseValues } from "../config/cron-interval";
import type { SnapshotDrConfig } from "../config/load-config";

/**
 * The estimate's inputs derived from the configuration: counts per account, runs per day, retention in days.
 * Where the configuration leaves a choice open the estimate takes the larger figure.
 */

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

export interface ResourceCounts {
  readonly volumesPerRegion: number;
  readonly dbInstanceSnapshotsPerRegion: number;
  readonly dbClusterSnapshotsPerRegion: number;
  readonly backupResourcesPerRegion: number;
}

/** The counts of one source account: its `capacity.accounts` override, else the defaults. */
export function resourceCountsOf(config: SnapshotDrConfig, account: SourceAccount): ResourceCounts {
  const c = config.capacity;
  const own = c.accounts[account.id] ?? {};
  return {
    volumesPerRegion: own.volumesPerRegion ?? c.volumesPerRegion,
    dbInstanceSnapshotsPerRegion: own.dbInstanceSnapshotsPerRegion ?? c.dbInstanceSnapshotsPerRegion,
    dbClusterSnapshotsPerRegion: own.dbClusterSnapshotsPerRegion ?? c.dbClusterSnapshotsPerRegion,
    backupResourcesPerRegion: own.backupResourcesPerRegion ?? c.backupResourcesPerRegion,
  };
}

/**
 * Runs per day of a cron expression (`cron(minutes hours day-of-month month day-of-week year)`, as DLM and AWS
 * Backup write them): minutes × hours; day restrictions are ignored, so a weekly schedule counts as daily.
 */
export function cronRunsPerDay(expression: string): number {
  const fields = expression.replace(/^cron\(|\)$/g, "").trim().split(/\s+/);
  if (fields.length < 2) return 1;
  // A field the parser cannot read (the schema refuses it first) counts as every value: the larger figure.
  const count = (field: string, min: number, max: number) => parseValues(field, min, max)?.size ?? max - min + 1;
  return count(fields[0], 0, 59) * count(fields[1], 0, 23);
}

/** Snapshots DLM takes per volume per day under `ebs.schedule`. */
export function ebsRunsPerDay(config: SnapshotDrConfig): number {
  const { intervalHours, cronExpression } = config.ebs.schedule;
  return cronExpression !== undefined ? cronRunsPerDay(cronExpression) : 24 / (intervalHours ?? 24);
}

/** Retention in days; a month counts 31 days and a year 366. */
export function retentionDays(retention: { readonly interval: number; readonly unit: string }): number {
  const perUnit: Record<string, number> = { DAYS: 1, WEEKS: 7, MONTHS: 31, YEARS: 366 };
  return retention.interval * (perUnit[retention.unit] ?? 1);
}

/** Copies kept at steady state when `perDay` arrive and each is kept for `hours` (plus the hourly clean-up run). */
export const heldForHours = (perDay: number, hours: number): number => Math.ceil((perDay * (hours + 1)) / 24);

/**
 * Peak copies in flight when `count` copies start spread evenly over `spreadMinutes` and each takes
 * `durationMinutes`: every copy started within the last `durationMinutes` is still running.
 */
export function inFlight(count: number, spreadMinutes: number, durationMinutes: number): number {
  if (count === 0) return 0;
  if (spreadMinutes <= 0) return count;
  return Math.ceil((count * Math.min(durationMinutes, spreadMinutes)) / spreadMinutes);
}
