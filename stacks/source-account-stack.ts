import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { Annotations } from "cdktf";
import {
  anyRegionViaService,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  backupPlanName,
  backupServiceRoleName,
  backupSourceKeyAliasName,
  backupSourceVaultName,
  ebsModeOf,
  kmsAAliasName,
  kmsBAliasArn,
  rdsCopierRoleName,
  rdsCopyContract,
  rdsSourceKeyAliasName,
  roleArn,
  snapshotCopierRoleName,
  sourceDlmRoleName,
  sourceStackName,
  transitCopyContract,
  viaService,
} from "../modules/config/naming";
import { SourceBackupPlan } from "../modules/backup/source-backup-plan";
import { airGappedCopyActions } from "../modules/backup/air-gapped-copy-action";
import { sourceBackupKeyPolicy } from "../modules/backup/source-backup-key-policy";
import { policyDocument, policyJson } from "../modules/iam/policy-document";
import { ServiceRole } from "../modules/iam/service-role";
import { CustomerManagedKey } from "../modules/kms/customer-managed-key";
import { EbsSnapshotPolicy } from "../modules/source-account/ebs-snapshot-policy";
import { scheduleOffsetMinutes } from "../modules/capacity/schedule-stagger";
import { requestQuotaIncreases } from "../modules/servicequotas/quota-increase-requests";
import { kmsAKeyPolicy, KmsAKeyPolicyProps, kmsASharingStatements } from "../modules/source-account/kms-a-key-policy";
import { RDS_SNAPSHOT_COPIER_ENTRY, rdsSnapshotCopierNames, rdsSnapshotCopierTriggers } from "../modules/source-account/rds-snapshot-copier-function";
import { rdsSnapshotCopierRolePolicy } from "../modules/source-account/rds-snapshot-copier-role-policy";
import { rdsSourceKeyPolicy } from "../modules/source-account/rds-source-key-policy";
import { snapshotCopierRolePolicy } from "../modules/source-account/snapshot-copier-role-policy";
import { EventDrivenFunction } from "../modules/lambda/event-driven-function";
import { SNAPSHOT_COPIER_ENTRY, snapshotCopierNames, snapshotCopierTriggers } from "../modules/source-account/snapshot-copier-function";
import { SnapshotDrStack } from "../modules/stack/snapshot-dr-stack";
import { SourceAccountMonitoring } from "../modules/monitoring/source-account-monitoring";

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

/**
 * A source account. In each of its regions a DLM policy snapshots the tagged volumes, then, by its EBS mode:
 * - `reencrypt` (docs/design.md §2a step 2): the snapshot copier re-encrypts each snapshot under the DR
 *   account's KMS-B (found by alias ARN) and shares the copy with the DR account;
 * - `share` (§2b, seed 000 steps 1 and 2): the policy shares each snapshot with the DR account, and the
 *   volumes' key (KMS-A, created here unless the configuration names existing keys) lets it use them.
 */
export class SourceAccountStack extends SnapshotDrStack {
  readonly snapshotPolicies = new Map<string, EbsSnapshotPolicy>();
  readonly automations = new Map<string, EventDrivenFunction>();
  readonly kmsA = new Map<string, CustomerManagedKey>();
  readonly rdsKeys = new Map<string, CustomerManagedKey>();
  readonly copierRole?: ServiceRole;
  readonly dlmRole: ServiceRole;

  constructor(scope: Construct, config: SnapshotDrConfig, account: SourceAccount) {
    super(scope, sourceStackName(account.id), { config, accountId: account.id, regions: account.regions });

    this.dlmRole = new ServiceRole(this, "dlm-role", {
      provider: this.homeProvider,
      roleName: sourceDlmRoleName(config),
      servicePrincipal: "dlm.amazonaws.com",
      description: "Runs the EBS snapshot policies whose snapshots are sent to the DR account",
      managedPolicyArns: [`arn:${config.partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`],
    });

    if (ebsModeOf(config, account) === "share") {
      this.shareSnapshots(config, account);
    } else {
      this.copierRole = this.reencryptSnapshots(config, account);
    }
    if (config.rds.enabled) this.copyRdsSnapshots(config, account);
    if (backupEnabledFor(config, account)) this.backUpToDrVault(config, account);
    requestQuotaIncreases(this, config, account.id);
    new SourceAccountMonitoring(this, "monitoring", { config, account });
  }

