import { backupNotificationTopicPolicy, backupPublishesToEncryptedTopicKeyStatement } from "../../modules/backup/backup-notification-topic-policy";
import { policyDocument } from "../../modules/iam/policy-document";
import { expectAllowed, expectDenied, type PolicyRequest } from "../../scripts/review/policy-simulator";
import { catalogueProblems } from "../support/iam-catalogue";

const DR_ACCOUNT = "222222222222";
const TOPIC = `arn:aws:sns:us-west-2:${DR_ACCOUNT}:snapshot-dr-events`;
const policy = backupNotificationTopicPolicy({ topicArn: TOPIC, accountId: DR_ACCOUNT });

/** AWS Backup publishing a vault event on behalf of `sourceAccount`. */
const publish = (sourceAccount: string): PolicyRequest => ({
  description: `AWS Backup publishes for ${sourceAccount}`,
  principal: "backup.amazonaws.com",
  action: "sns:Publish",
  resource: TOPIC,
  resourceAccount: DR_ACCOUNT,
  context: { "aws:SourceAccount": sourceAccount },
  identityPolicies: [],
  resourcePolicy: policy,
});

describe("backup notification topic policy", () => {
  test("lets AWS Backup publish, only for the topic's account", () => {
    // GIVEN the topic and its account WHEN the policy is built THEN one statement with aws:SourceAccount
    expect(policy.Statement).toEqual([
      {
        Sid: "BackupPublishesVaultEvents",
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: "sns:Publish",
        Resource: TOPIC,
        Condition: { StringEquals: { "aws:SourceAccount": DR_ACCOUNT } },
      },
    ]);
  });

  test("AWS Backup may publish for the DR account and not for another account (confused deputy)", async () => {
    // GIVEN the policy WHEN AWS Backup publishes for the DR account THEN it is allowed
    await expectAllowed(publish(DR_ACCOUNT));
    // WHEN it publishes on behalf of another account's vault THEN the topic policy denies it
    await expectDenied(publish("444444444444"), "resource");
  });

  test("the key statement for a customer managed topic key", () => {
    // GIVEN the DR account WHEN the statement is built THEN AWS Backup may generate and decrypt data keys for it only
    expect(backupPublishesToEncryptedTopicKeyStatement(DR_ACCOUNT)).toEqual({
      Sid: "BackupPublishesToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "backup.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": DR_ACCOUNT } },
    });
  });

  test("rejects an owner account that is not 12 digits", () => {
    // GIVEN a malformed account WHEN either is built THEN it fails
    expect(() => backupNotificationTopicPolicy({ topicArn: TOPIC, accountId: "22" })).toThrow("Expected topic owner account ID to be 12 digits, got '22'");
    expect(() => backupPublishesToEncryptedTopicKeyStatement("22")).toThrow("Expected topic owner account ID to be 12 digits, got '22'");
  });

  test("every action and condition key exists in the IAM catalogue", async () => {
    // GIVEN the topic policy and the key statement WHEN linted THEN there is no problem
    expect(await catalogueProblems(policy)).toEqual([]);
    expect(await catalogueProblems(policyDocument([backupPublishesToEncryptedTopicKeyStatement(DR_ACCOUNT)]))).toEqual([]);
  });
});
