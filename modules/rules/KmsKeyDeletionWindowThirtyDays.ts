import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Rule, RuleResult } from "./rule";

/** A scheduled key deletion can be cancelled for as long as AWS allows: 30 days. */
export const KmsKeyDeletionWindowThirtyDays: Rule = {
  id: "KmsKeyDeletionWindowThirtyDays",
  explanation: "Set deletion_window_in_days = 30: deleting a key makes every snapshot encrypted under it unrecoverable.",
  check(node) {
    if (!(node instanceof KmsKey)) return RuleResult.NOT_APPLICABLE;
    return node.deletionWindowInDaysInput === 30 ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};
