import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";
import { assertAccountId } from "./backup-arns";

/** What the policy of a topic that receives a vault's events depends on. */
export interface BackupNotificationTopicPolicyProps {
  /** The topic's ARN (a token when the topic is created in the same stack). */
  readonly topicArn: string;
  /** The account that owns the vault and the topic: AWS Backup does not publish across accounts. */
  readonly accountId: string;
}

export const BACKUP_SERVICE_PRINCIPAL = "backup.amazonaws.com";

/**
 * Lets AWS Backup publish the vault's events to the topic, only on behalf of the topic's own account
 * (`aws:SourceAccount`, the confused-deputy guard AWS Backup documents for SNS topic policies: no other
 * account's vault can use the topic).
 */
export function backupPublishesToTopicStatement(topicArn: string, accountId: string): PolicyStatement {
  assertAccountId(accountId, "topic owner account ID");
  return {
    Sid: "BackupPublishesVaultEvents",
    Effect: "Allow",
    Principal: { Service: BACKUP_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/** The policy of a topic that only AWS Backup publishes to: {@link backupPublishesToTopicStatement}. */
export function backupNotificationTopicPolicy(props: BackupNotificationTopicPolicyProps): PolicyDocument {
  return policyDocument([backupPublishesToTopicStatement(props.topicArn, props.accountId)]);
}

/**
 * The statement a customer managed key needs in its key policy when it encrypts a topic AWS Backup publishes
 * to: the service must generate and decrypt the topic's data keys (SNS: "Enable compatibility between event
 * sources from AWS services and encrypted topics"). The AWS managed key `alias/aws/sns` has a policy nobody can
 * change, so it has no such statement and AWS Backup cannot publish to a topic it encrypts.
 *
 * With `topicArn`, the key serves only that topic: SNS encrypts a topic's messages under the encryption context
 * `aws:sns:topicArn`.
 */
export function backupPublishesToEncryptedTopicKeyStatement(accountId: string, topicArn?: string): PolicyStatement {
  assertAccountId(accountId, "topic owner account ID");
  return {
    Sid: "BackupPublishesToEncryptedTopic",
    Effect: "Allow",
    Principal: { Service: BACKUP_SERVICE_PRINCIPAL },
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: "*",
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId, ...(topicArn ? { "kms:EncryptionContext:aws:sns:topicArn": topicArn } : {}) },
    },
  };
}
