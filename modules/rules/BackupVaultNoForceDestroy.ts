import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { Rule, RuleResult } from "./rule";

/** A vault that still holds recovery points is never deleted with them. */
export const BackupVaultNoForceDestroy: Rule = {
  id: "BackupVaultNoForceDestroy",
  explanation: "Leave force_destroy unset on backup vaults: destroying the vault must fail while it holds recovery points.",
  check(node) {
    if (!(node instanceof BackupVault)) return RuleResult.NOT_APPLICABLE;
    return node.forceDestroyInput === true ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};
