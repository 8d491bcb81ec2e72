import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { NotifyingAlarm } from "../monitoring/notifying-alarm";
import { alarmName } from "../monitoring/monitoring-names";
import { rdsSnapshotImporterNames } from "./rds-snapshot-importer-function";

/** Properties of an {@link RdsImporterQuotaAlarm}. */
export interface RdsImporterQuotaAlarmProps {
  readonly provider: TerraformProvider;
  /** The region of the importer whose log group is watched. */
  readonly region: string;
  readonly namePrefix: string;
  /** What must exist first: the importer function (which waits for its log group). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * The importer's log line when RDS refuses a copy with `SnapshotQuotaExceeded` (`"decision":"quota-exceeded"`,
 * `import-run.ts`). An unstructured term pattern: "Filter patterns only return the log events that contain the terms
 * you define", and terms with non-alphanumeric characters are enclosed in double quotation marks (CloudWatch Logs,
 * filter pattern syntax). It matches whether or not Lambda puts its timestamp and request ID before the JSON; no
 * other line of the importer contains the term (the deferral reason spells the AWS error `SnapshotQuotaExceeded`).
 */
export const QUOTA_EXCEEDED_PATTERN = '"quota-exceeded"';

/**
 * The RDS importer's manual-snapshot quota, watched (issue 11 §1): the importer logs `SnapshotQuotaExceeded` as a
 * quota problem and stops copying into that region for the run, so the copies wait until a person acts. A metric
 * filter on the importer's log group counts those lines into one metric of the region (no dimension: one per region,
 * whatever the number of accounts), and an alarm on it notifies the region's topic.
 */
export class RdsImporterQuotaAlarm extends Construct {
  readonly metricFilter: CloudwatchLogMetricFilter;
  readonly alarm: NotifyingAlarm;

  constructor(scope: Construct, id: string, props: RdsImporterQuotaAlarmProps) {
    super(scope, id);
    const names = rdsSnapshotImporterNames(props.namePrefix);
    this.metricFilter = new CloudwatchLogMetricFilter(this, "metric-filter", {
      provider: props.provider,
      name: names.quotaMetricFilterName,
      logGroupName: `/aws/lambda/${names.functionName}`,
      pattern: QUOTA_EXCEEDED_PATTERN,
      metricTransformation: { name: names.quotaMetricName, namespace: names.metricNamespace, value: "1", unit: "Count" },
      dependsOn: [...props.dependsOn],
    });
    // The importer runs hourly: one period per run; a run that hits the quota again keeps the alarm on.
    this.alarm = new NotifyingAlarm(this, "alarm", {
      provider: props.provider,
      region: props.region,
      alarmName: alarmName(props.namePrefix, `rds-snapshot-quota-exceeded-${props.region}`),
      description:
        `The RDS importer in ${props.region} hit the manual snapshot quota (SnapshotQuotaExceeded): shared RDS snapshots wait, uncopied. ` +
        `Find the region and snapshot in /aws/lambda/${names.functionName}: lines with "decision":"quota-exceeded". Runbook: README "Operations".`,
      metric: { namespace: names.metricNamespace, metricName: names.quotaMetricName, statistic: "Sum", periodSeconds: 3600 },
      treatMissingData: "notBreaching",
    });
  }
}
