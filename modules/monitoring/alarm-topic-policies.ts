import { assertAccountId } from "../backup/backup-arns";
import { backupPublishesToEncryptedTopicKeyStatement, backupPublishesToTopicStatement } from "../backup/backup-notification-topic-policy";
import { PolicyDocument, policyDocument } from "../iam/policy-document";

/** What the policies of a region's alarm topic and of its key depend on. */
export interface AlarmTopicPolicyProps {
  readonly partition: string;
  /** The account that owns the topic, the key, the alarms, the rules and the vaults. */
  readonly accountId: string;
  /** The topic's ARN, derived from its name (the key policy needs it before the topic exists). */
  readonly topicArn: string;
}

/** The services that publish to the alarm topic: CloudWatch alarms, EventBridge rules, AWS Backup vaults. */
export const ALARM_PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] as const;

/**
 * The alarm topic's key: the account administers it; CloudWatch and EventBridge may generate and decrypt data
 * keys only for this topic (`kms:EncryptionContext:aws:sns:topicArn`, which SNS sets on every data key of a
 * topic); AWS Backup likewise, and only for this account (`aws:SourceAccount`, documented by AWS Backup's
 * confused-deputy page for KMS key policies). No `aws:SourceAccount`/`aws:SourceArn` for EventBridge and
 * CloudWatch: SNS does not document them for these publishers in a key policy, and a key the publisher cannot
 * use drops every notification silently.
 */
export function alarmTopicKeyPolicy(props: AlarmTopicPolicyProps): PolicyDocument {
  assertAccountId(props.accountId, "alarm topic owner account ID");
  return policyDocument([
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "AlarmsAndRulesPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: [...ALARM_PUBLISHERS] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": props.topicArn } },
    },
    backupPublishesToEncryptedTopicKeyStatement(props.accountId, props.topicArn),
  ]);
}

/**
 * The alarm topic's policy: CloudWatch alarms, EventBridge rules and AWS Backup vaults of this account may
 * publish (`aws:SourceAccount`: another account's alarm or rule naming this topic is refused).
 */
export function alarmTopicPolicy(props: AlarmTopicPolicyProps): PolicyDocument {
  assertAccountId(props.accountId, "alarm topic owner account ID");
  return policyDocument([
    {
      Sid: "AlarmsAndRulesOfThisAccountPublish",
      Effect: "Allow",
      Principal: { Service: [...ALARM_PUBLISHERS] },
      Action: "sns:Publish",
      Resource: props.topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
    },
    backupPublishesToTopicStatement(props.topicArn, props.accountId),
  ]);
}
