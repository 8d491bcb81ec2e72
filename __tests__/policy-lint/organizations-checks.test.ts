import { BackupPolicyRoleArnsAndRegionsValid } from "../../modules/policy-lint/checks/BackupPolicyRoleArnsAndRegionsValid";
import { OrganizationsPolicyWithinSizeLimit } from "../../modules/policy-lint/checks/OrganizationsPolicyWithinSizeLimit";
import { lintTargets, loadIamCatalog, POLICY_CHECKS } from "../../modules/policy-lint/lint-policies";
import { findingsOf, policy, targetOf } from "./lint-support";

beforeAll(async () => {
  await loadIamCatalog();
});

/** An SCP whose text is exactly `length` characters (trailing white space is valid JSON). */
function scpOfLength(length: number): { document: object; text: string } {
  const document = policy(
    { Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" },
    { Sid: "DenyLeavingOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" },
  );
  const text = JSON.stringify(document);
  return { document, text: text + " ".repeat(length - text.length) };
}

describe("OrganizationsPolicyWithinSizeLimit", () => {
  test("reports an SCP over 5,120 characters", () => {
    // GIVEN an SCP of 5,121 characters WHEN the check runs THEN its size and the limit are reported
    const { document, text } = scpOfLength(5121);
    expect(findingsOf(OrganizationsPolicyWithinSizeLimit, "scp", document, { text })).toEqual([
      { message: "The SCP is 5,121 characters; AWS Organizations accepts at most 5,120" },
    ]);
  });

  test("passes an SCP of exactly 5,120 characters", () => {
    // GIVEN an SCP at the limit WHEN the check runs THEN nothing is reported
    const { document, text } = scpOfLength(5120);
    expect(findingsOf(OrganizationsPolicyWithinSizeLimit, "scp", document, { text })).toEqual([]);
  });

  test("reports a backup policy over 10,000 characters", () => {
    // GIVEN a backup policy of 10,001 characters WHEN the check runs THEN the backup policy limit applies
    const document = { plans: {} };
    const text = JSON.stringify(document).padEnd(10001, " ");
    expect(findingsOf(OrganizationsPolicyWithinSizeLimit, "backup-policy", document, { text })).toEqual([
      { message: "The backup policy is 10,001 characters; AWS Organizations accepts at most 10,000" },
    ]);
  });
});

/** A backup policy in the AWS Organizations backup policy syntax. */
function backupPolicy(overrides: { roleArn?: string; regions?: string[]; vaultArn?: string } = {}): object {
  const vaultArn = overrides.vaultArn ?? "arn:aws:backup:us-west-2:222222222222:backup-vault:snapshot-dr-copies";
  return {
    plans: {
      SnapshotDr: {
        regions: { "@@assign": overrides.regions ?? ["us-east-1", "eu-west-1"] },
        rules: {
          Daily: {
            schedule_expression: { "@@assign": "cron(0 3 ? * * *)" },
            target_backup_vault_name: { "@@assign": "snapshot-dr" },
            copy_actions: {
              [vaultArn]: { target_backup_vault_arn: { "@@assign": vaultArn }, lifecycle: { delete_after_days: { "@@assign": "35" } } },
            },
          },
        },
        selections: {
          tags: {
            Protected: {
              iam_role_arn: { "@@assign": overrides.roleArn ?? "arn:aws:iam::$account:role/snapshot-dr-backup" },
              tag_key: { "@@assign": "snapshot-dr:protect" },
              tag_value: { "@@assign": ["true"] },
            },
          },
        },
      },
    },
  };
}

describe("BackupPolicyRoleArnsAndRegionsValid", () => {
  test("reports a role that is not an IAM role ARN", () => {
    // GIVEN a selection whose role ARN lacks the empty region WHEN the check runs THEN the path and value are reported
    expect(findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", backupPolicy({ roleArn: "arn:aws:iam:$account:role/backup" }))).toEqual([
      {
        statement: "plans.SnapshotDr.selections.tags.Protected.iam_role_arn",
        message: '"arn:aws:iam:$account:role/backup" is not an IAM role ARN (arn:<partition>:iam::<account or $account>:role/<name>)',
      },
    ]);
  });

  test("reports an unknown region", () => {
    // GIVEN a plan for a region that does not exist WHEN the check runs THEN the region is reported
    expect(findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", backupPolicy({ regions: ["us-east-1", "us-east-7"] }))).toEqual([
      { statement: "plans.SnapshotDr.regions", message: "'us-east-7' is not a known region" },
    ]);
  });

  test("reports a copy target that is not a vault ARN", () => {
    // GIVEN a copy action to a vault name instead of an ARN WHEN the check runs THEN the key and the setting are reported
    const findings = findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", backupPolicy({ vaultArn: "snapshot-dr-copies" }));
    expect(findings).toEqual([
      {
        statement: "plans.SnapshotDr.rules.Daily.copy_actions.snapshot-dr-copies",
        message: "copy action key 'snapshot-dr-copies' is not a backup vault ARN (arn:<partition>:backup:<region>:<account or $account>:backup-vault:<name>)",
      },
      {
        statement: "plans.SnapshotDr.rules.Daily.copy_actions.snapshot-dr-copies.target_backup_vault_arn",
        message: "'snapshot-dr-copies' is not a backup vault ARN (arn:<partition>:backup:<region>:<account or $account>:backup-vault:<name>)",
      },
    ]);
  });

  test("reports an IAM policy given as a backup policy", () => {
    // GIVEN IAM JSON where backup policy syntax belongs WHEN the check runs THEN it says plans are missing
    expect(findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", policy({ Effect: "Allow", Action: "*", Resource: "*" }))).toEqual([
      { message: 'The backup policy has no "plans" object' },
    ]);
  });

  test("passes a valid backup policy, and no IAM check applies to it", () => {
    // GIVEN a backup policy with $account role ARNs, known regions and a vault ARN WHEN every check runs THEN nothing is reported
    expect(findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", backupPolicy())).toEqual([]);
    expect(lintTargets([targetOf("backup-policy", backupPolicy())], { checks: [...POLICY_CHECKS] })).toEqual([]);
  });

  test("treats Terraform references as resolved at apply", () => {
    // GIVEN a role ARN that is a reference WHEN the check runs THEN nothing is reported
    expect(findingsOf(BackupPolicyRoleArnsAndRegionsValid, "backup-policy", backupPolicy({ roleArn: "${aws_iam_role.backup_ABC.arn}" }))).toEqual([]);
  });
});
