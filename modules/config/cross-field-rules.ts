import { backupRules } from "./backup-rules";
import { freshnessRegionsFitTheAccount } from "./freshness-rules";
import { guardrailPolicyRules } from "./guardrail-policy-rules";
import { kmsAliasRules } from "./kms-alias-rules";
import { isRegionInPartition } from "./regions";
import type { ParsedConfig } from "./schema";
import { tagRules } from "./tag-rules";
import { transitRetentionProblems } from "./transit-retention-rule";

/** AWS's error when such a snapshot is shared (ModifySnapshotAttribute). */
const DEFAULT_KEY_CANNOT_BE_SHARED = "Snapshots encrypted with the AWS Managed CMK can't be shared";
const USE_REENCRYPT = "use mode 'reencrypt', which copies them under the DR account's KMS-B";

/** One problem in a configuration: where it is (`sourceAccounts[2].id`) and which rule it breaks. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** A top-level section of the configuration. */
export type ConfigSection = keyof ParsedConfig;

/** Records a problem at a configuration path. */
export type ProblemSink = (path: string, message: string) => void;

/**
 * A rule that relates fields to each other. It reads only the sections it names, so that it still runs when
 * another section has schema problems.
 */
export interface ConfigRule {
  readonly sections: readonly ConfigSection[];
  readonly check: (config: ParsedConfig, problem: ProblemSink) => void;
}

const organizationsAreUnique: ConfigRule = {
  sections: ["organizations"],
  check: (config, problem) => {
    const seen = new Set<string>();
    config.organizations.forEach((organization, index) => {
      if (seen.has(organization.id)) problem(`organizations[${index}].id`, `duplicate organization '${organization.id}'`);
      seen.add(organization.id);
    });
  },
};

const checkOrganization = (config: ParsedConfig, problem: ProblemSink, path: string, id: string) => {
  if (!config.organizations.some((organization) => organization.id === id)) problem(path, `unknown organization '${id}' (not listed in organizations)`);
};

const checkRegions = (config: ParsedConfig, problem: ProblemSink, path: string, regions: readonly string[]) => {
  const seen = new Set<string>();
  regions.forEach((region, index) => {
    if (seen.has(region)) problem(`${path}[${index}]`, `duplicate region '${region}'`);
    seen.add(region);
    if (!isRegionInPartition(region, config.partition)) problem(`${path}[${index}]`, `region '${region}' is not in partition '${config.partition}'`);
  });
};

const drAccountOrganizationIsListed: ConfigRule = {
  sections: ["organizations", "drAccount"],
  check: (config, problem) => checkOrganization(config, problem, "drAccount.organizationId", config.drAccount.organizationId),
};

const drCopyRegionsAreDistinctAndInPartition: ConfigRule = {
  sections: ["partition", "drAccount"],
  check: (config, problem) => checkRegions(config, problem, "drAccount.copyRegions", config.drAccount.copyRegions),
};

const sourceAccountsAreDistinct: ConfigRule = {
  sections: ["drAccount", "sourceAccounts"],
  check: (config, problem) => {
    const firstIndexOfAccount = new Map<string, number>();
    config.sourceAccounts.forEach((account, index) => {
      const earlier = firstIndexOfAccount.get(account.id);
      if (earlier !== undefined) problem(`sourceAccounts[${index}].id`, `duplicate of sourceAccounts[${earlier}].id (${account.id})`);
      else firstIndexOfAccount.set(account.id, index);
      if (account.id === config.drAccount.id) problem(`sourceAccounts[${index}].id`, "the DR account cannot also be a source account");
    });
  },
};

const sourceOrganizationsAreListed: ConfigRule = {
  sections: ["organizations", "sourceAccounts"],
  check: (config, problem) =>
    config.sourceAccounts.forEach((account, index) => checkOrganization(config, problem, `sourceAccounts[${index}].organizationId`, account.organizationId)),
};

const sourceRegionsAreDistinctAndInPartition: ConfigRule = {
  sections: ["partition", "sourceAccounts"],
  check: (config, problem) => config.sourceAccounts.forEach((account, index) => checkRegions(config, problem, `sourceAccounts[${index}].regions`, account.regions)),
};

