import { BACKUP_MAX_WINDOW_MINUTES } from "./aws-limits";
import type { ConfigRule, ProblemSink } from "./cross-field-rules";
import { backupAirGappedVaultExists } from "./naming";
import { isRegionInPartition } from "./regions";
import type { ParsedConfig } from "./schema";

/** Seed 003's restrictions, in AWS's wording. */
const RDS_RULE = "Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan";
const DYNAMODB_RULE = "DynamoDB does not support cross-Region backup";
/** AWS Backup's lifecycle rule (Lifecycle.MoveToColdStorageAfterDays). */
const COLD_STORAGE_RULE = "Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days";
/** AWS Backup Vault Lock: a copy job whose retention is outside the lock's range fails. */
const VAULT_LOCK_RULE = "the vault fails a copy job whose retention period is outside its minimum and maximum retention periods";

/**
 * AWS Backup Developer Guide, "Logically air-gapped vault", considerations and limitations: "Cross-Region copy to or
 * from a logically air-gapped vault is not currently available for backups that contain Amazon Aurora, Amazon
 * DocumentDB, and Amazon Neptune" (of the types selectable here: Aurora).
 */
const AIR_GAPPED_CROSS_REGION_RULE =
  "Cross-Region copy to or from a logically air-gapped vault is not currently available for backups that contain Amazon Aurora, Amazon DocumentDB, and Amazon Neptune";

/** A compliance lock is irreversible once its changeable days have passed: never defaulted. */
const COMPLIANCE_NEEDS_CHANGEABLE_FOR_DAYS =
  "is required in compliance mode: a compliance lock becomes immutable that many days after it is first applied (nobody, not even the root user, can remove it then); set it explicitly (3 or more), or use governance mode";

type BackupRule = ParsedConfig["backup"]["rules"][number];
type Lifecycle = BackupRule["lifecycle"];

/** The source accounts AWS Backup copies from, with their index in sourceAccounts. */
const backupAccounts = (config: ParsedConfig) =>
  config.sourceAccounts.map((account, index) => ({ account, index })).filter(({ account }) => account.backup.enabled ?? config.backup.enabled);

const BACKUP_SECTIONS = ["partition", "drAccount", "sourceAccounts", "backup"] as const;

/** A rule that applies only when some source account uses AWS Backup. */
const whenBackupIsUsed = (check: (config: ParsedConfig, problem: ProblemSink, accounts: ReturnType<typeof backupAccounts>) => void): ConfigRule => ({
  sections: BACKUP_SECTIONS,
  check: (config, problem) => {
    const accounts = backupAccounts(config);
    if (accounts.length > 0) check(config, problem, accounts);
  },
});

const copiesStayInOneOrganization = whenBackupIsUsed((config, problem, accounts) => {
  for (const { account, index } of accounts) {
    if (account.organizationId !== config.drAccount.organizationId) {
      problem(
        `sourceAccounts[${index}].organizationId`,
        "Copy job failed. Both source and destination account must be a member of the same organization. " +
          `(AWS Backup copies within one organization: ${account.id} is in ${account.organizationId}, the DR account in ${config.drAccount.organizationId}; set sourceAccounts[${index}].backup.enabled: false)`,
      );
    }
  }
});

const vaultLockIsConsistent = whenBackupIsUsed(({ backup }, problem) => {
  const lock = backup.vaultLock;
  if (lock.maxRetentionDays !== undefined && lock.maxRetentionDays < lock.minRetentionDays) {
    problem("backup.vaultLock.maxRetentionDays", `must be at least minRetentionDays (${lock.minRetentionDays})`);
  }
  if (lock.mode === "governance" && lock.changeableForDays !== undefined) {
    problem("backup.vaultLock.changeableForDays", "applies to compliance mode only (a governance lock stays changeable)");
  }
  if (lock.mode === "compliance" && lock.changeableForDays === undefined) {
    problem("backup.vaultLock.changeableForDays", COMPLIANCE_NEEDS_CHANGEABLE_FOR_DAYS);
  }
});

function checkLifecycle(problem: ProblemSink, path: string, lifecycle: Lifecycle): void {
  if (lifecycle.coldStorageAfterDays !== undefined && lifecycle.deleteAfterDays < lifecycle.coldStorageAfterDays + 90) {
    problem(`${path}.deleteAfterDays`, `must be at least coldStorageAfterDays + 90 (${lifecycle.coldStorageAfterDays + 90}): ${COLD_STORAGE_RULE}`);
  }
}

