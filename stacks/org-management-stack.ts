import { Annotations } from "cdktf";
import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { backupCopyGuardrailVaultArns, backupEnabledFor, orgStackName } from "../modules/config/naming";
import { backupCopyGuardrailPolicy, copyGuardrailTargets, denyLeaveOrganizationPolicy } from "../modules/org-management/backup-guardrail-policies";
import { BACKUP_TRUSTED_ACCESS_STEP, OrganizationBackupSettings } from "../modules/org-management/organization-backup-settings";
import { drAccountGuardrails } from "../modules/org-management/dr-account-guardrails";
import { ServiceControlPolicy } from "../modules/org-management/service-control-policy";
import { SnapshotDrStack } from "../modules/stack/snapshot-dr-stack";

type Organization = SnapshotDrConfig["organizations"][number];

/**
 * The organizations whose management account has something to deploy: the DR organization, for its guardrails
 * (unless switched off) and for AWS Backup, which copies within it.
 */
export function organizationsWithWork(config: SnapshotDrConfig): Organization[] {
  const backupAccounts = config.sourceAccounts.filter((account) => backupEnabledFor(config, account));
  if (backupAccounts.length === 0 && !config.drAccount.guardrails.enabled) return [];
  return config.organizations.filter((organization) => organization.id === config.drAccount.organizationId);
}

/**
 * An organization's management account (docs/design.md §2c): cross-account backup enabled in every region
 * the copies start or land in, and the guardrail SCPs: the DR account may not leave the organization, and the
 * source accounts may copy recovery points only into the DR vaults (and their own configured vaults).
 */
export class OrgManagementStack extends SnapshotDrStack {
  readonly guardrails: ServiceControlPolicy[] = [];

  constructor(scope: Construct, config: SnapshotDrConfig, organization: Organization) {
    const dr = config.drAccount;
    const backupAccounts = config.sourceAccounts.filter(
      (account) => backupEnabledFor(config, account) && account.organizationId === organization.id,
    );
    const sourceRegions = [...new Set(backupAccounts.flatMap((account) => account.regions))].sort();
    super(scope, orgStackName(organization.id), {
      config,
      accountId: organization.managementAccountId,
      regions: [...dr.copyRegions, ...sourceRegions.filter((region) => !dr.copyRegions.includes(region))],
      deployRoleName: organization.deployRoleName,
    });
    const backup = config.backup;
    if (organization.id === dr.organizationId && dr.guardrails.enabled) this.guardrails.push(...drAccountGuardrails(this, config));
    if (backupAccounts.length === 0) return; // no AWS Backup work in this organization

    for (const region of this.regions) {
      new OrganizationBackupSettings(this, `backup-settings-${region}`, { provider: this.providerFor(region), ...backup.globalSettings });
    }
    Annotations.of(this).addWarning(BACKUP_TRUSTED_ACCESS_STEP);

    // The DR guardrails already deny leaving the organization: one SCP slot of the DR account saved.
    if (backup.guardrails.denyLeaveOrganization && !(organization.id === dr.organizationId && dr.guardrails.enabled)) {
      this.guardrails.push(
        new ServiceControlPolicy(this, "deny-leave-organization", {
          provider: this.homeProvider,
          name: `${config.namePrefix}-dr-account-stays-in-organization`,
          description: "The DR account may not leave the organization (it would keep the backups out of its reach)",
          document: denyLeaveOrganizationPolicy(),
          targetIds: [dr.id],
        }),
      );
    }
    if (backup.guardrails.restrictCopyTargets) {
      const targets = copyGuardrailTargets(config, organization, backupAccounts);
      if (targets.notice) Annotations.of(this).addWarning(targets.notice);
      this.guardrails.push(
        new ServiceControlPolicy(this, "restrict-backup-copy-targets", {
          provider: this.homeProvider,
          name: `${config.namePrefix}-backup-copies-only-to-dr-vaults`,
          description: "Recovery points may be copied only into the DR vaults (and the accounts' own configured vaults)",
          document: backupCopyGuardrailPolicy({
            allowedVaultArns: backupCopyGuardrailVaultArns(config, organization.id),
            ...(backup.guardrails.allowedTargetOrgPaths ? { allowedTargetOrgPaths: backup.guardrails.allowedTargetOrgPaths } : {}),
          }),
          targetIds: targets.ids,
        }),
      );
    }
  }
}
