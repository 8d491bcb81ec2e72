import type { BackupLifecycle } from "./source-backup-plan";

/** What AWS Backup accepts in a backup plan (CreateBackupPlan, AWS Backup quotas), checked by SourceBackupPlan. */

export const BACKUP_PLAN_NAME_PATTERN = /^[a-zA-Z0-9\-\_\.]{1,50}$/;
export const BACKUP_RULE_NAME_PATTERN = /^[a-zA-Z0-9\-\_\.]{1,50}$/;
export const CRON_PATTERN = /^cron\(\S+( \S+){5}\)$/;
/** AWS Backup's limits (CreateBackupPlan): windows up to 100 years, lifecycles up to 36,500 days. */
export const BACKUP_PLAN_LIMITS = {
  minStartWindowMinutes: 60,
  maxWindowMinutes: 52_560_000,
  completionAfterStartMinutes: 60,
  maxLifecycleDays: 36_500,
  minColdStorageDays: 90,
  maxArnsWithWildcards: 30,
  maxArns: 500,
  /**
   * AWS Backup quotas, "Policy quotas": "Copy actions per backup rule", 5.
   */
  maxCopyActionsPerRule: 5,
} as const;

/** AWS's wording of the restrictions of seed 003. */
export const RDS_CROSS_REGION_AND_ACCOUNT_RULE =
  "RDS/Aurora: Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan";
export const DYNAMODB_CROSS_REGION_RULE = "DynamoDB does not support cross-Region backup";

/** The AWS managed policies of an AWS Backup service role. */
export const backupServiceRoleManagedPolicyArns = (partition: string) => [
  `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
  `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores`,
];

export const isWholeNumberIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

export function assertTags(tags: Readonly<Record<string, string>>, what: string): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
      throw new Error(`Expected ${what} tag key to be 1 to 128 characters not starting with aws:, got '${key}'`);
    }
    if (value.length > 256) throw new Error(`Expected ${what} tag value of '${key}' to be at most 256 characters, got ${value.length}`);
  }
}

export function checkLifecycle(lifecycle: BackupLifecycle, where: string): void {
  const { deleteAfterDays, coldStorageAfterDays } = lifecycle;
  if (!isWholeNumberIn(deleteAfterDays, 1, BACKUP_PLAN_LIMITS.maxLifecycleDays)) {
    throw new Error(`${where}: delete_after must be a whole number of days from 1 to 36500, got ${deleteAfterDays}`);
  }
  if (coldStorageAfterDays === undefined) return;
  if (!isWholeNumberIn(coldStorageAfterDays, 1, BACKUP_PLAN_LIMITS.maxLifecycleDays)) {
    throw new Error(`${where}: cold_storage_after must be a whole number of days from 1 to 36500, got ${coldStorageAfterDays}`);
  }
  if (deleteAfterDays < coldStorageAfterDays + BACKUP_PLAN_LIMITS.minColdStorageDays) {
    throw new Error(
      `${where}: delete_after (${deleteAfterDays} days) must be at least 90 days after cold_storage_after (${coldStorageAfterDays} days): ` +
        "backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days",
    );
  }
}
