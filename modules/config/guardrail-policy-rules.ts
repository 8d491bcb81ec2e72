import {
  backupCopyGuardrailPolicy,
  POLICY_CONTENT_LIMIT_EXCEEDED,
  SCP_MAX_CHARACTERS,
  scpSize,
} from "../org-management/backup-guardrail-policies";
import type { ConfigRule } from "./cross-field-rules";
import type { SnapshotDrConfig } from "./load-config";
import { backupCopyGuardrailVaultArns, backupEnabledFor } from "./naming";

/**
 * The copy guardrail SCP grows with the vaults it allows (one per DR copy region, and one per AWS Backup account
 * for every `copyToRegion` region) and the OU paths. Organizations refuses an SCP over 5,120 characters, so the
 * policy the org stack would deploy is built here, from the same functions, and measured.
 */
const copyGuardrailFitsTheScpLimit: ConfigRule = {
  sections: ["namePrefix", "partition", "organizations", "drAccount", "sourceAccounts", "backup"],
  check: (parsed, problem) => {
    const config = parsed as SnapshotDrConfig;
    const guardrails = config.backup.guardrails;
    const organizationId = config.drAccount.organizationId;
    const deployed =
      guardrails.restrictCopyTargets &&
      config.organizations.some((organization) => organization.id === organizationId) &&
      config.sourceAccounts.some((account) => backupEnabledFor(config, account));
    if (!deployed) return;
    const vaultArns = backupCopyGuardrailVaultArns(config, organizationId);
    const orgPaths = guardrails.allowedTargetOrgPaths;
    const size = scpSize(backupCopyGuardrailPolicy({ allowedVaultArns: vaultArns, ...(orgPaths ? { allowedTargetOrgPaths: orgPaths } : {}) }));
    if (size <= SCP_MAX_CHARACTERS) return;
    const distinctVaults = new Set(vaultArns).size;
    problem(
      "backup.guardrails.restrictCopyTargets",
      `the copy guardrail SCP would be ${size} characters of minified JSON, over Organizations' limit of ${SCP_MAX_CHARACTERS}: ${POLICY_CONTENT_LIMIT_EXCEEDED} ` +
        `It lists ${distinctVaults} vault ARNs (the DR vault of each drAccount.copyRegions region, and each AWS Backup account's own vault in every backup.rules[].copyToRegion region)` +
        `${orgPaths ? ` and ${orgPaths.length} OU paths (backup.guardrails.allowedTargetOrgPaths)` : ""}: ` +
        "remove copyToRegion, or set restrictCopyTargets: false and guard the copies another way",
    );
  },
};

export const guardrailPolicyRules: readonly ConfigRule[] = [copyGuardrailFitsTheScpLimit];