const rulesAreWellFormed = whenBackupIsUsed((config, problem, accounts) => {
  const { backup } = config;
  const lock = backup.vaultLock;
  backup.rules.forEach((rule, index) => {
    const path = `backup.rules[${index}]`;
    if (backup.rules.findIndex((other) => other.name === rule.name) !== index) problem(`${path}.name`, `duplicate rule name '${rule.name}'`);
    checkLifecycle(problem, `${path}.lifecycle`, rule.lifecycle);
    if (rule.drCopyLifecycle?.coldStorageAfterDays !== undefined) {
      problem(`${path}.drCopyLifecycle.coldStorageAfterDays`, "cross-account copies cannot be transitioned to cold storage by the copy rule");
    }
    if (rule.drCopyLifecycle) checkLifecycle(problem, `${path}.drCopyLifecycle`, rule.drCopyLifecycle);
    // The copy into the DR vault must fit its lock (the stacks copy with drCopyLifecycle, else the source's deleteAfterDays).
    const drRetention = (rule.drCopyLifecycle ?? rule.lifecycle).deleteAfterDays;
    const drRetentionPath = rule.drCopyLifecycle ? `${path}.drCopyLifecycle.deleteAfterDays` : `${path}.lifecycle.deleteAfterDays`;
    const lockIsConsistent = lock.maxRetentionDays === undefined || lock.maxRetentionDays >= lock.minRetentionDays;
    if (lockIsConsistent && (drRetention < lock.minRetentionDays || (lock.maxRetentionDays !== undefined && drRetention > lock.maxRetentionDays))) {
      problem(
        drRetentionPath,
        `the copy into the DR vault is kept ${drRetention} days, outside backup.vaultLock's ${lock.minRetentionDays} to ${lock.maxRetentionDays ?? "unlimited"} days: ${VAULT_LOCK_RULE}`,
      );
    }
    if (rule.copyToRegion?.lifecycle) checkLifecycle(problem, `${path}.copyToRegion.lifecycle`, rule.copyToRegion.lifecycle);
    if (rule.copyToRegion && !isRegionInPartition(rule.copyToRegion.region, config.partition)) {
      problem(`${path}.copyToRegion.region`, `region '${rule.copyToRegion.region}' is not in partition '${config.partition}'`);
    }
    if (rule.copyToRegion) {
      const missing = accounts.filter(({ account }) => !account.regions.includes(rule.copyToRegion!.region));
      if (missing.length > 0) {
        problem(
          `${path}.copyToRegion.region`,
          `the copy goes to the account's own vault in ${rule.copyToRegion.region}, which only accounts with that region have (not ${missing.map(({ account }) => account.id).join(", ")})`,
        );
      }
    }
    checkWindows(problem, path, rule);
  });
});

/** AWS Backup's windows: completion at least an hour after the start window, both at most 100 years. */
function checkWindows(problem: ProblemSink, path: string, rule: BackupRule): void {
  const start = rule.startWindowMinutes ?? 60;
  if (rule.completionWindowMinutes !== undefined && rule.completionWindowMinutes < start + 60) {
    problem(`${path}.completionWindowMinutes`, `must be at least startWindowMinutes + 60 (${start + 60})`);
  }
  if (rule.completionWindowMinutes === undefined && start + 120 > BACKUP_MAX_WINDOW_MINUTES) {
    problem(
      `${path}.startWindowMinutes`,
      `must be at most ${BACKUP_MAX_WINDOW_MINUTES - 120} without completionWindowMinutes: the default completion window (start + 120) would exceed AWS Backup's maximum of ${BACKUP_MAX_WINDOW_MINUTES} minutes (100 years)`,
    );
  }
}

