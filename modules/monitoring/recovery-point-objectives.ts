import { cronIntervalHours, snapshotScheduleIntervalHours } from "../config/cron-interval";
import type { SnapshotDrConfig } from "../config/load-config";
import { backupEnabledFor } from "../config/naming";
import type { Flow } from "../dr-account/freshness-check/stale-sources";

/**
 * The recovery point objective of each flow: `monitoring.rpoHours`, else derived from the schedules.
 *
 * Default = the longest time between two snapshots of a source + a copy margin of 12 hours (the copy chain:
 * source snapshot, transit copy, share, the DR account's copy; a first, full copy of a large volume takes
 * hours). The time between two snapshots is:
 * - EBS: `ebs.schedule.intervalHours`, or for a cron schedule its longest gap (below);
 * - RDS: 24 hours (RDS takes automated snapshots daily; the copiers also copy manual snapshots, which only
 *   make sources fresher);
 * - AWS Backup: the longest interval among `backup.rules`, plus the rule's start window (a job may start that
 *   late; AWS Backup's default is 8 hours).
 * A cron schedule's time between two snapshots is its longest gap (modules/config/cron-interval.ts). A schedule
 * that gives none (it runs fewer than twice) has no default objective: {@link unreachableObjectives} asks for one.
 */
export const COPY_MARGIN_HOURS = 12;
const DEFAULT_BACKUP_START_WINDOW_MINUTES = 480;

/** Hours between two snapshots or recovery points of a source, per flow (see above); undefined when not derivable. */
export function snapshotIntervalHours(config: SnapshotDrConfig): Record<Flow, number | undefined> {
  const backupRules = config.backup.rules.map((rule) => {
    const interval = cronIntervalHours(rule.schedule);
    return interval === undefined ? undefined : interval + Math.ceil((rule.startWindowMinutes ?? DEFAULT_BACKUP_START_WINDOW_MINUTES) / 60);
  });
  const backup = backupRules.some((interval) => interval === undefined) ? undefined : Math.max(...(backupRules as number[]));
  return { ebs: snapshotScheduleIntervalHours(config.ebs.schedule), rds: 24, backup };
}

/**
 * The recovery point objective of each flow, in hours. A flow whose default cannot be derived gets NaN, never a
 * guess: {@link unreachableObjectives} stops the synthesis, and the freshness check refuses a non-positive objective.
 */
export function recoveryPointObjectives(config: SnapshotDrConfig): Record<Flow, number> {
  const interval = snapshotIntervalHours(config);
  const configured = config.monitoring.rpoHours;
  const objective = (flow: Flow) => configured[flow] ?? (interval[flow] ?? Number.NaN) + COPY_MARGIN_HOURS;
  return { ebs: objective("ebs"), rds: objective("rds"), backup: objective("backup") };
}

/**
 * Configured objectives no schedule can meet (every source would be stale between two snapshots), and objectives
 * left to a default the schedules cannot give.
 */
export function unreachableObjectives(config: SnapshotDrConfig): string[] {
  const interval = snapshotIntervalHours(config);
  return (["ebs", "rds", "backup"] as const).flatMap((flow) => {
    const configured = config.monitoring.rpoHours[flow];
    const between = interval[flow];
    if (between === undefined) {
      return configured === undefined && (flow !== "backup" || config.sourceAccounts.some((account) => backupEnabledFor(config, account)))
        ? [`monitoring.rpoHours.${flow} must be set: ${nonRepeatingSchedules(config, flow)} runs fewer than twice, so no default can be derived from it`]
        : [];
    }
    return configured !== undefined && configured < between
      ? [`monitoring.rpoHours.${flow} (${configured} h) is shorter than the time between two snapshots of that flow (${between} h): every source would be reported stale`]
      : [];
  });
}

/** The schedule fields of a flow that give no interval, as the configuration names them. */
function nonRepeatingSchedules(config: SnapshotDrConfig, flow: Flow): string {
  if (flow !== "backup") return `ebs.schedule.cronExpression (${config.ebs.schedule.cronExpression})`;
  return config.backup.rules
    .flatMap((rule, index) => (cronIntervalHours(rule.schedule) === undefined ? [`backup.rules[${index}].schedule (${rule.schedule})`] : []))
    .join(", ");
}
