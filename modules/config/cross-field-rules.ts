import { drCopyRetentions } from "../backup/dr-vault-lock-settings";
import { isRegionInPartition } from "./regions";
import { transitRetentionProblems } from "./transit-retention-rule";
import type { ParsedConfig } from "./schema";

/** AWS's error when such a snapshot is shared (ModifySnapshotAttribute). */
const DEFAULT_KEY_CANNOT_BE_SHARED = "Snapshots encrypted with the AWS Managed CMK can't be shared";
const USE_REENCRYPT = "use mode 'reencrypt', which copies them under the DR account's KMS-B";

/** One problem in a configuration: where it is (`sourceAccounts[2].id`) and which rule it breaks. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Rules that relate fields to each other. They run only on a configuration whose fields are each valid,
 * and return every problem at once.
 */
export function crossFieldProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  const organizationIds = new Set<string>();
  config.organizations.forEach((organization, index) => {
    if (organizationIds.has(organization.id)) {
      problem(`organizations[${index}].id`, `duplicate organization '${organization.id}'`);
    }
    organizationIds.add(organization.id);
  });

  const checkOrganization = (path: string, id: string) => {
    if (!organizationIds.has(id)) problem(path, `unknown organization '${id}' (not listed in organizations)`);
  };

  const checkRegions = (path: string, regions: readonly string[]) => {
    const seen = new Set<string>();
    regions.forEach((region, index) => {
      if (seen.has(region)) problem(`${path}[${index}]`, `duplicate region '${region}'`);
      seen.add(region);
      if (!isRegionInPartition(region, config.partition)) {
        problem(`${path}[${index}]`, `region '${region}' is not in partition '${config.partition}'`);
      }
    });
  };

  checkOrganization("drAccount.organizationId", config.drAccount.organizationId);
  checkRegions("drAccount.copyRegions", config.drAccount.copyRegions);

  const firstIndexOfAccount = new Map<string, number>();
  config.sourceAccounts.forEach((account, index) => {
    const path = `sourceAccounts[${index}]`;
    const earlier = firstIndexOfAccount.get(account.id);
    if (earlier !== undefined) {
      problem(`${path}.id`, `duplicate of sourceAccounts[${earlier}].id (${account.id})`);
    } else {
      firstIndexOfAccount.set(account.id, index);
    }
    if (account.id === config.drAccount.id) {
      problem(`${path}.id`, "the DR account cannot also be a source account");
    }
    checkOrganization(`${path}.organizationId`, account.organizationId);
    checkRegions(`${path}.regions`, account.regions);
    const mode = account.ebs.mode ?? config.ebs.mode;
    const usesDefaultKey = account.ebs.volumesUseDefaultKey ?? config.ebs.volumesUseDefaultKey;
    const inheritsBoth = account.ebs.mode === undefined && account.ebs.volumesUseDefaultKey === undefined;
    if (mode === "share" && usesDefaultKey && !inheritsBoth) {
      problem(`${path}.ebs.mode`, `${DEFAULT_KEY_CANNOT_BE_SHARED} (account ${account.id} uses the default aws/ebs key); ${USE_REENCRYPT}`);
    }
    for (const [keyRegion, keyArn] of Object.entries(account.ebs.kmsKeyArns ?? {})) {
      const keyPath = `${path}.ebs.kmsKeyArns.${keyRegion}`;
      if (mode !== "share") problem(keyPath, "existing keys are used only in mode 'share'");
      if (!account.regions.includes(keyRegion)) problem(keyPath, `region '${keyRegion}' is not one of this account's regions`);
      const [, keyPartition, , arnRegion, arnAccount] = keyArn.split(":");
      if (keyPartition !== config.partition || arnRegion !== keyRegion || arnAccount !== account.id) {
        problem(keyPath, `expected a key of account ${account.id} in ${keyRegion} (partition ${config.partition}), got '${keyArn}'`);
      }
    }
  });

  if (config.ebs.mode === "share" && config.ebs.volumesUseDefaultKey) {
    const inheriting = config.sourceAccounts.some((a) => a.ebs.mode === undefined && a.ebs.volumesUseDefaultKey === undefined);
    if (inheriting) problem("ebs.mode", `${DEFAULT_KEY_CANNOT_BE_SHARED} (ebs.volumesUseDefaultKey is true); ${USE_REENCRYPT}`);
  }

  const schedule = config.ebs.schedule;
  if (schedule.cronExpression !== undefined && (schedule.intervalHours !== undefined || schedule.time !== undefined)) {
    problem("ebs.schedule", "set either cronExpression or intervalHours/time, not both");
  }
  if (schedule.cronExpression === undefined && schedule.intervalHours === undefined) {
    problem("ebs.schedule", "set intervalHours (with an optional time) or cronExpression");
  }

  if (config.backend.type === "s3" && !isRegionInPartition(config.backend.region, config.partition)) {
    problem("backend.region", `region '${config.backend.region}' is not in partition '${config.partition}'`);
  }
  backupProblems(config, problem);

  const rds = config.rds;
  if (rds.kmsKeyAlias === "alias/aws/rds") {
    problem(
      "rds.kmsKeyAlias",
      "You can't share a snapshot that's encrypted with the default AWS KMS key; leave it unset so that a customer managed key is created",
    );
  }
  if (rds.enabled && rds.transitCopyRetentionHours >= rds.retentionDays * 24) {
    problem(
      "rds.transitCopyRetentionHours",
      `must be less than rds.retentionDays × 24 (${rds.retentionDays * 24}): a transit copy still shared after the DR copy expired would be imported again`,
    );
  }
  if (rds.enabled && rds.usesPermanentOrPersistentOptions) {
    problem(
      "rds.usesPermanentOrPersistentOptions",
      "You can't share a DB snapshot that uses an option group with permanent or persistent options (nor Oracle or SQL Server snapshots encrypted with TDE): the RDS flow cannot carry these databases",
    );
  }
  if (rds.enabled && rds.copyToSecondaryRegion && rds.usesCustomOptionGroups) {
    problem("rds.copyToSecondaryRegion", "copying Amazon RDS custom option groups across AWS Regions is not supported");
  }

  problems.push(...transitRetentionProblems(config));
  return problems;
}

