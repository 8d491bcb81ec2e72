import { attributeSizeFindings, figure, resolvedBytes } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * AWS KMS, "Key policy document size" (Resource quotas; "Creating a key policy": "Up to 32 kilobytes (32,768
 * bytes)"); not adjustable. White space counts.
 */
export const KEY_POLICY_SIZE_LIMIT = 32768;

export const KeyPolicyWithinSize: StackCheck = {
  id: "KeyPolicyWithinSize",
  explanation: "Trust organizations (aws:PrincipalOrgID) rather than listing accounts or roles in the key policy, and merge statements that differ only in their principals.",
  check(stack) {
    return attributeSizeFindings(stack.json, {
      resourceType: "aws_kms_key",
      attribute: "policy",
      limit: KEY_POLICY_SIZE_LIMIT,
      measure: resolvedBytes,
      message: (size) => `The key policy is ${figure(size)} bytes; AWS KMS accepts at most ${figure(KEY_POLICY_SIZE_LIMIT)} ("Key policy document size")`,
    });
  },
};
