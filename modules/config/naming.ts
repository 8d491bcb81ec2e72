import type { SnapshotDrConfig } from "./load-config";
import { dnsSuffix, Partition } from "./regions";

/**
 * Names derived from the configuration. Stacks never reference each other's resources; they meet through
 * these names (docs/design.md §4), so a source stack can be planned before the DR stack exists.
 */

export const sourceStackName = (accountId: string) => `source-${accountId}`;
export const drStackName = (accountId: string) => `dr-${accountId}`;
export const orgStackName = (organizationId: string) => `org-${organizationId}`;

export const partitionOf = (config: SnapshotDrConfig) => config.partition as Partition;

export const kmsBAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/kms-b`;
export const kmsCAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/kms-c`;
/** RDS: the source accounts' custom key for DR copies, and the DR account's key for its own RDS copies. */
export const rdsSourceKeyAliasName = (config: SnapshotDrConfig) => config.rds.kmsKeyAlias ?? `alias/${config.namePrefix}/rds-source`;
export const rdsDrKeyAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/rds-dr`;
export const rdsCopierRoleName = (config: SnapshotDrConfig) => `${config.namePrefix}-rds-snapshot-copier`;
export const rdsImporterRoleName = (config: SnapshotDrConfig) => `${config.namePrefix}-rds-snapshot-importer`;

/** RDS identifiers of transit copies (source) and imported copies (DR), and the tags that mark them. */
export function rdsCopyContract(config: SnapshotDrConfig) {
  return {
    transitPrefix: `${config.namePrefix}-dr-`,
    transitTagKey: `${config.namePrefix}:rds-transit-copy`,
    importPrefix: `${config.namePrefix}-import-`,
    importTagKey: `${config.namePrefix}:rds-dr-copy`,
    markerValue: "true",
  };
}

/** AWS Backup: the vaults, the keys that encrypt them, and the service role of the source plans. */
export const backupDrVaultName = (config: SnapshotDrConfig) => config.backup.drVaultName ?? `${config.namePrefix}-dr`;
export const backupSourceVaultName = (config: SnapshotDrConfig) => config.backup.sourceVaultName ?? `${config.namePrefix}-source`;
export const backupDrKeyAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/backup-dr`;
export const backupSourceKeyAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/backup-source`;
export const backupServiceRoleName = (config: SnapshotDrConfig) => `${config.namePrefix}-backup`;
export const backupPlanName = (config: SnapshotDrConfig) => `${config.namePrefix}-dr`;

/** Whether AWS Backup copies this account's recovery points to the DR account. */
export const backupEnabledFor = (config: SnapshotDrConfig, account: SourceAccount) => account.backup.enabled ?? config.backup.enabled;

/** The DR vault a source region copies into: the same region when it holds a DR vault, else the first copy region. */
export const backupDrVaultRegion = (config: SnapshotDrConfig, sourceRegion: string) =>
  config.drAccount.copyRegions.includes(sourceRegion) ? sourceRegion : config.drAccount.copyRegions[0];

export const backupVaultArn = (config: SnapshotDrConfig, region: string, accountId: string, vaultName: string) =>
  `arn:${config.partition}:backup:${region}:${accountId}:backup-vault:${vaultName}`;

/** The DR account's logically air-gapped vault (`drAccount.protection.airGappedVault`), in every copy region. */
export const backupAirGappedVaultName = (config: SnapshotDrConfig) => `${config.namePrefix}-dr-air-gapped`;
/** The DR stack creates the air-gapped vaults when they are enabled and some source account uses AWS Backup. */
export const backupAirGappedVaultExists = (config: SnapshotDrConfig) =>
  config.drAccount.protection.airGappedVault.enabled && config.sourceAccounts.some((account) => backupEnabledFor(config, account));

/**
 * The vaults the copy guardrail SCP lets recovery points be copied to: the DR vault (and the air-gapped vault, when
 * it exists) of every copy region, the accounts' own vault in every `copyToRegion` region (any account: a constant-size statement), and the configured
 * additional vaults. The org stack deploys these; the configuration rules measure the SCP they make.
 */
export function backupCopyGuardrailVaultArns(config: SnapshotDrConfig, organizationId: string): string[] {
  const dr = config.drAccount;
  const drVaults = dr.copyRegions.map((region) => backupVaultArn(config, region, dr.id, backupDrVaultName(config)));
  // Every account's own vault has the same name: one ARN per copy-to region whatever the estate's size (AWS Backup
  // copies across accounts only within the organization; an OU limit narrows it further).
  const hasBackupAccounts = config.sourceAccounts.some((account) => backupEnabledFor(config, account) && account.organizationId === organizationId);
  const ownRegionVaults = hasBackupAccounts
    ? config.backup.rules.flatMap((rule) => (rule.copyToRegion ? [backupVaultArn(config, rule.copyToRegion.region, "*", backupSourceVaultName(config))] : []))
    : [];
  // The air-gapped vault of every copy region, when it exists (one ARN per copy region, whatever the estate's size).
  const airGappedVaults = backupAirGappedVaultExists(config) ? dr.copyRegions.map((region) => backupVaultArn(config, region, dr.id, backupAirGappedVaultName(config))) : [];
  return [...new Set([...drVaults, ...airGappedVaults, ...ownRegionVaults, ...config.backup.guardrails.additionalAllowedVaultArns])];
}

/** `share` mode: the source account's key for the protected volumes. */
export const kmsAAliasName = (config: SnapshotDrConfig) => `alias/${config.namePrefix}/kms-a`;

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

/** The EBS mode of a source account: its own setting, else the configuration's. */
export const ebsModeOf = (config: SnapshotDrConfig, account: SourceAccount) => account.ebs.mode ?? config.ebs.mode;

/** The alias ARN of KMS-B in a region: what the source automation passes to CopySnapshot as `KmsKeyId`. */
export const kmsBAliasArn = (config: SnapshotDrConfig, region: string) =>
  `arn:${config.partition}:kms:${region}:${config.drAccount.id}:${kmsBAliasName(config)}`;

/** `kms:ViaService` of a service in a region, e.g. `ec2.us-east-1.amazonaws.com`. */
export const viaService = (config: SnapshotDrConfig, service: string, region: string) =>
  `${service}.${region}.${dnsSuffix(partitionOf(config))}`;

/** `kms:ViaService` of a service in any region (for `StringLike`), e.g. `ec2.*.amazonaws.com`. */
export const anyRegionViaService = (config: SnapshotDrConfig, service: string) => `${service}.*.${dnsSuffix(partitionOf(config))}`;

export const roleArn = (config: SnapshotDrConfig, accountId: string, roleName: string) =>
  `arn:${config.partition}:iam::${accountId}:role/${roleName}`;


/** The DR account's execution role for its cross-account copy event policies. */
export const drDlmRoleName = (config: SnapshotDrConfig) => `${config.namePrefix}-dlm-cross-account-copy`;
/** The source account's execution role for its EBS snapshot policies. */
export const sourceDlmRoleName = (config: SnapshotDrConfig) => `${config.namePrefix}-dlm-snapshots`;
/** The source account's snapshot copier (Lambda) role: `ebs.copierRoleName`, else derived from the prefix. */
export const snapshotCopierRoleName = (config: SnapshotDrConfig) => config.ebs.copierRoleName ?? `${config.namePrefix}-snapshot-copier`;

/**
 * A role of that name in any account, for `ArnLike aws:PrincipalArn` next to `aws:PrincipalOrgID`: one value
 * whatever the number of source accounts. (`aws:PrincipalArn` of a role session is the role's ARN.)
 */
export const anyAccountRoleArnPattern = (config: SnapshotDrConfig, roleName: string) => `arn:${config.partition}:iam::*:role/${roleName}`;

/**
 * The DR account's break-glass role (design §6: `drAccount.breakGlassRoleArn`), or the older
 * `backup.breakGlassRoleArn`. The cast reads the `drAccount` field before every branch's schema has it.
 */
export const breakGlassRoleArnOf = (config: SnapshotDrConfig): string | undefined =>
  config.drAccount.breakGlassRoleArn ?? config.backup.breakGlassRoleArn;

/**
 * The tags and description that connect the source automation to the DR account's event policy. The
 * automation writes them; the DR policy's description filter matches them.
 */
export interface TransitCopyContract {
  /** Tag on snapshots selected for DR (set by the source snapshot policy). */
  readonly selectionTagKey: string;
  readonly selectionTagValue: string;
  /** Tag that marks a transit copy made by the automation (and only those may be shared or deleted). */
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  /** Description written on every transit copy: `<prefix> <snapshot id> from <account>`. */
  readonly descriptionPrefix: string;
  /** The DLM schedule name of `share` mode; DLM writes it into each snapshot's description. */
  readonly shareScheduleName: string;
  /**
   * The DR event policies' description filter: transit copies (`reencrypt`) or snapshots of the `share`
   * schedule ("Created for policy: policy-... schedule: <name>"), nothing else.
   */
  readonly descriptionRegex: string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const usesMode = (config: SnapshotDrConfig, mode: string) => config.sourceAccounts.some((account) => ebsModeOf(config, account) === mode);
const alternatives = (patterns: string[]) => (patterns.length === 1 ? patterns[0] : `(${patterns.join("|")})`);

export function transitCopyContract(config: SnapshotDrConfig): TransitCopyContract {
  const descriptionPrefix = `${config.namePrefix} DR transit copy of`;
  const shareScheduleName = `${config.namePrefix} DR shared snapshots`;
  const transitCopy = `${escapeRegex(descriptionPrefix)} snap-[0-9a-f]+ from [0-9]{12}`;
  const sharedSnapshot = `Created for policy: policy-[0-9a-f]+ schedule: ${escapeRegex(shareScheduleName)}`;
  return {
    selectionTagKey: `${config.namePrefix}:dr-selected`,
    selectionTagValue: "true",
    transitTagKey: `${config.namePrefix}:transit-copy`,
    transitTagValue: "true",
    descriptionPrefix,
    shareScheduleName,
    descriptionRegex: `^${alternatives([
      ...(usesMode(config, "reencrypt") ? [transitCopy] : []),
      ...(usesMode(config, "share") ? [sharedSnapshot] : []),
    ])}$`,
  };
}

export { transitCopyDescription } from "../source-account/snapshot-copier/transit-copy-description";
