import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { DrBackupVault } from "../modules/backup/dr-backup-vault";
import type { CopySources } from "../modules/backup/dr-backup-vault-access-policy";
import { drVaultLockOf } from "../modules/backup/dr-vault-lock-settings";
import {
  anyAccountRoleArnPattern,
  anyRegionViaService,
  backupDrKeyAliasName,
  backupDrVaultName,
  backupEnabledFor,
  breakGlassRoleArnOf,
  drDlmRoleName,
  drStackName,
  ebsModeOf,
  kmsBAliasName,
  kmsCAliasName,
  rdsCopyContract,
  rdsDrKeyAliasName,
  rdsImporterRoleName,
  roleArn,
  snapshotCopierRoleName,
  transitCopyContract,
  viaService,
} from "../modules/config/naming";
import { EventDrivenFunction } from "../modules/lambda/event-driven-function";
import { RDS_SNAPSHOT_IMPORTER_ENTRY, rdsSnapshotImporterNames, rdsSnapshotImporterTriggers } from "../modules/dr-account/rds-snapshot-importer-function";
import { rdsSnapshotImporterRolePolicy } from "../modules/dr-account/rds-snapshot-importer-role-policy";
import { RdsImporterQuotaAlarm } from "../modules/dr-account/rds-importer-quota-alarm";
import { CrossAccountCopyEventPolicy, MAX_SNAPSHOT_OWNERS_PER_POLICY } from "../modules/dr-account/cross-account-copy-event-policy";
import { dlmKeyUsePolicy } from "../modules/dr-account/dlm-key-use-policy";
import { kmsBKeyPolicy } from "../modules/dr-account/kms-b-key-policy";
import { kmsCKeyPolicy } from "../modules/dr-account/kms-c-key-policy";
import { DrAccountProtection } from "../modules/dr-account/dr-account-protection";
import { DrAccountMonitoring } from "../modules/dr-account/dr-account-monitoring";
import { AlarmTopic } from "../modules/monitoring/alarm-topic";
import { ServiceRole } from "../modules/iam/service-role";
import { CustomerManagedKey } from "../modules/kms/customer-managed-key";
import { SnapshotDrStack } from "../modules/stack/snapshot-dr-stack";
import { requestQuotaIncreases } from "../modules/servicequotas/quota-increase-requests";

/** The source accounts of each region (all, or those of one EBS mode), in a stable order: region → account IDs. */
export function sourceAccountsByRegion(config: SnapshotDrConfig, mode?: "reencrypt" | "share"): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const account of config.sourceAccounts) {
    if (mode !== undefined && ebsModeOf(config, account) !== mode) continue;
    for (const region of account.regions) byRegion.set(region, [...(byRegion.get(region) ?? []), account.id]);
  }
  return new Map([...byRegion.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([region, ids]) => [region, ids.sort()]));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

const outputId = (name: string, region: string) => `${name}_${region.replace(/-/g, "_")}`;

/**
 * The DR account (docs/design.md §2a steps 1 and 3): KMS-B where source accounts copy, KMS-C where the DR
 * account keeps its own copies, the cross-account copy event policies that take ownership of what the
 * sources share, and the DLM role that runs them.
 */
export class DrAccountStack extends SnapshotDrStack {
  readonly kmsB = new Map<string, CustomerManagedKey>();
  readonly kmsC = new Map<string, CustomerManagedKey>();
  readonly copyEventPolicies: CrossAccountCopyEventPolicy[] = [];
  readonly dlmRole: ServiceRole;
  readonly rdsKeys = new Map<string, CustomerManagedKey>();
  /** Locked copies: Recycle Bin, block public sharing, snapshot lock (issue 12). */
  readonly protection: DrAccountProtection;

  constructor(scope: Construct, config: SnapshotDrConfig) {
    const dr = config.drAccount;
    const sourcesByRegion = sourceAccountsByRegion(config);
    const sourceRegions = [...sourcesByRegion.keys()];
    super(scope, drStackName(dr.id), {
      config,
      accountId: dr.id,
      regions: [...dr.copyRegions, ...sourceRegions.filter((region) => !dr.copyRegions.includes(region))],
    });
    const partition = config.partition;
    const organizationOf = new Map(config.sourceAccounts.map((account) => [account.id, account.organizationId]));

    for (const region of dr.copyRegions) {
      const key = new CustomerManagedKey(this, `kms-c-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix} KMS-C: the DR account's own snapshot copies (internal only)`,
        aliasName: kmsCAliasName(config),
        policy: kmsCKeyPolicy({ partition, drAccountId: dr.id }),
      });
      this.kmsC.set(region, key);
      new TerraformOutput(this, outputId("kms_c_key_arn", region), { value: key.key.arn });
      new TerraformOutput(this, outputId("kms_c_alias_arn", region), { value: key.alias.arn });
    }

