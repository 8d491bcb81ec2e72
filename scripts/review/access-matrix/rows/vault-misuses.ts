import { standIn } from "../policies";
import { helpers } from "../row-helpers";
import { RowSpec } from "../types";

/** What the misuse rows about one vault of the DR account have in common: the vault, its policy, the flow. */
export type VaultRowBase = Omit<RowSpec, "misuse" | "description" | "principal" | "action" | "context" | "identity">;

type Helpers = ReturnType<typeof helpers>;

/** A principal of another organization, its IAM allowing everything, copies into `vault` ("the DR vault in us-east-1"). */
export function outsiderCopiesIn(h: Helpers, base: VaultRowBase, roleName: string, vault: string, extraContext: RowSpec["context"] = {}): RowSpec {
  const principal = h.role(h.outsider.account, roleName);
  return {
    ...base,
    misuse: "outside-organization",
    description: `a principal of another organization (its IAM allows everything) copies into ${vault}`,
    principal,
    action: "backup:CopyIntoBackupVault",
    context: { ...h.principalContext(principal, h.outsider.organizationId), ...extraContext },
    identity: [standIn("the outsider's own IAM allows everything")],
  };
}

/** A principal of an account of the DR organization that the configuration does not list copies into `vault`. */
export function unlistedAccountCopiesIn(h: Helpers, base: VaultRowBase, roleName: string, vault: string): RowSpec {
  const principal = h.role(h.outsider.account, roleName);
  return {
    ...base,
    misuse: "unlisted-account",
    description: `a principal of an account of the organization that the configuration does not list copies into ${vault}`,
    principal,
    action: "backup:CopyIntoBackupVault",
    context: h.principalContext(principal, h.dr.organizationId),
    identity: [standIn("the unlisted account's own IAM allows everything")],
  };
}

/**
 * The vault's Deny: an administrator of the DR account (neither the deploy role nor the break-glass role), its IAM
 * allowing everything, deletes a recovery point of `vault` and replaces its access policy. `extra` adds further
 * actions on the vault itself, each with what it does ("removes the lock of").
 */
export function drAdministratorVaultMisuses(
  h: Helpers,
  base: VaultRowBase,
  vault: string,
  recoveryPoint: { readonly arn: string; readonly label: string },
  extra: readonly (readonly [action: string, what: string, misuse: RowSpec["misuse"]])[] = [],
): RowSpec[] {
  const admin = h.admin(h.dr.id);
  const adminBase = { ...base, principal: admin, context: h.principalContext(admin, h.dr.organizationId), identity: [standIn("a DR account administrator whose IAM allows everything")] };
  const notExempt = "an administrator of the DR account other than the deploy and break-glass roles";
  return [
    {
      ...adminBase,
      misuse: "delete-copies",
      description: `${notExempt} deletes a recovery point of ${vault}`,
      action: "backup:DeleteRecoveryPoint",
      resource: recoveryPoint.arn,
      resourceLabel: recoveryPoint.label,
    },
    { ...adminBase, misuse: "policy-change", description: `${notExempt} replaces the access policy of ${vault}`, action: "backup:PutBackupVaultAccessPolicy" },
    ...extra.map(([action, what, misuse]) => ({ ...adminBase, misuse, description: `${notExempt} ${what} ${vault}`, action })),
  ];
}
