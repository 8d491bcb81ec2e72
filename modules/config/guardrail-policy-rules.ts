import { backupCopyGuardrailPolicy, scpSize } from "../org-management/backup-guardrail-policies";
import { ORGANIZATIONS_POLICY_SIZE_LIMITS } from "../policy-lint/checks/OrganizationsPolicyWithinSizeLimit";
import type { ConfigRule } from "./cross-field-rules";
import type { SnapshotDrConfig } from "./load-config";
import { backupCopyGuardrailVaultArns, backupEnabledFor } from "./naming";

const SCP_MAX_CHARACTERS = ORGANIZATIONS_POLICY_SIZE_LIMITS.scp!;
/** Organizations' error for a policy over the limit (CreatePolicy, ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED). */
const POLICY_CONTENT_LIMIT_EXCEEDED = "You attempted to create a policy that is larger than the maximum size.";

/**
 * The copy guardrail SCP grows only with what the configuration lists: the DR copy regions, the `copyToRegion`
 * regions, backup.guardrails.additionalAllowedVaultArns and the OU paths (not with the accounts). Organizations refuses an SCP over 5,120 characters, so the
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
        `It lists ${distinctVaults} vault ARNs (the DR vault of each drAccount.copyRegions region, the accounts' own vault in every backup.rules[].copyToRegion region, and backup.guardrails.additionalAllowedVaultArns)` +
        `${orgPaths ? ` and ${orgPaths.length} OU paths (backup.guardrails.allowedTargetOrgPaths)` : ""}: ` +
        "list fewer additional vaults or OU paths, or set restrictCopyTargets: false and guard the copies another way",
    );
  },
};

export const guardrailPolicyRules: readonly ConfigRule[] = [copyGuardrailFitsTheScpLimit];
