import { snapshotScheduleIntervalHours } from "./cron-interval";
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
  // An interval the schedule does not give (an expression the schema already refused, or one that never repeats)
  // leaves this rule out rather than guess one.
  const ebsInterval = snapshotScheduleIntervalHours(config.ebs.schedule);
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