/** Seed 002 and 003's limits on AWS Backup copies, checked before any plan is written. */
function backupProblems(config: ParsedConfig, problem: (path: string, message: string) => void): void {
  const backup = config.backup;
  const accounts = config.sourceAccounts
    .map((account, index) => ({ account, index }))
    .filter(({ account }) => account.backup.enabled ?? backup.enabled);
  if (accounts.length === 0) return;

  for (const { account, index } of accounts) {
    if (account.organizationId !== config.drAccount.organizationId) {
      problem(
        `sourceAccounts[${index}].organizationId`,
        "Copy job failed. Both source and destination account must be a member of the same organization. " +
          `(AWS Backup copies within one organization: ${account.id} is in ${account.organizationId}, the DR account in ${config.drAccount.organizationId}; set sourceAccounts[${index}].backup.enabled: false)`,
      );
    }
  }

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
  const lockRangeValid = lock.maxRetentionDays === undefined || lock.maxRetentionDays >= lock.minRetentionDays;
  for (const copy of lockRangeValid ? drCopyRetentions(backup) : []) {
    const belowMinimum = copy.days < lock.minRetentionDays;
    const aboveMaximum = lock.maxRetentionDays !== undefined && copy.days > lock.maxRetentionDays;
    const outside = belowMinimum ? `minRetentionDays (${lock.minRetentionDays})` : aboveMaximum ? `maxRetentionDays (${lock.maxRetentionDays})` : undefined;
    if (outside) problem(`backup.rules[${copy.index}]`, `its DR copy is kept ${copy.days} days, outside backup.vaultLock.${outside}: ${LOCK_RANGE_RULE}`);
  }

  const types = new Set<string>(backup.selection.resourceTypes);
  const mayCopyRds = types.has("RDS") || types.has("Aurora");
  const mayCopyDynamoDb = types.has("DynamoDB");
  const crossRegionSources = accounts.flatMap(({ account, index }) =>
    account.regions
      .map((region, regionIndex) => ({ region, path: `sourceAccounts[${index}].regions[${regionIndex}]` }))
      .filter(({ region }) => !config.drAccount.copyRegions.includes(region)),
  );

  const checkLifecycle = (path: string, lifecycle: { deleteAfterDays: number; coldStorageAfterDays?: number }) => {
    if (lifecycle.coldStorageAfterDays !== undefined && lifecycle.deleteAfterDays < lifecycle.coldStorageAfterDays + 90) {
      problem(
        `${path}.deleteAfterDays`,
        `must be at least coldStorageAfterDays + 90 (${lifecycle.coldStorageAfterDays + 90}): Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days`,
      );
    }
  };
  backup.rules.forEach((rule, index) => {
    const path = `backup.rules[${index}]`;
    if (backup.rules.findIndex((other) => other.name === rule.name) !== index) problem(`${path}.name`, `duplicate rule name '${rule.name}'`);
    checkLifecycle(`${path}.lifecycle`, rule.lifecycle);
    if (rule.drCopyLifecycle?.coldStorageAfterDays !== undefined) {
      problem(`${path}.drCopyLifecycle.coldStorageAfterDays`, "cross-account copies cannot be transitioned to cold storage by the copy rule");
    }
    if (rule.drCopyLifecycle) checkLifecycle(`${path}.drCopyLifecycle`, rule.drCopyLifecycle);
    if (rule.copyToRegion?.lifecycle) checkLifecycle(`${path}.copyToRegion.lifecycle`, rule.copyToRegion.lifecycle);
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
    if (
      rule.startWindowMinutes !== undefined &&
      rule.completionWindowMinutes !== undefined &&
      rule.completionWindowMinutes < rule.startWindowMinutes + 60
    ) {
      problem(`${path}.completionWindowMinutes`, `must be at least startWindowMinutes + 60 (${rule.startWindowMinutes + 60})`);
    }
    if (rule.copyToRegion && mayCopyRds && !backup.rdsCrossRegionAndAccountSupported) {
      problem(`${path}.copyToRegion`, `${RDS_RULE} (the plan already copies to the DR account)`);
    }
    if (rule.copyToRegion && mayCopyDynamoDb) problem(`${path}.copyToRegion`, DYNAMODB_RULE);
  });

  for (const { region, path } of crossRegionSources) {
    const vaultRegion = config.drAccount.copyRegions[0];
    if (mayCopyRds && !backup.rdsCrossRegionAndAccountSupported) {
      problem(path, `${RDS_RULE} (${region} has no DR vault, so its copies to ${vaultRegion} would be both)`);
    }
    if (mayCopyDynamoDb) problem(path, `${DYNAMODB_RULE} (${region} has no DR vault; copies would go to ${vaultRegion})`);
  }
  if (backup.copySources.type === "organizationalUnits" && !backup.copySources.orgPaths.every((path) => path.startsWith(`${config.drAccount.organizationId}/`))) {
    problem("backup.copySources.orgPaths", `every OU path must be in the DR account's organization ${config.drAccount.organizationId}`);
  }
}

const COMPLIANCE_NEEDS_CHANGEABLE_FOR_DAYS =
  "is required in compliance mode: a compliance lock becomes immutable that many days after it is first applied (nobody, not even the root user, can remove it then); set it explicitly (3 or more), or use governance mode";
/** AWS Backup, Backup Vault Lock: copies outside the lock's retention range fail. */
const LOCK_RANGE_RULE = "the vault fails a copy job whose retention period is outside its minimum and maximum retention periods";
const RDS_RULE = "Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan";
const DYNAMODB_RULE = "DynamoDB does not support cross-Region backup";
