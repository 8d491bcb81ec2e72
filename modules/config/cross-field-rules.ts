import { isRegionInPartition } from "./regions";
import type { ParsedConfig } from "./schema";

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
    if (account.ebs.mode === "share") problem(`${path}.ebs.mode`, "'share' is not supported yet; use 'reencrypt'");
  });

  if (config.ebs.mode === "share") problem("ebs.mode", "'share' is not supported yet; use 'reencrypt'");

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
  if (config.rds.enabled) problem("rds.enabled", "RDS snapshot copies are not supported yet; set it to false");

  return problems;
}
