import type { ConfigProblem } from "./cross-field-rules";
import type { SnapshotDrConfig } from "./load-config";
import { backupEnabledFor } from "./naming";

/** Organizations: "SCPs don't affect users or roles in the management account." */
const SCPS_DO_NOT_AFFECT_THE_MANAGEMENT_ACCOUNT = "SCPs don't affect users or roles in the management account";

/**
 * `backup.copySources: {type: accounts}` writes each account into the DR vaults' access policy (15 characters
 * apiece). AWS Backup documents no size limit for a vault access policy; past this many accounts the
 * organization-unit form, whose size does not depend on the number of accounts, is the better choice.
 */
export const MANY_COPY_SOURCE_ACCOUNTS = 100;

/**
 * What is legal but likely wrong: printed under "Review:" by the command line, which still exits 0. Each names
 * the field it is about.
 */
export function configWarnings(config: SnapshotDrConfig): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const managementAccountOf = (organizationId: string) => config.organizations.find((organization) => organization.id === organizationId)?.managementAccountId;
  const backupUsed = config.sourceAccounts.some((account) => backupEnabledFor(config, account));

  if (config.drAccount.id === managementAccountOf(config.drAccount.organizationId)) {
    warnings.push({
      path: "drAccount.id",
      message:
        `the DR account ${config.drAccount.id} is the management account of ${config.drAccount.organizationId}: ${SCPS_DO_NOT_AFFECT_THE_MANAGEMENT_ACCOUNT}, ` +
        "so no guardrail of this project (or of the organization) constrains it; use a member account as the DR account",
    });
  }
  config.sourceAccounts.forEach((account, index) => {
    if (account.id !== managementAccountOf(account.organizationId)) return;
    const guarded = backupEnabledFor(config, account) && config.backup.guardrails.restrictCopyTargets;
    warnings.push({
      path: `sourceAccounts[${index}].id`,
      message:
        `source account ${account.id} is the management account of ${account.organizationId}: ${SCPS_DO_NOT_AFFECT_THE_MANAGEMENT_ACCOUNT}` +
        (guarded ? ", so the copy guardrail (backup.guardrails.restrictCopyTargets) does not restrict where its recovery points are copied" : "") +
        "; protect workloads in member accounts",
    });
  });
  if (backupUsed) {
    (config.backup.guardrails.copyGuardrailTargets ?? []).forEach((target, index) => {
      if (config.organizations.some((organization) => organization.managementAccountId === target)) {
        warnings.push({
          path: `backup.guardrails.copyGuardrailTargets[${index}]`,
          message: `${target} is a management account: ${SCPS_DO_NOT_AFFECT_THE_MANAGEMENT_ACCOUNT}, so attaching the copy guardrail to it has no effect`,
        });
      }
    });
  }
  if (backupUsed && config.backup.copySources.type === "accounts") {
    const accounts = config.sourceAccounts.filter((account) => backupEnabledFor(config, account)).length;
    if (accounts > MANY_COPY_SOURCE_ACCOUNTS) {
      warnings.push({
        path: "backup.copySources",
        message:
          `{type: accounts} lists ${accounts} accounts in the access policy of every DR vault, which grows with each account ` +
          `(AWS Backup documents no size limit for it); with more than ${MANY_COPY_SOURCE_ACCOUNTS} accounts use {type: organizationalUnits, orgPaths: [...]}, whose size does not depend on the number of accounts`,
      });
    }
  }
  return warnings;
}
