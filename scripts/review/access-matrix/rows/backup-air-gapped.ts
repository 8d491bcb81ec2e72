import { plansCopyToAirGappedVault } from "../../../../modules/backup/air-gapped-copy-action";
import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import {
  backupAirGappedVaultExists,
  backupAirGappedVaultName,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  backupServiceRoleName,
  orgStackName,
} from "../../../../modules/config/naming";
import { type SynthesizedApp, type SynthesizedStack } from "../../synthesized-stacks";
import { SAMPLE_RECOVERY_POINT_ID } from "../calls";
import { standIn } from "../policies";
import { byId, helpers, sorted, unusedRegion } from "../row-helpers";
import { Flow, PolicyRef, RowSpec } from "../types";
import { drAdministratorVaultMisuses, outsiderCopiesIn, unlistedAccountCopiesIn } from "./vault-misuses";

/** The access policy of the air-gapped vault in a region (its `backup_vault_name` refers to that vault). */
export function airGappedVaultPolicy(stack: SynthesizedStack, region: string): PolicyRef {
  const policies = stack
    .resources("aws_backup_vault_policy")
    .filter((entry) => stack.regionOf("aws_backup_vault_policy", entry.id) === region && String(entry.body.backup_vault_name).startsWith("${aws_backup_logically_air_gapped_vault."));
  if (policies.length !== 1) throw new Error(`Stack ${stack.name}: expected one air-gapped vault policy in ${region}, found ${policies.length}`);
  const entry = policies[0];
  return {
    source: { kind: "resource", stack: stack.name, address: `aws_backup_vault_policy.${entry.id}`, label: `air-gapped vault access policy (${region})` },
    document: stack.parsePolicy(entry.body.policy, `aws_backup_vault_policy.${entry.id}.policy`),
  };
}

/**
 * The DR account's logically air-gapped vaults (drAccount.protection.airGappedVault), in the backup flow: with
 * `copyFromPlans`, the source backup role copies into the vault of its DR region and the copy guardrail SCP lets
 * the copy name it as a target; whenever the vaults exist, an account the configuration does not list, a principal
 * of another organization and a DR administrator (its IAM allows everything) are refused by the vault's policy and
 * the DR organization's guardrail SCPs, which also refuse sharing the vault through AWS RAM. No rows without the vaults.
 */
