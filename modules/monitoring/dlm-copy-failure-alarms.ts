import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { EventNotificationRule } from "./event-notification-rule";
import { alarmName } from "./monitoring-names";
import { MAX_METRICS_PER_MATH_ALARM, NotifyingAlarm } from "./notifying-alarm";

/** Properties of {@link DlmCopyFailureAlarms}. */
export interface DlmCopyFailureAlarmsProps {
  readonly provider: TerraformProvider;
  readonly region: string;
  readonly namePrefix: string;
  /** The IDs (tokens) of this region's cross-account copy event policies. */
  readonly policyIds: readonly string[];
}

/**
 * DLM's failed cross-account copies in one region of the DR account. DLM publishes, per policy (dimension
 * `DLMPolicyId`, namespace `AWS/EBS`), `SnapshotsCopiedAccountFailed`: "the number of snapshots that could not be
 * copied from another account by a cross-account copy event policy", retries within 24 hours included. One
 * alarm sums up to 10 policies (the metric math limit), so a region of 500 source accounts has one alarm, not
 * one per account. A policy that stops altogether (an `ERROR` state, e.g. the role lost a permission) raises
 * DLM's "DLM Policy State Change" event, which goes straight to the topic.
 */
export class DlmCopyFailureAlarms extends Construct {
  readonly alarms: NotifyingAlarm[] = [];

  constructor(scope: Construct, id: string, props: DlmCopyFailureAlarmsProps) {
    super(scope, id);
    const groups: string[][] = [];
    for (let start = 0; start < props.policyIds.length; start += MAX_METRICS_PER_MATH_ALARM) {
      groups.push(props.policyIds.slice(start, start + MAX_METRICS_PER_MATH_ALARM));
    }
    groups.forEach((policyIds, index) => {
      this.alarms.push(
        new NotifyingAlarm(this, `copy-failed-${index + 1}`, {
          provider: props.provider,
          region: props.region,
          alarmName: alarmName(props.namePrefix, `dlm-copy-failed-${props.region}-${index + 1}`),
          description:
            `DLM could not copy a snapshot a source account shared in ${props.region} (policies ${index * MAX_METRICS_PER_MATH_ALARM + 1} ` +
            `to ${index * MAX_METRICS_PER_MATH_ALARM + policyIds.length}). The copy is lost unless the source shares it again. ` +
            `Check the DLM role's key permissions (KMS-B, KMS-C, source keys in share mode). Runbook: README "Operations".`,
          metricMath: {
            expression: `SUM([${policyIds.map((_, i) => `m${i}`).join(",")}])`,
            metrics: policyIds.map((policyId) => ({
              namespace: "AWS/EBS",
              metricName: "SnapshotsCopiedAccountFailed",
              dimensions: { DLMPolicyId: policyId },
              statistic: "Sum" as const,
              periodSeconds: 3600,
            })),
          },
          treatMissingData: "notBreaching",
        }),
      );
    });
    if (props.policyIds.length > 0) {
      new EventNotificationRule(this, "policy-error", {
        provider: props.provider,
        region: props.region,
        ruleName: `${props.namePrefix}-dlm-policy-error`,
        description: "A DLM policy of the DR account entered the ERROR state and stopped copying",
        eventPattern: { source: ["aws.dlm"], "detail-type": ["DLM Policy State Change"], detail: { state: ["ERROR"] } },
      });
    }
  }
}
