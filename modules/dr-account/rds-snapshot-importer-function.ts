import type { FunctionNames, FunctionTrigger } from "../lambda/event-driven-function";

export const RDS_SNAPSHOT_IMPORTER_ENTRY = "modules/dr-account/rds-snapshot-importer/handler.ts";

export function rdsSnapshotImporterNames(namePrefix: string): FunctionNames & {
  hourlyRuleName: string;
  quotaMetricFilterName: string;
  metricNamespace: string;
  quotaMetricName: string;
} {
  return {
    functionName: `${namePrefix}-rds-snapshot-importer`,
    deadLetterQueueName: `${namePrefix}-rds-snapshot-importer-dlq`,
    hourlyRuleName: `${namePrefix}-rds-snapshot-import`,
    /** Its quota lines, counted by a metric filter into one metric per region (see rds-importer-quota-alarm.ts). */
    quotaMetricFilterName: `${namePrefix}-rds-snapshot-quota-exceeded`,
    metricNamespace: `${namePrefix}/DR`,
    quotaMetricName: "RdsSnapshotQuotaExceeded",
  };
}

/** Sharing a snapshot raises no event in the target account: the importer looks every hour. */
export function rdsSnapshotImporterTriggers(names: ReturnType<typeof rdsSnapshotImporterNames>): FunctionTrigger[] {
  return [
    {
      id: "hourly",
      ruleName: names.hourlyRuleName,
      description: "Hourly import of RDS snapshots shared by the source accounts",
      scheduleExpression: "rate(1 hour)",
    },
  ];
}
