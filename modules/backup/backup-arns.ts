import { Token } from "cdktf";

/**
 * Names, ARNs and the checks shared by the AWS Backup constructs and policies (design §2c). Stacks never
 * reference each other's resources: a source plan reaches the DR vault through an ARN derived from names.
 */

/** The partitions AWS Backup cross-account copy is checked against here. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type Partition = (typeof PARTITIONS)[number];

/** AWS Backup's pattern for backup vault names (`BackupVaultName` in the AWS Backup API). */
export const BACKUP_VAULT_NAME_PATTERN = /^[a-zA-Z0-9\-\_]{2,50}$/;

/** What AWS Backup answers when a copy goes into the default vault (seed 002, error 5). */
export const DEFAULT_VAULT_COPY_ERROR =
  "Copy job failed because the destination Backup vault is encrypted with the default Backup service managed key. " +
  "The contents of this vault cannot be copied. Only the contents of a Backup vault encrypted by a customer master key (CMK) may be copied.";

/** AWS Backup's rule for the source side of a cross-account copy (seed 003). */
export const DEFAULT_VAULT_SOURCE_RULE = "You must use vaults other than your default vaults to perform cross-account backup.";

const ACCOUNT_ID_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const KMS_KEY_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]{1,128}$/;

export function assertPartition(partition: string): asserts partition is Partition {
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    throw new Error(`Expected partition to be one of ${PARTITIONS.join(", ")}, got '${partition}'`);
  }
}

/** `what` names the value in the message, e.g. "DR account ID". */
export function assertAccountId(accountId: string, what: string): void {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) throw new Error(`Expected ${what} to be 12 digits, got '${accountId}'`);
}

export function assertRegion(region: string, what: string): void {
  if (!REGION_PATTERN.test(region)) throw new Error(`Expected ${what} to be a region name such as us-east-1, got '${region}'`);
}

/**
 * A vault name AWS Backup accepts and that is not the default vault, which is encrypted with a key that cannot
 * be shared with other accounts. `defaultVaultRule` is AWS's wording for the side (source or destination).
 */
export function assertCopyableVaultName(vaultName: string, what: string, defaultVaultRule: string): void {
  if (!BACKUP_VAULT_NAME_PATTERN.test(vaultName)) {
    throw new Error(`Expected ${what} name to match ${BACKUP_VAULT_NAME_PATTERN.source}, got '${vaultName}'`);
  }
  if (vaultName.toLowerCase() === "default") {
    throw new Error(`${what} '${vaultName}' is the default vault: ${defaultVaultRule}`);
  }
}

/**
 * A KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`), or an unresolved token (the ARN of a key
 * created in the same stack). Never an alias: AWS Backup and SNS keep what they are given.
 */
export function assertKmsKeyArn(value: string, what: string): void {
  if (Token.isUnresolved(value)) return;
  if (!KMS_KEY_ARN_PATTERN.test(value)) {
    throw new Error(`Expected ${what} to be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), got '${value}'`);
  }
}

/** Where a backup vault is. */
export interface BackupVaultLocation {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly vaultName: string;
}

/** `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`: how a plan in another stack names a vault. */
export function backupVaultArn(location: BackupVaultLocation): string {
  return `arn:${location.partition}:backup:${location.region}:${location.accountId}:backup-vault:${location.vaultName}`;
}

/** `arn:<partition>:iam::<account>:root`: the account as a principal (delegates to the account's IAM). */
export const accountRootArn = (partition: string, accountId: string) => `arn:${partition}:iam::${accountId}:root`;

/**
 * The AWS Backup service-linked role of an account (`AWSServiceRoleForBackup`). In a cross-account copy it is
 * the destination account's service-linked role that copies (seed 002): it is the one that uses the source key.
 */
export const backupServiceLinkedRoleArn = (partition: string, accountId: string) =>
  `arn:${partition}:iam::${accountId}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