  /**
   * AWS Backup (seeds 002 and 003, source side): per region a vault under a key the DR account may use, and a
   * plan whose rules copy every recovery point into the DR vault (and optionally another region's vault).
   */
  private backUpToDrVault(config: SnapshotDrConfig, account: SourceAccount): void {
    const backup = config.backup;
    const drVault = backupDrVaultName(config);
    const sourceVault = backupSourceVaultName(config);
    let roleArnOfFirstPlan: string | undefined;
    for (const region of this.regions) {
      const key = new CustomerManagedKey(this, `backup-source-key-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix}: AWS Backup vault whose recovery points are copied to the DR account`,
        aliasName: backupSourceKeyAliasName(config),
        policy: sourceBackupKeyPolicy({ partition: config.partition, sourceAccountId: account.id, drAccountId: config.drAccount.id }),
      });
      const plan = new SourceBackupPlan(this, `backup-plan-${region}`, {
        provider: this.providerFor(region),
        partition: config.partition,
        accountId: account.id,
        region,
        planName: backupPlanName(config),
        vaultName: sourceVault,
        kmsKeyArn: key.key.arn,
        rules: backup.rules.map((rule) => ({
          ruleName: rule.name,
          schedule: rule.schedule,
          ...(rule.startWindowMinutes !== undefined ? { startWindowMinutes: rule.startWindowMinutes } : {}),
          ...(rule.completionWindowMinutes !== undefined ? { completionWindowMinutes: rule.completionWindowMinutes } : {}),
          lifecycle: rule.lifecycle,
          recoveryPointTags: { [`${config.namePrefix}:backup-rule`]: rule.name },
          copyActions: [
            {
              accountId: config.drAccount.id,
              region: backupDrVaultRegion(config, region),
              vaultName: drVault,
              lifecycle: rule.drCopyLifecycle ?? { deleteAfterDays: rule.lifecycle.deleteAfterDays },
              vaultLock: { minRetentionDays: backup.vaultLock.minRetentionDays, maxRetentionDays: backup.vaultLock.maxRetentionDays },
            },
            ...airGappedCopyActions(config, region, rule),
            ...(rule.copyToRegion && rule.copyToRegion.region !== region
              ? [{ accountId: account.id, region: rule.copyToRegion.region, vaultName: sourceVault, lifecycle: rule.copyToRegion.lifecycle ?? rule.lifecycle }]
              : []),
          ],
        })),
        selection: { by: "resources", resourceTypes: backup.selection.resourceTypes, requiredTags: backup.selection.tags },
        role: roleArnOfFirstPlan ? { kind: "existing", roleArn: roleArnOfFirstPlan } : { kind: "create", roleName: backupServiceRoleName(config) },
        rdsCrossRegionAndAccountSupported: backup.rdsCrossRegionAndAccountSupported,
      });
      roleArnOfFirstPlan ??= plan.roleArn;
    }
  }

  /**
   * RDS and Aurora (seed 004, source side): a custom key per region that the DR account may use through RDS,
   * and the RDS copier, which copies selected snapshots under it and shares the copies with the DR account.
   */
  private copyRdsSnapshots(config: SnapshotDrConfig, account: SourceAccount): void {
    const partition = config.partition;
    const names = rdsSnapshotCopierNames(config.namePrefix);
    const contract = rdsCopyContract(config);
    const role = new ServiceRole(this, "rds-snapshot-copier-role", {
      provider: this.homeProvider,
      roleName: rdsCopierRoleName(config),
      servicePrincipal: "lambda.amazonaws.com",
      description: "Copies DR-selected RDS and Aurora snapshots under the custom key and shares them with the DR account",
      inlinePolicies: {
        "rds-snapshot-copier": rdsSnapshotCopierRolePolicy({
          partition,
          sourceAccountId: account.id,
          regions: this.regions,
          rdsViaServices: this.regions.map((region) => viaService(config, "rds", region)),
          transitPrefix: contract.transitPrefix,
          transitTagKey: contract.transitTagKey,
          transitTagValue: contract.markerValue,
          functionNames: names,
        }),
      },
    });
    for (const region of this.regions) {
      const key = new CustomerManagedKey(this, `rds-source-key-${region}`, {
        provider: this.providerFor(region),
        description: `${config.namePrefix}: RDS and Aurora snapshot copies shared with the DR account`,
        aliasName: rdsSourceKeyAliasName(config),
        policy: rdsSourceKeyPolicy({
          partition,
          sourceAccountId: account.id,
          drAccountId: config.drAccount.id,
          rdsViaService: viaService(config, "rds", region),
        }),
      });
      this.rdsKeys.set(region, key);
      new EventDrivenFunction(this, `rds-snapshot-copier-${region}`, {
        provider: this.providerFor(region),
        partition,
        accountId: account.id,
        region,
        names,
        description: "Copies DR-selected RDS and Aurora snapshots under the custom key and shares them with the DR account",
        entry: RDS_SNAPSHOT_COPIER_ENTRY,
        triggers: rdsSnapshotCopierTriggers(names),
        roleArn: role.role.arn,
        dependsOn: role.inlinePolicyResources,
        environment: {
          DR_ACCOUNT_ID: config.drAccount.id,
          SOURCE_ACCOUNT_ID: account.id,
          RDS_KMS_KEY_ARN: key.key.arn,
          SELECTION_TAG_KEY: config.rds.selectionTag.key,
          SELECTION_TAG_VALUE: config.rds.selectionTag.value,
          TRANSIT_TAG_KEY: contract.transitTagKey,
          TRANSIT_TAG_VALUE: contract.markerValue,
          TRANSIT_RETENTION_HOURS: String(config.rds.transitCopyRetentionHours),
          TRANSIT_PREFIX: contract.transitPrefix,
        },
      });
    }
  }

  /** `share` mode: KMS-A per region (or existing keys) and a snapshot policy that shares with the DR account. */
  private shareSnapshots(config: SnapshotDrConfig, account: SourceAccount): void {
    const keyPolicyProps: KmsAKeyPolicyProps = {
      partition: config.partition,
      sourceAccountId: account.id,
      drAccountId: config.drAccount.id,
      sourceDlmRoleArn: roleArn(config, account.id, sourceDlmRoleName(config)),
      ec2AnyRegionViaService: anyRegionViaService(config, "ec2"),
    };
    const existingKeys = account.ebs.kmsKeyArns ?? {};
    for (const region of this.regions) {
      const existingKey = existingKeys[region];
      if (existingKey) {
        Annotations.of(this).addWarning(
          `${existingKey} is not managed here: add these statements to its key policy so that the DR account can copy the shared snapshots:\n` +
            policyJson(policyDocument(kmsASharingStatements(keyPolicyProps))),
        );
      } else {
        this.kmsA.set(
          region,
          new CustomerManagedKey(this, `kms-a-${region}`, {
            provider: this.providerFor(region),
            description: `${config.namePrefix} KMS-A: EBS volumes whose snapshots are shared with the DR account`,
            aliasName: kmsAAliasName(config),
            policy: kmsAKeyPolicy(keyPolicyProps),
            dependsOn: [this.dlmRole.role],
          }),
        );
      }
      this.snapshotPolicies.set(
        region,
        new EbsSnapshotPolicy(this, `snapshot-policy-${region}`, {
          provider: this.providerFor(region),
          description: `${config.namePrefix} snapshots shared with the DR account`,
          executionRoleArn: this.dlmRole.role.arn,
          targetTags: config.ebs.targetTags,
          schedule: config.ebs.schedule,
          startOffsetMinutes: scheduleOffsetMinutes(config, account.id),
          retainCount: config.ebs.retainCount,
          scheduleName: transitCopyContract(config).shareScheduleName,
          shareRule: {
            targetAccounts: [config.drAccount.id],
            unshareInterval: config.ebs.unshareAfter.interval,
            unshareIntervalUnit: config.ebs.unshareAfter.unit,
          },
        }),
      );
    }
  }

  /** `reencrypt` mode: a snapshot policy that marks snapshots for DR, and the snapshot copier in every region. */
  private reencryptSnapshots(config: SnapshotDrConfig, account: SourceAccount): ServiceRole {
    const partition = config.partition;
    const contract = transitCopyContract(config);
    const names = snapshotCopierNames(config.namePrefix);
    const copierRole = new ServiceRole(this, "snapshot-copier-role", {
      provider: this.homeProvider,
      roleName: snapshotCopierRoleName(config),
      servicePrincipal: "lambda.amazonaws.com",
      description: "Copies DR-selected snapshots under the DR account's KMS-B and shares the copies with it",
      inlinePolicies: {
        "snapshot-copier": snapshotCopierRolePolicy({
          partition,
          sourceAccountId: account.id,
          drAccountId: config.drAccount.id,
          regions: this.regions,
          ec2ViaServices: this.regions.map((region) => viaService(config, "ec2", region)),
          transitTagKey: contract.transitTagKey,
          transitTagValue: contract.transitTagValue,
          functionNames: names,
        }),
      },
    });

    for (const region of this.regions) {
      const provider = this.providerFor(region);
      this.snapshotPolicies.set(
        region,
        new EbsSnapshotPolicy(this, `snapshot-policy-${region}`, {
          provider,
          description: `${config.namePrefix} snapshots of volumes protected in the DR account`,
          executionRoleArn: this.dlmRole.role.arn,
          targetTags: config.ebs.targetTags,
          schedule: config.ebs.schedule,
          startOffsetMinutes: scheduleOffsetMinutes(config, account.id),
          retainCount: config.ebs.retainCount,
          tagsToAdd: { [contract.selectionTagKey]: contract.selectionTagValue },
        }),
      );
      this.automations.set(
        region,
        new EventDrivenFunction(this, `snapshot-copier-${region}`, {
          provider,
          partition,
          accountId: account.id,
          region,
          names,
          description: "Copies DR-selected EBS snapshots under the DR account's KMS-B and shares the copies with it",
          entry: SNAPSHOT_COPIER_ENTRY,
          triggers: snapshotCopierTriggers(names),
          roleArn: copierRole.role.arn,
          dependsOn: copierRole.inlinePolicyResources,
          environment: {
            DR_ACCOUNT_ID: config.drAccount.id,
            SOURCE_ACCOUNT_ID: account.id,
            KMS_B_ALIAS_ARN: kmsBAliasArn(config, region),
            SELECTION_TAG_KEY: contract.selectionTagKey,
            SELECTION_TAG_VALUE: contract.selectionTagValue,
            TRANSIT_TAG_KEY: contract.transitTagKey,
            TRANSIT_TAG_VALUE: contract.transitTagValue,
            DESCRIPTION_PREFIX: contract.descriptionPrefix,
            TRANSIT_RETENTION_HOURS: String(config.ebs.transitCopyRetentionHours),
          },
        }),
      );
    }
    return copierRole;
  }
}
