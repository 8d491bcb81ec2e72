import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Rule, RuleResult } from "./rule";

/** Keys that protect DR data rotate their key material every year. */
export const KmsKeyRotationEnabled: Rule = {
  id: "KmsKeyRotationEnabled",
  explanation: "Set enable_key_rotation = true on every customer managed key.",
  check(node) {
    if (!(node instanceof KmsKey)) return RuleResult.NOT_APPLICABLE;
    return node.enableKeyRotationInput === true ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};
