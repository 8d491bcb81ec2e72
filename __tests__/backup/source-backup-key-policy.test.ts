import { BACKUP_COPY_SOURCE_KEY_ACTIONS, sourceBackupKeyPolicy, SourceBackupKeyPolicyProps } from "../../modules/backup/source-backup-key-policy";
import { allowEverythingPolicy, expectAllowed, expectDenied, type PolicyRequest } from "../../scripts/review/policy-simulator";
import { catalogueProblems } from "../support/iam-catalogue";

const SOURCE_ACCOUNT = "111111111111";
const DR_ACCOUNT = "222222222222";
const KEY = `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/0f0f0f0f-1111-4222-a333-444455556666`;
const DR_BACKUP_SLR = `arn:aws:iam::${DR_ACCOUNT}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
const DR_ADMIN = `arn:aws:iam::${DR_ACCOUNT}:role/Admin`;
const SOURCE_ADMIN = `arn:aws:iam::${SOURCE_ACCOUNT}:role/Admin`;

const props = (overrides: Partial<SourceBackupKeyPolicyProps> = {}): SourceBackupKeyPolicyProps => ({
  partition: "aws",
  sourceAccountId: SOURCE_ACCOUNT,
  drAccountId: DR_ACCOUNT,
  ...overrides,
});
const policy = sourceBackupKeyPolicy(props());

/** A KMS call on the source key by `principal`, whose identity policy allows everything. */
function kmsCall(principal: string, action: string, extra: Record<string, string> = {}): PolicyRequest {
  const account = principal.split(":")[4];
  return {
    description: `${principal} ${action}`,
    principal,
    action,
    resource: KEY,
    resourceAccount: SOURCE_ACCOUNT,
    context: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": account, "kms:CallerAccount": account, ...extra },
    identityPolicies: [allowEverythingPolicy()],
    resourcePolicy: policy,
  };
}

describe("source backup key policy", () => {
  test("the source account administers the key; the DR account's Backup role uses it and grants to AWS resources", () => {
    // GIVEN a source and a DR account WHEN the policy is built THEN three statements
    expect(policy.Statement).toEqual([
      { Sid: "SourceAccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "DrAccountCopiesRecoveryPoints",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${DR_ACCOUNT}:root` },
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": [DR_BACKUP_SLR] } },
      },
      {
        Sid: "DrAccountGrantsToAwsResources",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${DR_ACCOUNT}:root` },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": [DR_BACKUP_SLR] }, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ]);
  });

  test("the DR account's AWSServiceRoleForBackup may use the key for every copy action", async () => {
    // GIVEN the policy WHEN the DR service-linked role calls each copy action THEN it is allowed
    for (const action of BACKUP_COPY_SOURCE_KEY_ACTIONS) await expectAllowed(kmsCall(DR_BACKUP_SLR, action));
  });

  test("the DR account's Backup role may create grants for AWS resources only", async () => {
    // GIVEN the policy WHEN it creates a grant for an AWS resource THEN allowed; for itself THEN denied by the key policy
    await expectAllowed(kmsCall(DR_BACKUP_SLR, "kms:CreateGrant", { "kms:GrantIsForAWSResource": "true" }));
    await expectDenied(kmsCall(DR_BACKUP_SLR, "kms:CreateGrant", { "kms:GrantIsForAWSResource": "false" }), "resource");
  });

  test("another role of the DR account may not use the key", async () => {
    // GIVEN an administrator of the DR account with an allow-all identity policy WHEN it decrypts THEN the key policy denies it
    await expectDenied(kmsCall(DR_ADMIN, "kms:Decrypt"), "resource");
  });

  test("the DR account may not administer the key", async () => {
    // GIVEN the DR Backup role WHEN it schedules the key's deletion or changes its policy THEN the key policy denies it
    await expectDenied(kmsCall(DR_BACKUP_SLR, "kms:ScheduleKeyDeletion"), "resource");
    await expectDenied(kmsCall(DR_BACKUP_SLR, "kms:PutKeyPolicy"), "resource");
  });

  test("an outside account may not use the key; the source account administers it", async () => {
    // GIVEN the policy WHEN an outside account's role decrypts THEN denied; WHEN the source admin disables the key THEN allowed
    await expectDenied(kmsCall("arn:aws:iam::444444444444:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup", "kms:Decrypt"), "resource");
    await expectAllowed(kmsCall(SOURCE_ADMIN, "kms:DisableKey"));
  });

  test("other DR copy roles can be named instead of the service-linked role", () => {
    // GIVEN a custom copy role WHEN the policy is built THEN it is the one in the condition
    const role = `arn:aws:iam::${DR_ACCOUNT}:role/backup-copier`;
    expect(sourceBackupKeyPolicy(props({ drCopyRoleArns: [role] })).Statement[1].Condition).toEqual({ ArnEquals: { "aws:PrincipalArn": [role] } });
  });

  test("rejects a copy role outside the DR account", () => {
    // GIVEN a role of the source account WHEN the policy is built THEN it fails
    expect(() => sourceBackupKeyPolicy(props({ drCopyRoleArns: [SOURCE_ADMIN] }))).toThrow(
      `Expected a DR copy role to be a role of the DR account ${DR_ACCOUNT}, got '${SOURCE_ADMIN}'`,
    );
  });

  test("rejects the same account as source and DR", () => {
    // GIVEN one account for both WHEN the policy is built THEN it fails
    expect(() => sourceBackupKeyPolicy(props({ drAccountId: SOURCE_ACCOUNT }))).toThrow(`The source and DR accounts must differ, both are ${SOURCE_ACCOUNT}`);
  });

  test("rejects malformed account IDs", () => {
    // GIVEN a short DR account ID WHEN the policy is built THEN it fails naming which
    expect(() => sourceBackupKeyPolicy(props({ drAccountId: "2222" }))).toThrow("Expected DR account ID to be 12 digits, got '2222'");
    expect(() => sourceBackupKeyPolicy(props({ sourceAccountId: "x" }))).toThrow("Expected source account ID to be 12 digits, got 'x'");
  });

  test("every action and condition key exists in the IAM catalogue", async () => {
    // GIVEN the policy WHEN linted THEN there is no problem
    expect(await catalogueProblems(policy)).toEqual([]);
  });
});
