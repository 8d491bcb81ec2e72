import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformResource } from "cdktf";
import { Rule, RuleResult } from "./rule";

/** Resources whose loss loses DR data. */
export const DATA_STORES = [KmsKey, BackupVault];

/** Nothing that holds data is destroyed by a plan by accident. */
export const DataStorePreventDestroy: Rule = {
  id: "DataStorePreventDestroy",
  explanation: "Set lifecycle { prevent_destroy = true } on keys and vaults; remove it deliberately, in its own change, to retire one.",
  check(node) {
    if (!DATA_STORES.some((type) => node instanceof type)) return RuleResult.NOT_APPLICABLE;
    return (node as TerraformResource).lifecycle?.preventDestroy === true ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};