export function airGappedVaultRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  if (!backupAirGappedVaultExists(config)) return [];
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "backup";
  const accounts = config.sourceAccounts.filter((a) => backupEnabledFor(config, a)).sort(byId);
  const vaultArn = (region: string, name = backupAirGappedVaultName(config)) => `arn:${partition}:backup:${region}:${dr.id}:backup-vault:${name}`;
  const recoveryPoint = (region: string, account: string) => `arn:${partition}:backup:${region}:${account}:recovery-point:${SAMPLE_RECOVERY_POINT_ID}`;
  const backupRoleStandIn = standIn("AWS managed AWSBackupServiceRolePolicyForBackup (not in the synthesized JSON)");
  const rows: RowSpec[] = [];

  if (plansCopyToAirGappedVault(config)) {
    for (const account of accounts) {
      const role = h.role(account.id, backupServiceRoleName(config));
      const managed = app.source(account.id).managedPolicyArns(backupServiceRoleName(config));
      for (const region of sorted(account.regions)) {
        const vaultRegion = backupDrVaultRegion(config, region);
        const call = { flow, category: "call" as const, principal: role, identity: [backupRoleStandIn], notEvaluated: managed, expected: "Allowed" as const };
        rows.push({
          ...call,
          description: `AWS Backup in ${account.id} copies a recovery point from ${region} into the air-gapped vault in ${vaultRegion}`,
          action: "backup:CopyIntoBackupVault",
          resource: vaultArn(vaultRegion),
          resourceLabel: `air-gapped vault ${vaultRegion} (${dr.id})`,
          resourceAccount: dr.id,
          context: h.principalContext(role, account.organizationId),
          resourcePolicy: airGappedVaultPolicy(drStack, vaultRegion),
        });
        rows.push({
          ...call,
          description: `AWS Backup in ${account.id} starts copying a recovery point of ${region} to the DR vault and the air-gapped vault in ${vaultRegion} (the copy guardrail allows both)`,
          action: "backup:CopyFromBackupVault",
          resource: recoveryPoint(region, account.id),
          resourceLabel: `recovery point ${region} (${account.id})`,
          resourceAccount: account.id,
          context: { ...h.principalContext(role, account.organizationId), "backup:CopyTargets": [vaultArn(vaultRegion, backupDrVaultName(config)), vaultArn(vaultRegion)] },
        });
      }
    }
    if (config.backup.guardrails.restrictCopyTargets) {
      const account = accounts[0];
      const role = h.role(account.id, backupServiceRoleName(config));
      const region = sorted(account.regions)[0];
      const notCopyRegion = unusedRegion(config, [...dr.copyRegions, ...config.backup.rules.flatMap((rule) => (rule.copyToRegion ? [rule.copyToRegion.region] : []))]);
      rows.push({
        flow,
        category: "misuse",
        misuse: "wrong-region",
        description: `${account.id} copies a recovery point to an air-gapped vault of that name in ${notCopyRegion}, not a copy region`,
        principal: role,
        action: "backup:CopyFromBackupVault",
        resource: recoveryPoint(region, account.id),
        resourceLabel: `recovery point ${region} (${account.id})`,
        resourceAccount: account.id,
        context: { ...h.principalContext(role, account.organizationId), "backup:CopyTargets": [vaultArn(notCopyRegion)] },
        identity: [backupRoleStandIn],
        notEvaluated: app.source(account.id).managedPolicyArns(backupServiceRoleName(config)),
        expected: "Denied",
      });
    }
  }

  for (const region of sorted(dr.copyRegions)) {
    const base = {
      flow,
      category: "misuse" as const,
      resource: vaultArn(region),
      resourceLabel: `air-gapped vault ${region} (${dr.id})`,
      resourceAccount: dr.id,
      resourcePolicy: airGappedVaultPolicy(drStack, region),
      expected: "Denied" as const,
    };
    const vault = `the air-gapped vault in ${region}`;
    rows.push(unlistedAccountCopiesIn(h, base, backupServiceRoleName(config), vault), outsiderCopiesIn(h, base, backupServiceRoleName(config), vault));
    // The vault's Deny and the DR organization's guardrails: a DR administrator keeps its hands off.
    rows.push(
      ...drAdministratorVaultMisuses(h, base, vault, { arn: recoveryPoint(region, dr.id), label: `air-gapped recovery point ${region} (${dr.id})` }, [
        ["backup:DeleteBackupVault", "deletes", "delete-copies"],
        ["backup:DeleteBackupVaultAccessPolicy", "deletes the access policy of", "policy-change"],
      ]),
    );
  }
  // The DR organization's guardrail: no RAM share of the vault (the account it is shared with may restore from it).
  if (dr.guardrails.enabled && app.stacks.has(orgStackName(dr.organizationId))) {
    const admin = h.admin(dr.id);
    for (const region of sorted(dr.copyRegions)) {
      rows.push({
        flow,
        category: "misuse",
        misuse: "share-out",
        description: `an administrator of the DR account (its IAM allows everything) shares the air-gapped vault in ${region} through AWS RAM`,
        principal: admin,
        action: "ram:CreateResourceShare",
        resource: "*",
        resourceLabel: `RAM share of the air-gapped vault ${region} (${dr.id})`,
        resourceAccount: dr.id,
        context: { ...h.principalContext(admin, dr.organizationId), "ram:ResourceArn": vaultArn(region) },
        identity: [standIn("a DR account administrator whose IAM allows everything")],
        expected: "Denied",
      });
    }
  }
  return rows;
}
