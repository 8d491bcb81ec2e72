import { isRegionInPartition } from "./regions";
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
  if (config.backup.enabled) problem("backup.enabled", "AWS Backup copies are not supported yet; set it to false");
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
  if (rds.enabled && rds.copyToSecondaryRegion && rds.usesCustomOptionGroups) {
    problem("rds.copyToSecondaryRegion", "copying Amazon RDS custom option groups across AWS Regions is not supported");
  }

  return problems;
}
