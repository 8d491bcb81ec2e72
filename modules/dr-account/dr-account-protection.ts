import { EbsSnapshotBlockPublicAccess } from "@cdktf/provider-aws/lib/ebs-snapshot-block-public-access";
import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../config/load-config";
import { backupAirGappedVaultName, backupEnabledFor, breakGlassRoleArnOf, roleArn } from "../config/naming";
import { ServiceRole } from "../iam/service-role";
import { EventDrivenFunction } from "../lambda/event-driven-function";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { AirGappedVault } from "./air-gapped-vault";
import { LockedRecycleBinRule } from "./locked-recycle-bin-rule";
import { retentionLowerBoundDays } from "./snapshot-lock/lock-plan";
import { SNAPSHOT_LOCK_ENTRY, snapshotLockNames, snapshotLockRoleName, snapshotLockTriggers } from "./snapshot-lock-function";
import { snapshotLockRolePolicy } from "./snapshot-lock-role-policy";

/**
 * `block-all-sharing` blocks public sharing only: "Prevents all public sharing of snapshots in the Region ...
 * snapshots that are already publicly shared are treated as private" (EC2 API, EnableSnapshotBlockPublicAccess).
 * Sharing with given accounts (the source accounts' shares to the DR account, createVolumePermission by user ID)
 * is not public sharing and keeps working.
 */
export const BLOCK_ALL_PUBLIC_SHARING = "block-all-sharing";

/**
 * The DR account's locks on its own copies (issue 12, "Locked copies"), in every region of the DR stack:
 * - a locked Region-level Recycle Bin rule for EBS snapshots (copy regions, and the source regions where the
 *   RDS importer and the shared snapshots are);
 * - EBS snapshot block public access, all public sharing blocked;
 * - in the copy regions, where DLM's copies land, the snapshot lock function.
 * RDS snapshots have no lock outside AWS Backup: the DR organization's guardrail SCPs protect them.
 */
export class DrAccountProtection extends Construct {
  readonly recycleBinRules = new Map<string, LockedRecycleBinRule>();
  readonly blockPublicAccess = new Map<string, EbsSnapshotBlockPublicAccess>();
  readonly lockFunctions = new Map<string, EventDrivenFunction>();
  readonly lockRole?: ServiceRole;
  readonly airGappedVaults = new Map<string, AirGappedVault>();

  constructor(stack: SnapshotDrStack, id: string, config: SnapshotDrConfig) {
    super(stack, id);
    const dr = config.drAccount;
    const protection = dr.protection;

    for (const region of stack.regions) {
      const provider = stack.providerFor(region);
      if (protection.recycleBin.enabled) {
        this.recycleBinRules.set(
          region,
          new LockedRecycleBinRule(this, `recycle-bin-${region}`, {
            provider,
            description: `${config.namePrefix}: deleted DR snapshots stay recoverable (locked rule)`,
            retentionDays: protection.recycleBin.retentionDays,
            unlockDelayDays: protection.recycleBin.unlockDelayDays,
          }),
        );
      }
      if (protection.blockPublicSharing) {
        this.blockPublicAccess.set(region, new EbsSnapshotBlockPublicAccess(this, `block-public-sharing-${region}`, { provider, state: BLOCK_ALL_PUBLIC_SHARING }));
      }
    }

    // AWS Backup only: a logically air-gapped vault per copy region, open to the accounts that back up.
    const backupAccounts = config.sourceAccounts.filter((account) => backupEnabledFor(config, account)).map((account) => account.id);
    if (protection.airGappedVault.enabled && backupAccounts.length > 0) {
      for (const region of dr.copyRegions) {
        this.airGappedVaults.set(
          region,
          new AirGappedVault(this, `air-gapped-vault-${region}`, {
            provider: stack.providerFor(region),
            partition: config.partition,
            vaultName: backupAirGappedVaultName(config),
            minRetentionDays: protection.airGappedVault.minRetentionDays,
            maxRetentionDays: protection.airGappedVault.maxRetentionDays,
            copySources: { kind: "accounts", accountIds: backupAccounts, organizationId: dr.organizationId },
            // The same Deny as the DR vault: only the deploy role and the break-glass role may change it.
            recoveryPointProtection: { deployRoleArn: roleArn(config, dr.id, config.deployRoleName), ...(breakGlassRoleArnOf(config) ? { breakGlassRoleArn: breakGlassRoleArnOf(config) } : {}) },
          }),
        );
      }
    }

    const lock = protection.snapshotLock;
    if (!lock.enabled) return;
    const retentionDays = retentionLowerBoundDays(dr.copyRetention.interval, dr.copyRetention.unit);
    this.node.addValidation({
      validate: () =>
        retentionDays - lock.endBeforeExpiryDays >= 1
          ? []
          : [
              `drAccount.copyRetention (${dr.copyRetention.interval} ${dr.copyRetention.unit}) must exceed drAccount.protection.snapshotLock.endBeforeExpiryDays (${lock.endBeforeExpiryDays}) by at least a day: a snapshot lock lasts at least 1 day and must end before DLM expires the copy`,
            ],
    });
    const names = snapshotLockNames(config.namePrefix);
    const role = new ServiceRole(this, "snapshot-lock-role", {
      provider: stack.homeProvider,
      roleName: snapshotLockRoleName(config.namePrefix),
      servicePrincipal: "lambda.amazonaws.com",
      description: "Locks the DR account's DLM copies until shortly before DLM expires them",
      inlinePolicies: {
        "snapshot-lock": snapshotLockRolePolicy({ partition: config.partition, drAccountId: dr.id, regions: dr.copyRegions, functionNames: names }),
      },
    });
    this.lockRole = role;
    for (const region of dr.copyRegions) {
      this.lockFunctions.set(
        region,
        new EventDrivenFunction(this, `snapshot-lock-${region}`, {
          provider: stack.providerFor(region),
          partition: config.partition,
          accountId: dr.id,
          region,
          names,
          description: "Locks the DR account's DLM copies until shortly before DLM expires them",
          entry: SNAPSHOT_LOCK_ENTRY,
          triggers: snapshotLockTriggers(names),
          roleArn: role.role.arn,
          dependsOn: role.inlinePolicyResources,
          environment: {
            DR_ACCOUNT_ID: dr.id,
            LOCK_MODE: lock.mode,
            ...(lock.coolOffHours !== undefined ? { COOL_OFF_HOURS: String(lock.coolOffHours) } : {}),
            RETENTION_DAYS: String(retentionDays),
            END_BEFORE_EXPIRY_DAYS: String(lock.endBeforeExpiryDays),
          },
        }),
      );
    }
  }
}