    for (const [region, accountIds] of sourceAccountsByRegion(config, "reencrypt")) {
      const key = new CustomerManagedKey(this, `kms-b-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix} KMS-B: source accounts copy their snapshots under it for the DR account`,
        aliasName: kmsBAliasName(config),
        policy: kmsBKeyPolicy({
          partition,
          drAccountId: dr.id,
          sourceOrganizationIds: [...new Set(accountIds.map((id) => organizationOf.get(id) as string))],
          ec2ViaService: viaService(config, "ec2", region),
          copierRoleArnPattern: anyAccountRoleArnPattern(config, snapshotCopierRoleName(config)),
          lockDown: dr.kmsB.lockDown,
        }),
      });
      this.kmsB.set(region, key);
      new TerraformOutput(this, outputId("kms_b_key_arn", region), { value: key.key.arn });
      new TerraformOutput(this, outputId("kms_b_alias_arn", region), { value: key.alias.arn });
    }

    // `share` mode: DLM copies snapshots encrypted under the source accounts' keys (their key policies decide).
    const sharing = sourceAccountsByRegion(config, "share");
    const sharedSourceKeys = {
      organizationIds: [...sharing.values()].flat().map((id) => organizationOf.get(id) as string),
      ec2ViaServices: [...sharing.keys()].map((region) => viaService(config, "ec2", region)),
    };
    this.dlmRole = new ServiceRole(this, "dlm-role", {
      provider: this.homeProvider,
      roleName: drDlmRoleName(config),
      servicePrincipal: "dlm.amazonaws.com",
      description: "Runs the cross-account copy event policies that copy shared DR snapshots under KMS-C",
      managedPolicyArns: [`arn:${partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`],
      inlinePolicies: {
        "copy-keys": dlmKeyUsePolicy({ partition, drAccountId: dr.id, drKeyAliasNames: [kmsBAliasName(config), kmsCAliasName(config)], sourceKeys: sharedSourceKeys, ec2AnyRegionViaService: anyRegionViaService(config, "ec2") }),
      },
    });

    const { descriptionRegex } = transitCopyContract(config);
    const copyTargets = dr.copyRegions.map((region) => ({ region, kmsKeyArn: this.kmsC.get(region)!.key.arn }));
    for (const [region, accountIds] of sourcesByRegion) {
      const parts = chunks(accountIds, MAX_SNAPSHOT_OWNERS_PER_POLICY);
      parts.forEach((owners, index) => {
        const policy = new CrossAccountCopyEventPolicy(this, `copy-event-policy-${region}-${index + 1}`, {
          region,
          provider: this.providerFor(region),
          description: `${config.namePrefix} copy shared DR snapshots ${region} part ${index + 1} of ${parts.length}`,
          executionRoleArn: this.dlmRole.role.arn,
          snapshotOwners: owners,
          descriptionRegex,
          copyTargets,
          retainRule: { interval: dr.copyRetention.interval, unit: dr.copyRetention.unit },
        });
        this.copyEventPolicies.push(policy);
        new TerraformOutput(this, outputId(`dlm_copy_policy_id_part_${index + 1}`, region), { value: policy.policy.id });
      });
    }

    if (config.rds.enabled) this.importRdsSnapshots(config, sourcesByRegion);
    const backupAccounts = config.sourceAccounts.filter((account) => backupEnabledFor(config, account));
    if (backupAccounts.length > 0) this.receiveBackupCopies(config, backupAccounts.map((account) => account.id));
    requestQuotaIncreases(this, config, dr.id);
    this.protection = new DrAccountProtection(this, "protection", config);
    new DrAccountMonitoring(this, "monitoring", { config, copyEventPolicies: this.copyEventPolicies });

    // A snapshot is shared in its source region, and only an event policy of that region sees the share.
    this.node.addValidation({
      validate: () => {
        const covered = new Set(this.copyEventPolicies.flatMap((p) => p.snapshotOwners.map((owner) => `${p.region}/${owner}`)));
        return config.sourceAccounts.flatMap((account) =>
          account.regions
            .filter((region) => !covered.has(`${region}/${account.id}`))
            .map((region) => `Source account ${account.id} shares snapshots in ${region}, but no cross-account copy event policy of ${region} lists it: the source and target policies must be in the same Region`),
        );
      },
    });
  }

  /**
   * AWS Backup (seeds 002 and 003, DR side): in every copy region a vault (never the default one) under a DR
   * key, open to copies from the source accounts that back up (or listed OUs, or the organization when asked for),
   * locked with a maximum retention, protected by a Deny, and reporting copy jobs.
   */
  private receiveBackupCopies(config: SnapshotDrConfig, backupAccountIds: readonly string[]): void {
    const backup = config.backup;
    const dr = config.drAccount;
    const copySources: CopySources =
      backup.copySources.type === "organization"
        ? { kind: "organizations", organizationIds: [dr.organizationId] }
        : backup.copySources.type === "organizationalUnits"
          ? { kind: "organizationalUnits", orgPaths: backup.copySources.orgPaths }
          : { kind: "accounts", accountIds: backupAccountIds, organizationId: dr.organizationId };
    const lock = drVaultLockOf(backup);
    const breakGlassRoleArn = breakGlassRoleArnOf(config);
    for (const region of dr.copyRegions) {
      const key = new CustomerManagedKey(this, `backup-dr-key-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix}: the DR account's backup vault (internal only)`,
        aliasName: backupDrKeyAliasName(config),
        policy: kmsCKeyPolicy({ partition: config.partition, drAccountId: dr.id }),
      });
      const vault = new DrBackupVault(this, `backup-vault-${region}`, {
        provider: this.providerFor(region),
        partition: config.partition,
        accountId: dr.id,
        vaultName: backupDrVaultName(config),
        kmsKeyArn: key.key.arn,
        copySources,
        lock,
        // Terraform itself must still be able to update the vault's policy, lock and notifications.
        recoveryPointProtection: { deployRoleArn: roleArn(config, dr.id, config.deployRoleName), ...(breakGlassRoleArn ? { breakGlassRoleArn } : {}) },
        notifications: backup.notifications ? { topic: AlarmTopic.of(this, region) } : false,
      });
      new TerraformOutput(this, outputId("backup_vault_arn", region), { value: vault.vault.arn });
    }
  }

  /**
   * RDS and Aurora (seed 004, DR side): in every region where source accounts share, a DR key of its own and
   * the importer, which copies the shared snapshots under it (and to a copy region under KMS-C) so that the
   * DR account owns them. An encrypted shared snapshot is copied in its own region first.
   */
  private importRdsSnapshots(config: SnapshotDrConfig, sourcesByRegion: ReadonlyMap<string, string[]>): void {
    const dr = config.drAccount;
    const names = rdsSnapshotImporterNames(config.namePrefix);
    const contract = rdsCopyContract(config);
    const secondaryOf = (region: string) =>
      config.rds.copyToSecondaryRegion ? dr.copyRegions.find((copyRegion) => copyRegion !== region) : undefined;
    const role = new ServiceRole(this, "rds-snapshot-importer-role", {
      provider: this.homeProvider,
      roleName: rdsImporterRoleName(config),
      servicePrincipal: "lambda.amazonaws.com",
      description: "Copies RDS and Aurora snapshots shared by the source accounts into DR-owned copies",
      inlinePolicies: {
        "rds-snapshot-importer": rdsSnapshotImporterRolePolicy({
          partition: config.partition,
          drAccountId: dr.id,
          sourceOrganizationIds: [...new Set(config.sourceAccounts.map((account) => account.organizationId))],
          rdsViaService: (region) => viaService(config, "rds", region),
          importPrefix: contract.importPrefix,
          importTagKey: contract.importTagKey,
          importTagValue: contract.markerValue,
          functionNames: names,
        }),
      },
    });
    for (const [region, accountIds] of sourcesByRegion) {
      const key = new CustomerManagedKey(this, `rds-dr-key-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix}: the DR account's own RDS and Aurora snapshot copies (internal only)`,
        aliasName: rdsDrKeyAliasName(config),
        policy: kmsCKeyPolicy({ partition: config.partition, drAccountId: dr.id }),
      });
      this.rdsKeys.set(region, key);
      const secondary = secondaryOf(region);
      const importer = new EventDrivenFunction(this, `rds-snapshot-importer-${region}`, {
        provider: this.providerFor(region),
        partition: config.partition,
        accountId: dr.id,
        region,
        names,
        description: "Copies RDS and Aurora snapshots shared by the source accounts into DR-owned copies",
        entry: RDS_SNAPSHOT_IMPORTER_ENTRY,
        triggers: rdsSnapshotImporterTriggers(names),
        roleArn: role.role.arn,
        dependsOn: role.inlinePolicyResources,
        timeoutSeconds: 900,
        // Lambda allows 4 KB of environment in all: the accounts of a region go into the package.
        extraFiles: [{ name: "source-account-ids.txt", data: Buffer.from(`${accountIds.join(",")}\n`) }],
        environment: {
          DR_ACCOUNT_ID: dr.id,
          SOURCE_ACCOUNT_IDS_FILE: "source-account-ids.txt",
          DR_KMS_KEY_ARN: key.key.arn,
          ...(secondary ? { SECONDARY_REGION: secondary, SECONDARY_KMS_KEY_ARN: this.kmsC.get(secondary)!.key.arn } : {}),
          RETENTION_DAYS: String(config.rds.retentionDays),
          IMPORT_TAG_KEY: contract.importTagKey,
          IMPORT_TAG_VALUE: contract.markerValue,
          IMPORT_PREFIX: contract.importPrefix,
          SOURCE_TRANSIT_PREFIX: contract.transitPrefix,
        },
      });
      new RdsImporterQuotaAlarm(this, `rds-snapshot-importer-quota-${region}`, { provider: this.providerFor(region), region, namePrefix: config.namePrefix, dependsOn: [importer.function] });
    }
  }
}