const sharedSnapshotsAreNotOnTheDefaultKey: ConfigRule = {
  sections: ["ebs", "sourceAccounts"],
  check: (config, problem) => {
    config.sourceAccounts.forEach((account, index) => {
      const mode = account.ebs.mode ?? config.ebs.mode;
      const usesDefaultKey = account.ebs.volumesUseDefaultKey ?? config.ebs.volumesUseDefaultKey;
      const inheritsBoth = account.ebs.mode === undefined && account.ebs.volumesUseDefaultKey === undefined;
      if (mode === "share" && usesDefaultKey && !inheritsBoth) {
        problem(`sourceAccounts[${index}].ebs.mode`, `${DEFAULT_KEY_CANNOT_BE_SHARED} (account ${account.id} uses the default aws/ebs key); ${USE_REENCRYPT}`);
      }
    });
    if (config.ebs.mode === "share" && config.ebs.volumesUseDefaultKey) {
      const inheriting = config.sourceAccounts.some((a) => a.ebs.mode === undefined && a.ebs.volumesUseDefaultKey === undefined);
      if (inheriting) problem("ebs.mode", `${DEFAULT_KEY_CANNOT_BE_SHARED} (ebs.volumesUseDefaultKey is true); ${USE_REENCRYPT}`);
    }
  },
};

const existingKeysFitTheirAccount: ConfigRule = {
  sections: ["partition", "ebs", "sourceAccounts"],
  check: (config, problem) =>
    config.sourceAccounts.forEach((account, index) => {
      const mode = account.ebs.mode ?? config.ebs.mode;
      for (const [keyRegion, keyArn] of Object.entries(account.ebs.kmsKeyArns ?? {})) {
        const keyPath = `sourceAccounts[${index}].ebs.kmsKeyArns.${keyRegion}`;
        if (mode !== "share") problem(keyPath, "existing keys are used only in mode 'share'");
        if (!account.regions.includes(keyRegion)) problem(keyPath, `region '${keyRegion}' is not one of this account's regions`);
        const [, keyPartition, , arnRegion, arnAccount] = keyArn.split(":");
        if (keyPartition !== config.partition || arnRegion !== keyRegion || arnAccount !== account.id) {
          problem(keyPath, `expected a key of account ${account.id} in ${keyRegion} (partition ${config.partition}), got '${keyArn}'`);
        }
      }
    }),
};

const snapshotScheduleIsOneOfTwoKinds: ConfigRule = {
  sections: ["ebs"],
  check: (config, problem) => {
    const schedule = config.ebs.schedule;
    if (schedule.cronExpression !== undefined && (schedule.intervalHours !== undefined || schedule.time !== undefined)) {
      problem("ebs.schedule", "set either cronExpression or intervalHours/time, not both");
    }
    if (schedule.cronExpression === undefined && schedule.intervalHours === undefined) {
      problem("ebs.schedule", "set intervalHours (with an optional time) or cronExpression");
    }
  },
};

const backendRegionIsInPartition: ConfigRule = {
  sections: ["partition", "backend"],
  check: (config, problem) => {
    if (config.backend.type === "s3" && !isRegionInPartition(config.backend.region, config.partition)) {
      problem("backend.region", `region '${config.backend.region}' is not in partition '${config.partition}'`);
    }
  },
};

const rdsCopiesCanBeShared: ConfigRule = {
  sections: ["rds"],
  check: ({ rds }, problem) => {
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
  },
};

/** Transit copies outlive the next snapshot plus a copy margin (see transit-retention-rule.ts). */
const transitCopiesOutliveTheNextSnapshot: ConfigRule = {
  sections: ["ebs", "rds"],
  check: (config, problem) => transitRetentionProblems(config).forEach(({ path, message }) => problem(path, message)),
};

/** Every rule, in the order their problems are listed. Add a flow's rules with one line here. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  organizationsAreUnique,
  drAccountOrganizationIsListed,
  drCopyRegionsAreDistinctAndInPartition,
  sourceAccountsAreDistinct,
  sourceOrganizationsAreListed,
  sourceRegionsAreDistinctAndInPartition,
  sharedSnapshotsAreNotOnTheDefaultKey,
  existingKeysFitTheirAccount,
  snapshotScheduleIsOneOfTwoKinds,
  backendRegionIsInPartition,
  ...backupRules,
  rdsCopiesCanBeShared,
  transitCopiesOutliveTheNextSnapshot,
  freshnessRegionsFitTheAccount,
  ...kmsAliasRules,
  ...tagRules,
  ...guardrailPolicyRules,
];

/**
 * The rules that can run on the sections at hand (all of them for a fully parsed configuration), every problem
 * at once, each reported once.
 */
export function crossFieldProblems(config: ParsedConfig, available: ReadonlySet<ConfigSection> = new Set(Object.keys(config) as ConfigSection[])): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const problem: ProblemSink = (path, message) => {
    const key = `${path}\n${message}`;
    if (!seen.has(key)) problems.push({ path, message });
    seen.add(key);
  };
  for (const rule of CONFIG_RULES) {
    if (rule.sections.every((section) => available.has(section))) rule.check(config, problem);
  }
  return problems;
}
