import type { ConfigProblem } from "./cross-field-rules";
import type { ParsedConfig } from "./schema";

/**
 * Transit copies must outlive the next snapshot plus a copy margin. A copy is incremental only while a prior copy
 * of the volume under the same key exists in the destination ("The resulting EBS Snapshot will be incremental if
 * there is already a prior copy of the EBS Snapshot encrypted under the same custom CMK in the destination
 * account/region", What's New, May 2018; EBS User Guide, "Copy an Amazon EBS snapshot", section "Incremental
 * snapshot copying": "Whether a snapshot copy is incremental is determined by the most recently completed snapshot
 * copy ... If the most recent snapshot copy was deleted, the next copy is a full copy, not an incremental copy");
 * and the DR account copies a transit copy after it is shared, which can
 * take hours when many sources share at once (20 concurrent copies per destination Region). The EBS copier also
 * keeps the newest transit copy of each volume whatever the retention; this rule keeps the one before it until
 * the DR account has had a full margin to copy it.
 */

/** Time allowed for a transit copy to be made, shared and copied by the DR account. */
export const TRANSIT_COPY_MARGIN_HOURS = 24;

/** RDS automated backups are taken once a day (in the backup window): the RDS copier's source interval. */
const RDS_SNAPSHOT_INTERVAL_HOURS = 24;

export function transitRetentionProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ebsInterval = snapshotIntervalHours(config.ebs.schedule);
  if (ebsInterval !== undefined && config.ebs.transitCopyRetentionHours < ebsInterval + TRANSIT_COPY_MARGIN_HOURS) {
    problems.push({
      path: "ebs.transitCopyRetentionHours",
      message:
        `must be at least the snapshot interval (${ebsInterval} h) + ${TRANSIT_COPY_MARGIN_HOURS} h copy margin = ` +
        `${ebsInterval + TRANSIT_COPY_MARGIN_HOURS}: a transit copy must outlive the next snapshot until the DR account has copied it`,
    });
  }
  const rdsMinimum = RDS_SNAPSHOT_INTERVAL_HOURS + TRANSIT_COPY_MARGIN_HOURS;
  if (config.rds.enabled && config.rds.transitCopyRetentionHours < rdsMinimum) {
    problems.push({
      path: "rds.transitCopyRetentionHours",
      message:
        `must be at least the daily automated backup interval (${RDS_SNAPSHOT_INTERVAL_HOURS} h) + ${TRANSIT_COPY_MARGIN_HOURS} h copy margin = ` +
        `${rdsMinimum}: the DR account's hourly importer must find and copy a transit copy before it is deleted`,
    });
  }
  return problems;
}

/**
 * The longest time between two snapshots of the schedule, in hours, or undefined when a cron expression is beyond
 * what this reads (then the rule does not apply).
 */
export function snapshotIntervalHours(schedule: { intervalHours?: number; cronExpression?: string }): number | undefined {
  if (schedule.intervalHours !== undefined) return schedule.intervalHours;
  const fields = /^cron\((.*)\)$/.exec(schedule.cronExpression ?? "")?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [, hourField, dayOfMonth, , dayOfWeek] = fields;
  const hours = expand(hourField, 0, 23);
  if (!hours) return undefined;
  const anyDay = (field: string) => field === "*" || field === "?";
  if (!anyDay(dayOfMonth)) return 31 * 24; // monthly: at most a month between snapshots
  const days = anyDay(dayOfWeek) ? [1, 2, 3, 4, 5, 6, 7] : expand(dayOfWeek.replace(/[A-Z]{3}/gi, (name) => String(DAYS.indexOf(name.toUpperCase()) + 1)), 1, 7);
  if (!days || days.length === 0) return undefined;
  const times = days.flatMap((day) => hours.map((hour) => (day - 1) * 24 + hour)).sort((a, b) => a - b);
  return Math.max(...times.map((time, index) => (index + 1 < times.length ? times[index + 1] : times[0] + 7 * 24) - time));
}

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** `*`, `n`, `a-b`, `a/n`, `*\/n`, `a-b/n` and comma lists of them → the values, or undefined. */
function expand(field: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const start = match[1] === "*" ? min : Number(match[1]);
    const end = match[2] !== undefined ? Number(match[2]) : match[1] === "*" || match[3] !== undefined ? max : start;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (start < min || end > max || start > end || step < 1) return undefined;
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return [...values];
}
