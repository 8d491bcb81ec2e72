import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { DrBackupVault, DrBackupVaultProps } from "../../modules/backup/dr-backup-vault";

const DR_ACCOUNT = "222222222222";

describe("the DR vault's notifications never use alias/aws/sns", () => {
  let stack: TerraformStack;
  let props: (notifications: DrBackupVaultProps["notifications"]) => DrBackupVaultProps;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "dr");
    const provider = new AwsProvider(stack, "aws", { region: "us-west-2", alias: "us-west-2" });
    props = (notifications) => ({
      provider,
      partition: "aws",
      accountId: DR_ACCOUNT,
      vaultName: "snapshot-dr",
      kmsKeyArn: `arn:aws:kms:us-west-2:${DR_ACCOUNT}:key/0f0f0f0f-1111-4222-a333-444455556666`,
      copySources: { kind: "organizations", organizationIds: ["o-bbbbbbbbbb"] },
      lock: { minRetentionDays: 30, maxRetentionDays: 365 },
      recoveryPointProtection: { deployRoleArn: `arn:aws:iam::${DR_ACCOUNT}:role/OrganizationAccountAccessRole` },
      notifications,
    });
  });

  test("rejects the AWS managed SNS key, by alias and by alias ARN", () => {
    // GIVEN alias/aws/sns WHEN the vault is built THEN it fails with the reason
    const message = "The vault's topic cannot be encrypted with alias/aws/sns: AWS Backup cannot use that AWS managed key to publish; use a customer managed key";
    expect(() => new DrBackupVault(stack, "a", props({ kmsMasterKeyId: "alias/aws/sns" }))).toThrow(message);
    expect(() => new DrBackupVault(stack, "b", props({ kmsMasterKeyId: `arn:aws:kms:us-west-2:${DR_ACCOUNT}:alias/aws/sns` }))).toThrow(message);
  });

  test("to an existing topic: only failed copy jobs by default, and no topic or key of its own", () => {
    // GIVEN an existing topic WHEN synthesized
    new DrBackupVault(stack, "vault", props({ topic: { topic: { arn: "arn:aws:sns:us-west-2:222222222222:snapshot-dr-alarms" } } }));
    const json = JSON.parse(Testing.synth(stack));
    // THEN the vault notifies that topic of COPY_JOB_FAILED and creates no topic or key
    const notifications = Object.values(json.resource.aws_backup_vault_notifications) as Record<string, unknown>[];
    expect(notifications).toEqual([expect.objectContaining({ sns_topic_arn: "arn:aws:sns:us-west-2:222222222222:snapshot-dr-alarms", backup_vault_events: ["COPY_JOB_FAILED"] })]);
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(json.resource.aws_kms_key).toBeUndefined();
  });

  test("an existing topic takes neither a topic name nor a key", () => {
    expect(() => new DrBackupVault(stack, "v", props({ topic: { topic: { arn: "arn:aws:sns:us-west-2:222222222222:t" } }, topicName: "x" }))).toThrow(
      "Vault notifications to an existing topic take neither a topic name nor a key",
    );
  });
});
