import type { PolicyCheck } from "../types";

/** Every policy is a literal JSON string in the synthesized output, so it can be read back, proven and linted. */
export const PolicyIsParsableJson: PolicyCheck = {
  id: "PolicyIsParsableJson",
  explanation:
    "Emit the policy as a JSON string built with policyJson() (modules/iam/policy-document.ts), never as the provider's policy-document data source or another Terraform expression.",
  appliesTo: ["key", "trust", "identity", "resource", "scp", "backup-policy"],
  check(policy) {
    return policy.parseError === undefined ? [] : [{ message: policy.parseError }];
  },
};
