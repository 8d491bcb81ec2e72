import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";
import { accountRootArn, assertAccountId, assertPartition, backupServiceLinkedRoleArn } from "./backup-arns";

/** What the key policy of a source account's backup key depends on. */
export interface SourceBackupKeyPolicyProps {
  readonly partition: string;
  /** The account that owns and administers the key. */
  readonly sourceAccountId: string;
  /** The DR account whose vaults receive the copies. */
  readonly drAccountId: string;
  /**
   * The DR account's principals that copy. AWS Backup copies into another account with that account's
   * service-linked role (seed 002), which must read and re-encrypt the source recovery points.
   * @default - the DR account's `AWSServiceRoleForBackup`
   */
  readonly drCopyRoleArns?: readonly string[];
}

/**
 * The actions the destination account uses a source key for while it copies a recovery point (seed 002 step
 * 2: Decrypt, DescribeKey, ReEncrypt*, GenerateDataKey*), written out instead of wildcards: the two
 * re-encryption directions and the two symmetric data-key operations. Grants come separately, for AWS
 * resources only.
 */
export const BACKUP_COPY_SOURCE_KEY_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/**
 * The key policy of the customer managed key that encrypts a source account's backup vault (and the resources
 * it backs up): the source account administers it; the DR account may use it to copy recovery points, but only
 * through its copying role (`aws:PrincipalArn`), and may create grants only for AWS resources. The role is
 * named in a condition, not as the principal, so the policy is valid before AWS Backup has created the
 * service-linked role in the DR account.
 */
export function sourceBackupKeyPolicy(props: SourceBackupKeyPolicyProps): PolicyDocument {
  assertPartition(props.partition);
  assertAccountId(props.sourceAccountId, "source account ID");
  assertAccountId(props.drAccountId, "DR account ID");
  if (props.sourceAccountId === props.drAccountId) {
    throw new Error(`The source and DR accounts must differ, both are ${props.drAccountId}`);
  }
  const copyRoles = props.drCopyRoleArns ?? [backupServiceLinkedRoleArn(props.partition, props.drAccountId)];
  if (copyRoles.length === 0) throw new Error("The source key policy needs at least one DR copy role");
  for (const arn of copyRoles) {
    if (!new RegExp(`^arn:${props.partition}:iam::${props.drAccountId}:role/[\\w+=,.@/-]{1,512}$`).test(arn)) {
      throw new Error(`Expected a DR copy role to be a role of the DR account ${props.drAccountId}, got '${arn}'`);
    }
  }
  const drCopyRole = { ArnEquals: { "aws:PrincipalArn": [...new Set(copyRoles)].sort() } };
  return policyDocument([
    accountAdministersKey(props.partition, props.sourceAccountId, "SourceAccountAdministersKey"),
    {
      Sid: "DrAccountCopiesRecoveryPoints",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(props.partition, props.drAccountId) },
      Action: [...BACKUP_COPY_SOURCE_KEY_ACTIONS],
      Resource: "*",
      Condition: drCopyRole,
    },
    {
      Sid: "DrAccountGrantsToAwsResources",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(props.partition, props.drAccountId) },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { ...drCopyRole, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ]);
}
