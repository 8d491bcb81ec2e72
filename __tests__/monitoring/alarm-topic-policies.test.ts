import { alarmTopicKeyPolicy, alarmTopicPolicy } from "../../modules/monitoring/alarm-topic-policies";
import { expectAllowed, expectDenied, type PolicyRequest } from "../../scripts/review/policy-simulator";
import { catalogueProblems } from "../support/iam-catalogue";

const ACCOUNT = "222222222222";
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:snapshot-dr-alarms`;
const props = { partition: "aws", accountId: ACCOUNT, topicArn: TOPIC };

const publish = (service: string, sourceAccount: string): PolicyRequest => ({
  description: `${service} publishes for ${sourceAccount}`,
  principal: service,
  action: "sns:Publish",
  resource: TOPIC,
  resourceAccount: ACCOUNT,
  context: { "aws:SourceAccount": sourceAccount },
  identityPolicies: [],
  resourcePolicy: alarmTopicPolicy(props),
});
describe("the alarm topic's policies", () => {
  test("CloudWatch alarms, EventBridge rules and AWS Backup of this account may publish; of another account they may not", async () => {
    for (const service of ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"]) {
      await expectAllowed(publish(service, ACCOUNT));
      await expectDenied(publish(service, "444444444444"), "resource");
    }
  });

  test("the key: administered by the account; the publishers may use it only for this topic, AWS Backup only for this account", () => {
    // GIVEN the topic WHEN the key policy is built THEN (the simulator cannot evaluate kms:EncryptionContext:*, so exactly)
    expect(alarmTopicKeyPolicy(props).Statement).toEqual([
      { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "AlarmsAndRulesPublishToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
      },
      {
        Sid: "BackupPublishesToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
      },
    ]);
  });

  test("every action and condition key exists in the IAM catalogue", async () => {
    // (the key policy's templated kms:EncryptionContext:<key> is checked by the synthesis' policy lint)
    expect(await catalogueProblems(alarmTopicPolicy(props))).toEqual([]);
  });
});
