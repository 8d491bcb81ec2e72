import type { SnapshotDrConfig } from "../config/load-config";
import type { Flow } from "../dr-account/freshness-check/stale-sources";

/**
 * The recovery point objective of each flow: `monitoring.rpoHours`, else derived from the schedules.
 *
 * Default = the longest time between two snapshots of a source + a copy margin of 12 hours (the copy chain:
 * source snapshot, transit copy, share, the DR account's copy; a first, full copy of a large volume takes
 * hours). The time between two snapshots is:
 * - EBS: `ebs.schedule.intervalHours`, or for a cron schedule its interval (below);
 * - RDS: 24 hours (RDS takes automated snapshots daily; the copiers also copy manual snapshots, which only
 *   make sources fresher);
 * - AWS Backup: the longest interval among `backup.rules`, plus the rule's start window (a job may start that
 *   late; AWS Backup's default is 8 hours).
 * A cron expression's interval: every hour (`*` hours) 1; `*\/N` or `a/N` hours N; a list of hours the longest
 * gap between them; a weekly day-of-week field 168; a day-of-month field 744; otherwise daily, 24.
 */
export const COPY_MARGIN_HOURS = 12;
const DEFAULT_BACKUP_START_WINDOW_MINUTES = 480;

/** The longest gap between two runs of a 6-field `cron(minutes hours day-of-month month day-of-week year)`. */
export function cronIntervalHours(expression: string): number {
  const fields = expression.replace(/^cron\(|\)$/g, "").trim().split(/\s+/);
  const [, hours = "*", dayOfMonth = "*", , dayOfWeek = "?"] = fields;
  if (dayOfMonth !== "*" && dayOfMonth !== "?") return 744;
  if (dayOfWeek !== "*" && dayOfWeek !== "?") return 168;
  if (hours === "*") return 1;
  const step = /^(\*|\d+)\/(\d+)$/.exec(hours);
  if (step) return Math.min(24, Number(step[2]));
  const list = hours.split(",").map(Number);
  if (list.length > 1 && list.every((h) => Number.isInteger(h) && h >= 0 && h < 24)) {
    const sorted = [...new Set(list)].sort((a, b) => a - b);
    return Math.max(...sorted.map((h, i) => (i + 1 < sorted.length ? sorted[i + 1] - h : sorted[0] + 24 - h)));
  }
  return 24;
}

/** Hours between two snapshots or recovery points of a source, per flow (see above). */
export function snapshotIntervalHours(config: SnapshotDrConfig): Record<Flow, number> {
  const ebsSchedule = config.ebs.schedule;
  const ebs = ebsSchedule.intervalHours ?? (ebsSchedule.cronExpression ? cronIntervalHours(ebsSchedule.cronExpression) : 24);
  const backup = Math.max(
    ...config.backup.rules.map((rule) => cronIntervalHours(rule.schedule) + Math.ceil((rule.startWindowMinutes ?? DEFAULT_BACKUP_START_WINDOW_MINUTES) / 60)),
  );
  return { ebs, rds: 24, backup };
}

/** The recovery point objective of each flow, in hours. */
export function recoveryPointObjectives(config: SnapshotDrConfig): Record<Flow, number> {
  const interval = snapshotIntervalHours(config);
  const configured = config.monitoring.rpoHours;
  return {
    ebs: configured.ebs ?? interval.ebs + COPY_MARGIN_HOURS,
    rds: configured.rds ?? interval.rds + COPY_MARGIN_HOURS,
    backup: configured.backup ?? interval.backup + COPY_MARGIN_HOURS,
  };
}

/** Configured objectives no schedule can meet: every source would be stale between two snapshots. */
export function unreachableObjectives(config: SnapshotDrConfig): string[] {
  const interval = snapshotIntervalHours(config);
  return (["ebs", "rds", "backup"] as const).flatMap((flow) => {
    const configured = config.monitoring.rpoHours[flow];
    return configured !== undefined && configured < interval[flow]
      ? [`monitoring.rpoHours.${flow} (${configured} h) is shorter than the time between two snapshots of that flow (${interval[flow]} h): every source would be reported stale`]
      : [];
  });
}
