import type { SnapshotDrConfig } from "../config/load-config";
import { backupAirGappedVaultExists, backupAirGappedVaultName, backupDrVaultRegion } from "../config/naming";
import type { BackupCopyDestination } from "./source-backup-plan";

type BackupRule = SnapshotDrConfig["backup"]["rules"][number];

/**
 * Whether the source plans copy into the DR account's logically air-gapped vault: the vault exists
 * (`drAccount.protection.airGappedVault.enabled`, some account backs up) and `copyFromPlans` is not switched off.
 */
export const plansCopyToAirGappedVault = (config: SnapshotDrConfig) =>
  backupAirGappedVaultExists(config) && config.drAccount.protection.airGappedVault.copyFromPlans;

/** The lifecycle of a rule's copies in the DR account: `drCopyLifecycle`, else the source's retention (never cold storage). */
export const drCopyLifecycleOf = (rule: BackupRule) => rule.drCopyLifecycle ?? { deleteAfterDays: rule.lifecycle.deleteAfterDays };

/**
 * The copy action of a source backup rule into the air-gapped vault, next to its copy into the DR vault: same DR
 * region (the DR vault's region for `sourceRegion`), same lifecycle; none when the plans do not copy there.
 *
 * AWS Backup Developer Guide, "Logically air-gapped vault": a plan copies into such a vault like into any vault, by
 * a copy action whose destination is the vault's ARN (`arn:<partition>:backup:<region>:<account>:backup-vault:<name>`,
 * CopyAction.DestinationBackupVaultArn); a copy into another account of the organization is a cross-account copy
 * ("Creating backup copies across AWS accounts": same organization, the destination vault's access policy allows
 * `backup:CopyIntoBackupVault`, which the air-gapped vault's policy does for the accounts that back up). The vault
 * is locked in compliance mode with the configured minimum and maximum retention ("AWS Backup Vault Lock": a copy
 * job whose retention is outside them fails), so the destination carries that range and SourceBackupPlan checks it.
 */
export function airGappedCopyActions(config: SnapshotDrConfig, sourceRegion: string, rule: BackupRule): BackupCopyDestination[] {
  if (!plansCopyToAirGappedVault(config)) return [];
  const vault = config.drAccount.protection.airGappedVault;
  return [
    {
      accountId: config.drAccount.id,
      region: backupDrVaultRegion(config, sourceRegion),
      vaultName: backupAirGappedVaultName(config),
      lifecycle: drCopyLifecycleOf(rule),
      vaultLock: { minRetentionDays: vault.minRetentionDays, maxRetentionDays: vault.maxRetentionDays },
    },
  ];
}