const copyRestrictionsOfSeed003 = whenBackupIsUsed((config, problem, accounts) => {
  const { backup } = config;
  const types = new Set<string>(backup.selection.resourceTypes);
  const mayCopyRds = types.has("RDS") || types.has("Aurora");
  const mayCopyDynamoDb = types.has("DynamoDB");
  backup.rules.forEach((rule, index) => {
    if (rule.copyToRegion && mayCopyRds && !backup.rdsCrossRegionAndAccountSupported) {
      problem(`backup.rules[${index}].copyToRegion`, `${RDS_RULE} (the plan already copies to the DR account)`);
    }
    if (rule.copyToRegion && mayCopyDynamoDb) problem(`backup.rules[${index}].copyToRegion`, DYNAMODB_RULE);
  });
  const vaultRegion = config.drAccount.copyRegions[0];
  for (const { account, index } of accounts) {
    account.regions.forEach((region, regionIndex) => {
      if (config.drAccount.copyRegions.includes(region)) return;
      const path = `sourceAccounts[${index}].regions[${regionIndex}]`;
      if (mayCopyRds && !backup.rdsCrossRegionAndAccountSupported) {
        problem(path, `${RDS_RULE} (${region} has no DR vault, so its copies to ${vaultRegion} would be both)`);
      }
      if (mayCopyDynamoDb) problem(path, `${DYNAMODB_RULE} (${region} has no DR vault; copies would go to ${vaultRegion})`);
    });
  }
});

const breakGlassRoleIsInThePartition = whenBackupIsUsed(({ backup, partition }, problem) => {
  if (backup.breakGlassRoleArn !== undefined && !backup.breakGlassRoleArn.startsWith(`arn:${partition}:`)) {
    problem("backup.breakGlassRoleArn", `expected a role of partition '${partition}'`);
  }
});

const copySourcesAreInTheDrOrganization = whenBackupIsUsed((config, problem) => {
  const sources = config.backup.copySources;
  if (sources.type !== "organizationalUnits") return;
  sources.orgPaths.forEach((orgPath, index) => {
    if (!orgPath.startsWith(`${config.drAccount.organizationId}/`)) {
      problem(`backup.copySources.orgPaths[${index}]`, `every OU path must be in the DR account's organization ${config.drAccount.organizationId}`);
    }
  });
});

/**
 * With `drAccount.protection.airGappedVault.copyFromPlans`, every rule also copies into the air-gapped vault of the
 * DR vault's region with the DR copy's lifecycle (modules/backup/air-gapped-copy-action.ts): that retention must lie
 * within the vault's compliance lock, and Aurora may not be copied there across regions.
 */
const copiesFitTheAirGappedVault = whenBackupIsUsed((config, problem, accounts) => {
  const vault = config.drAccount.protection.airGappedVault;
  if (!backupAirGappedVaultExists(config) || !vault.copyFromPlans) return;
  config.backup.rules.forEach((rule, index) => {
    const retention = (rule.drCopyLifecycle ?? rule.lifecycle).deleteAfterDays;
    if (retention < vault.minRetentionDays || retention > vault.maxRetentionDays) {
      problem(
        rule.drCopyLifecycle ? `backup.rules[${index}].drCopyLifecycle.deleteAfterDays` : `backup.rules[${index}].lifecycle.deleteAfterDays`,
        `the copy into the air-gapped vault is kept ${retention} days, outside drAccount.protection.airGappedVault's ${vault.minRetentionDays} to ${vault.maxRetentionDays} days: ${VAULT_LOCK_RULE} (or set drAccount.protection.airGappedVault.copyFromPlans: false)`,
      );
    }
  });
  if (!config.backup.selection.resourceTypes.includes("Aurora")) return;
  for (const { account, index } of accounts) {
    account.regions.forEach((region, regionIndex) => {
      if (config.drAccount.copyRegions.includes(region)) return;
      problem(
        `sourceAccounts[${index}].regions[${regionIndex}]`,
        `${AIR_GAPPED_CROSS_REGION_RULE} (${region} has no air-gapped vault, so its Aurora copies would go to ${config.drAccount.copyRegions[0]}; set drAccount.protection.airGappedVault.copyFromPlans: false or add ${region} to drAccount.copyRegions)`,
      );
    });
  }
});

/** Seeds 002 and 003's limits on AWS Backup copies, checked before any plan is written. */
export const backupRules: readonly ConfigRule[] = [
  copiesStayInOneOrganization,
  vaultLockIsConsistent,
  rulesAreWellFormed,
  copyRestrictionsOfSeed003,
  copySourcesAreInTheDrOrganization,
  breakGlassRoleIsInThePartition,
  copiesFitTheAirGappedVault,
];
