import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { backupDrKeyAliasName, backupDrVaultName, backupDrVaultRegion, backupEnabledFor, backupServiceRoleName, backupSourceKeyAliasName, viaService } from "../../../../modules/config/naming";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { BACKUP_COPY_FROM_KEY, SAMPLE_RECOVERY_POINT_ID } from "../calls";
import { keyPolicy, standIn, vaultPolicy } from "../policies";
import { byId, drAdministrator, helpers, keyAdministrationMisuses, sorted, unusedRegion } from "../row-helpers";
import { Flow, RowSpec } from "../types";
import { airGappedVaultRows } from "./backup-air-gapped";
import { drAdministratorVaultMisuses, outsiderCopiesIn, unlistedAccountCopiesIn } from "./vault-misuses";

export function backupRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "backup";
  const backup = config.backup;
  const accounts = config.sourceAccounts.filter((a) => backupEnabledFor(config, a)).sort(byId);
  const drVaultName = backupDrVaultName(config);
  const sourceKeyAlias = backupSourceKeyAliasName(config);
  const vaultArn = (region: string, account = dr.id, name = drVaultName) => `arn:${partition}:backup:${region}:${account}:backup-vault:${name}`;
  const recoveryPoint = (region: string, account: string) => `arn:${partition}:backup:${region}:${account}:recovery-point:${SAMPLE_RECOVERY_POINT_ID}`;
  const backupSlr = `arn:${partition}:iam::${dr.id}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
  const copySources = backup.copySources;
  /** Where the accounts allowed to copy in sit: a configured OU path (its trailing `*` taken as the OU itself). */
  const listedOrgPath = copySources.type === "organizationalUnits" ? copySources.orgPaths[0].replace(/\*$/, "") : undefined;
  const orgPathsOf = (organizationId: string, listed: boolean): Record<string, string[]> =>
    listedOrgPath === undefined ? {} : { "aws:PrincipalOrgPaths": [listed ? listedOrgPath : `${organizationId}/r-zz99/ou-zz99-99999999/`] };
  const rows: RowSpec[] = [];
  const backupRoleStandIn = standIn("AWS managed AWSBackupServiceRolePolicyForBackup (not in the synthesized JSON)");
  const managedOf = (account: string) => {
    const stack = app.source(account);
    return stack.managedPolicyArns(backupServiceRoleName(config));
  };

  for (const account of accounts) {
    const stack = app.source(account.id);
    const role = h.role(account.id, backupServiceRoleName(config));
    for (const region of sorted(account.regions)) {
      const vaultRegion = backupDrVaultRegion(config, region);
      rows.push({
        flow,
        category: "call",
        description: `AWS Backup in ${account.id} copies a recovery point from ${region} into the DR vault in ${vaultRegion}`,
        principal: role,
        action: "backup:CopyIntoBackupVault",
        resource: vaultArn(vaultRegion),
        resourceLabel: `DR vault ${vaultRegion} (${dr.id})`,
        resourceAccount: dr.id,
        context: { ...h.principalContext(role, account.organizationId), ...orgPathsOf(account.organizationId, true) },
        identity: [backupRoleStandIn],
        resourcePolicy: vaultPolicy(drStack, vaultRegion),
        notEvaluated: managedOf(account.id),
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `AWS Backup in ${account.id} starts copying a recovery point of ${region} to the DR vault in ${vaultRegion}`,
        principal: role,
        action: "backup:CopyFromBackupVault",
        resource: recoveryPoint(region, account.id),
        resourceLabel: `recovery point ${region} (${account.id})`,
        resourceAccount: account.id,
        context: { ...h.principalContext(role, account.organizationId), "backup:CopyTargets": [vaultArn(vaultRegion)] },
        identity: [backupRoleStandIn],
        notEvaluated: managedOf(account.id),
        expected: "Allowed",
      });
      const sourceKey = keyPolicy(stack, sourceKeyAlias, region, "source backup");
      for (const action of BACKUP_COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `AWS Backup of the DR account reads a ${account.id} recovery point encrypted under its backup key in ${region}`,
          principal: backupSlr,
          action,
          resource: stack.keyArn(sourceKeyAlias, region),
          resourceLabel: `backup key ${region} (${account.id})`,
          resourceAccount: account.id,
          context: h.kmsContext(backupSlr, action, viaService(config, "backup", region)),
          identity: [standIn("AWS managed policy of the AWSServiceRoleForBackup service-linked role (not in the synthesized JSON)")],
          resourcePolicy: sourceKey,
          expected: "Allowed",
        });
      }
    }
  }

  // Misuses per DR vault.
  const drAdmin = h.admin(dr.id);
  for (const region of sorted(dr.copyRegions)) {
    const base = {
      flow,
      category: "misuse" as const,
      resource: vaultArn(region),
      resourceLabel: `DR vault ${region} (${dr.id})`,
      resourceAccount: dr.id,
      resourcePolicy: vaultPolicy(drStack, region),
      expected: "Denied" as const,
    };
    const vault = `the DR vault in ${region}`;
    rows.push(outsiderCopiesIn(h, base, backupServiceRoleName(config), vault, orgPathsOf(h.outsider.organizationId, false)));
    if (listedOrgPath !== undefined) {
      const unlisted = h.role(accounts[0].id, backupServiceRoleName(config));
      rows.push({
        ...base,
        misuse: "unlisted-account",
        description: `a principal of the organization outside the listed OUs copies into the DR vault in ${region}`,
        principal: unlisted,
        action: "backup:CopyIntoBackupVault",
        context: { ...h.principalContext(unlisted, accounts[0].organizationId), ...orgPathsOf(accounts[0].organizationId, false) },
        identity: [backupRoleStandIn],
      });
    }
    const sourceAdmin = h.admin(accounts[0].id);
    rows.push({
      ...base,
      misuse: "policy-change",
      description: `an administrator of source account ${accounts[0].id} (its IAM allows everything) replaces the access policy of the DR vault in ${region}`,
      principal: sourceAdmin,
      action: "backup:PutBackupVaultAccessPolicy",
      context: h.principalContext(sourceAdmin, accounts[0].organizationId),
      identity: [standIn("a source account administrator whose IAM allows everything")],
    });
    if (copySources.type === "accounts") rows.push(unlistedAccountCopiesIn(h, base, backupServiceRoleName(config), vault));
    // The vault's Deny: a DR administrator (neither the deploy role nor the break-glass role) keeps its hands off.
    rows.push(
      ...drAdministratorVaultMisuses(h, base, vault, { arn: recoveryPoint(region, dr.id), label: `DR recovery point ${region} (${dr.id})` }, [
        ["backup:PutBackupVaultLockConfiguration", "loosens the lock of", "vault-settings-change"],
        ["backup:DeleteBackupVaultLockConfiguration", "removes the lock of", "vault-settings-change"],
        ["backup:PutBackupVaultNotifications", "redirects the notifications of", "vault-settings-change"],
        ["backup:DeleteBackupVaultNotifications", "silences the notifications of", "vault-settings-change"],
      ]),
    );
    rows.push({
      flow,
      category: "misuse",
      misuse: "outside-dr-account",
      description: `an administrator of source account ${accounts[0].id} (its IAM allows everything) decrypts with the DR vault's key in ${region}`,
      principal: sourceAdmin,
      action: "kms:Decrypt",
      resource: drStack.keyArn(backupDrKeyAliasName(config), region),
      resourceLabel: `DR backup key ${region} (${dr.id})`,
      resourceAccount: dr.id,
      context: h.kmsContext(sourceAdmin, "kms:Decrypt", viaService(config, "backup", region)),
      identity: [standIn("a source account administrator whose IAM allows everything")],
      resourcePolicy: keyPolicy(drStack, backupDrKeyAliasName(config), region, "DR backup"),
      expected: "Denied",
    });
  }

  // The copy guardrail (SCP) on every account that backs up: no copies elsewhere.
  if (backup.guardrails.restrictCopyTargets) {
    for (const account of accounts) {
      const region = sorted(account.regions)[0];
      const role = h.role(account.id, backupServiceRoleName(config));
      const base = {
        flow,
        category: "misuse" as const,
        misuse: "unlisted-vault" as const,
        principal: role,
        action: "backup:CopyFromBackupVault",
        resource: recoveryPoint(region, account.id),
        resourceLabel: `recovery point ${region} (${account.id})`,
        resourceAccount: account.id,
        identity: [backupRoleStandIn],
        notEvaluated: managedOf(account.id),
        expected: "Denied" as const,
      };
      const foreignVault = vaultArn(region, h.outsider.account, "exfiltration");
      const context = h.principalContext(role, account.organizationId);
      rows.push({ ...base, description: `${account.id} copies a recovery point to a vault of another account`, context: { ...context, "backup:CopyTargets": [foreignVault] } });
      rows.push({
        ...base,
        description: `${account.id} copies a recovery point to the DR vault and to a vault of another account at once`,
        context: { ...context, "backup:CopyTargets": [vaultArn(backupDrVaultRegion(config, region)), foreignVault] },
      });
      rows.push({ ...base, description: `${account.id} starts a copy that names no target vault`, context });
      const notCopyRegion = unusedRegion(config, [...dr.copyRegions, ...backup.rules.flatMap((rule) => (rule.copyToRegion ? [rule.copyToRegion.region] : []))]);
      rows.push({
        ...base,
        misuse: "wrong-region",
        description: `${account.id} copies a recovery point to a DR-named vault in ${notCopyRegion}, not a copy region`,
        context: { ...context, "backup:CopyTargets": [vaultArn(notCopyRegion)] },
      });
    }
  }

  // The source backup keys: only AWS Backup of the DR account may use them, and nobody else administers them.
  for (const region of sorted(new Set(accounts.flatMap((a) => a.regions)))) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      principal: drAdmin,
      resource: stack.keyArn(sourceKeyAlias, region),
      resourceLabel: `backup key ${region} (${representative.id})`,
      resourceAccount: representative.id,
      identity: [standIn("a DR account administrator whose IAM allows everything")],
      resourcePolicy: keyPolicy(stack, sourceKeyAlias, region, "source backup"),
      expected: "Denied" as const,
    };
    rows.push({
      ...base,
      misuse: "without-service",
      description: `an administrator of the DR account (not AWS Backup's service-linked role) decrypts with the backup key of ${representative.id} in ${region}`,
      action: "kms:Decrypt",
      context: h.kmsContext(drAdmin, "kms:Decrypt", undefined),
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `the backup key of ${representative.id} in ${region}`, undefined));
  }

  rows.push(...airGappedVaultRows(config, app));

  if (backup.guardrails.denyLeaveOrganization) {
    rows.push({
      flow,
      category: "misuse",
      misuse: "leave-organization",
      description: "an administrator of the DR account (its IAM allows everything) takes the account out of the organization",
      principal: drAdmin,
      action: "organizations:LeaveOrganization",
      resource: "*",
      resourceLabel: "*",
      resourceAccount: dr.id,
      context: h.principalContext(drAdmin),
      identity: [standIn("a DR account administrator whose IAM allows everything")],
      expected: "Denied",
    });
  }
  return rows;
}
