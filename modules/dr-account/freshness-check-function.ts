import { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { EventDrivenFunction } from "../lambda/event-driven-function";
import { NotifyingAlarm } from "../monitoring/notifying-alarm";
import { alarmName, freshnessCheckNames } from "../monitoring/monitoring-names";
import type { DrCopyPolicyFilter } from "./freshness-check/dr-copy-policies";
import { CHECK_INTERVAL_HOURS, FLOWS, sourceKey, type ExpectedSource, type Flow } from "./freshness-check/stale-sources";

export const FRESHNESS_CHECK_ENTRY = "modules/dr-account/freshness-check/handler.ts";

/** Properties of a {@link FreshnessCheckFunction}. */
export interface FreshnessCheckFunctionProps {
  readonly provider: TerraformProvider;
  readonly partition: string;
  readonly drAccountId: string;
  readonly region: string;
  readonly namePrefix: string;
  readonly roleArn: string;
  /** Resources the function must wait for (its role's policy). */
  readonly dependsOn: readonly ITerraformDependable[];
  /** The sources whose copies land in this region (packaged with the function: no environment limit). */
  readonly expected: readonly ExpectedSource[];
  readonly rpoHours: Readonly<Record<Flow, number>>;
  /**
   * How the function recognises the DR copy event policies, which it finds itself at run time in the source
   * regions: its environment does not grow with the number of policies.
   * @default - no EBS sources
   */
  readonly dlmPolicyFilter?: DrCopyPolicyFilter;
  /** @default - no AWS Backup sources */
  readonly backupVaultName?: string;
  /** @default - no RDS sources */
  readonly rdsImport?: { readonly tagKey: string; readonly tagValue: string; readonly prefix: string };
}

/**
 * The freshness check of one DR region (see `freshness-check/handler.ts`), run hourly, and its two alarms: more
 * than zero stale sources, or no report at all for two hours (missing data is breaching), tells someone; and
 * one more source gone stale tells someone again, though the first alarm is already in ALARM and would not.
 */
export class FreshnessCheckFunction extends Construct {
  readonly function: EventDrivenFunction;
  readonly staleSourcesAlarm: NotifyingAlarm;
  readonly newlyStaleSourcesAlarm: NotifyingAlarm;

  constructor(scope: Construct, id: string, props: FreshnessCheckFunctionProps) {
    super(scope, id);
    const names = freshnessCheckNames(props.namePrefix);
    this.node.addValidation({
      validate: () =>
        props.expected.some((source) => source.flow === "ebs") && !props.dlmPolicyFilter
          ? [`The freshness check of ${props.region} expects EBS sources but has no dlmPolicyFilter: it could not find the DR copy event policies`]
          : [],
    });
    const flows = FLOWS.filter((flow) => props.expected.some((source) => source.flow === flow));
    const lines = [...new Set(props.expected.map(sourceKey))].sort();
    this.function = new EventDrivenFunction(this, "function", {
      provider: props.provider,
      partition: props.partition,
      accountId: props.drAccountId,
      region: props.region,
      names,
      description: "Reports sources whose newest DR-owned copy is older than the recovery point objective",
      entry: FRESHNESS_CHECK_ENTRY,
      triggers: [
        {
          id: "hourly",
          ruleName: names.scheduleRuleName,
          description: "Hourly freshness check of every source's newest DR copy",
          scheduleExpression: CHECK_INTERVAL_HOURS === 1 ? "rate(1 hour)" : `rate(${CHECK_INTERVAL_HOURS} hours)`,
        },
      ],
      roleArn: props.roleArn,
      dependsOn: props.dependsOn,
      timeoutSeconds: 900,
      extraFiles: [{ name: "expected-sources.txt", data: Buffer.from(`${lines.join("\n")}\n`) }],
      environment: {
        DR_ACCOUNT_ID: props.drAccountId,
        EXPECTED_SOURCES_FILE: "expected-sources.txt",
        RPO_HOURS: flows.map((flow) => `${flow}=${props.rpoHours[flow]}`).join(","),
        ...(props.dlmPolicyFilter
          ? {
              DLM_POLICY_TAG_KEY: props.dlmPolicyFilter.tagKey,
              DLM_POLICY_TAG_VALUE: props.dlmPolicyFilter.tagValue,
              DLM_POLICY_DESCRIPTION_PREFIX: props.dlmPolicyFilter.descriptionPrefix,
            }
          : {}),
        METRIC_NAMESPACE: names.metricNamespace,
        METRIC_NAME: names.metricName,
        NEWLY_STALE_METRIC_NAME: names.newlyStaleMetricName,
        ...(props.backupVaultName ? { BACKUP_VAULT_NAME: props.backupVaultName } : {}),
        ...(props.rdsImport
          ? { RDS_IMPORT_TAG_KEY: props.rdsImport.tagKey, RDS_IMPORT_TAG_VALUE: props.rdsImport.tagValue, RDS_IMPORT_PREFIX: props.rdsImport.prefix }
          : {}),
      },
    });
    // Hourly reports into hourly periods: two periods, both stale or both silent, before anyone is woken.
    this.staleSourcesAlarm = new NotifyingAlarm(this, "stale-sources-alarm", {
      provider: props.provider,
      region: props.region,
      alarmName: alarmName(props.namePrefix, `stale-sources-${props.region}`),
      description:
        `Sources whose newest DR copy in ${props.region} is older than the recovery point objective (${flows.map((f) => `${f} ${props.rpoHours[f]} h`).join(", ")}), ` +
        `or the freshness check stopped reporting. Find them in /aws/lambda/${names.functionName}: lines with "decision":"stale". Runbook: README "Operations".`,
      metric: { namespace: names.metricNamespace, metricName: names.metricName, statistic: "Maximum", periodSeconds: CHECK_INTERVAL_HOURS * 3600 },
      evaluationPeriods: 2,
      treatMissingData: "breaching",
    });
    // One hourly period: ALARM in the hour a source goes stale, OK the next hour, ALARM again for the next one.
    // Missing data is not breaching here: the alarm above already reports a check that stopped reporting.
    this.newlyStaleSourcesAlarm = new NotifyingAlarm(this, "newly-stale-sources-alarm", {
      provider: props.provider,
      region: props.region,
      alarmName: alarmName(props.namePrefix, `newly-stale-sources-${props.region}`),
      description:
        `At least one more source's newest DR copy in ${props.region} became older than the recovery point objective in the last hour, ` +
        `while others may already be stale. Find it in /aws/lambda/${names.functionName}: lines with "decision":"stale" and "newlyStale":true. Runbook: README "Operations".`,
      metric: { namespace: names.metricNamespace, metricName: names.newlyStaleMetricName, statistic: "Maximum", periodSeconds: CHECK_INTERVAL_HOURS * 3600 },
      treatMissingData: "notBreaching",
    });
  }
}
