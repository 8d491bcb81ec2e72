import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { EventNotificationRule } from "../monitoring/event-notification-rule";
import { tamperRuleName } from "../monitoring/monitoring-names";

/**
 * The management API calls that weaken the DR account's protection, by service. EventBridge receives them as
 * "AWS API Call via CloudTrail" events with source `aws.<service>`, which needs a CloudTrail trail with logging
 * enabled in the account (EventBridge: "Events from AWS services"). The rules match source and event name only,
 * not `detail.eventSource`, whose host name differs by partition. CloudWatch's source is `aws.monitoring`
 * (EventBridge events reference, "Amazon CloudWatch Monitoring events").
 */
export const TAMPER_EVENTS: Readonly<Record<string, { readonly service: string; readonly what: string; readonly eventNames: readonly string[] }>> = {
  keys: {
    service: "kms",
    what: "a DR key is scheduled for deletion, disabled, or its key policy or rotation is changed",
    eventNames: ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "DisableKeyRotation"],
  },
  "dlm-policies": {
    service: "dlm",
    what: "a DLM policy (the cross-account copy event policies) is changed or deleted",
    eventNames: ["UpdateLifecyclePolicy", "DeleteLifecyclePolicy"],
  },
  "backup-vaults": {
    service: "backup",
    what: "a backup vault's access policy, lock or notifications change, a vault or a recovery point is deleted",
    eventNames: [
      "PutBackupVaultAccessPolicy",
      "DeleteBackupVaultAccessPolicy",
      "PutBackupVaultLockConfiguration",
      "DeleteBackupVaultLockConfiguration",
      "PutBackupVaultNotifications",
      "DeleteBackupVaultNotifications",
      "DeleteBackupVault",
      "DeleteRecoveryPoint",
    ],
  },
  "recycle-bin": {
    service: "rbin",
    what: "a Recycle Bin retention rule is changed, deleted or unlocked",
    eventNames: ["UpdateRule", "DeleteRule", "UnlockRule"],
  },
  "snapshot-locks": {
    service: "ec2",
    what: "an EBS snapshot lock is changed or removed",
    eventNames: ["LockSnapshot", "UnlockSnapshot"],
  },
  // What silences the DR side before a copy is touched: the alarms, the topic they publish to, the trail these rules read.
  alarms: {
    service: "monitoring",
    what: "a CloudWatch alarm is deleted or its actions are switched off",
    eventNames: ["DeleteAlarms", "DisableAlarmActions"],
  },
  "alarm-topic": {
    service: "sns",
    what: "an SNS topic is deleted, or its attributes (policy, key, delivery) or permissions change",
    eventNames: ["DeleteTopic", "SetTopicAttributes", "RemovePermission"],
  },
  trail: {
    service: "cloudtrail",
    what: "a CloudTrail trail is stopped, deleted or changed (these alerts read its management events)",
    eventNames: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
  },
};

/** Properties of {@link TamperAlerts}. */
export interface TamperAlertsProps {
  readonly provider: TerraformProvider;
  readonly region: string;
  readonly namePrefix: string;
}

/**
 * One region's tamper alerts of the DR account: an EventBridge rule per service whose calls in
 * {@link TAMPER_EVENTS} are published to the alarm topic as they happen. Deliberately not watched:
 * `DeleteSnapshot` and `DeleteDBSnapshot`, which DLM's retention and the RDS importer call all day (the
 * snapshot locks and Recycle Bin rules are what protect snapshots from an administrator).
 */
export class TamperAlerts extends Construct {
  readonly rules: EventNotificationRule[] = [];

  constructor(scope: Construct, id: string, props: TamperAlertsProps) {
    super(scope, id);
    for (const [name, watched] of Object.entries(TAMPER_EVENTS)) {
      this.rules.push(
        new EventNotificationRule(this, name, {
          provider: props.provider,
          region: props.region,
          ruleName: tamperRuleName(props.namePrefix, name),
          description: `Tamper alert: ${watched.what}`,
          eventPattern: {
            source: [`aws.${watched.service}`],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: { eventName: [...watched.eventNames] },
          },
        }),
      );
    }
  }
}
