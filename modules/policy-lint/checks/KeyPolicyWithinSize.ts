import { figure, resolvedBytes, resourcesOf } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * AWS KMS, "Key policy document size" (Resource quotas; "Creating a key policy": "Up to 32 kilobytes (32,768
 * bytes)"). The one KMS resource quota that is not adjustable. White space counts.
 */
export const KEY_POLICY_SIZE_LIMIT = 32768;

export const KeyPolicyWithinSize: StackCheck = {
  id: "KeyPolicyWithinSize",
  explanation: "Trust organizations (aws:PrincipalOrgID) rather than listing accounts or roles in the key policy, and merge statements that differ only in their principals.",
  check(stack) {
    return resourcesOf(stack.json, "aws_kms_key").flatMap((key) => {
      if (typeof key.body.policy !== "string") return [];
      const size = resolvedBytes(key.body.policy);
      return size > KEY_POLICY_SIZE_LIMIT
        ? [{ address: key.address, attribute: "policy", message: `The key policy is ${figure(size)} bytes; AWS KMS accepts at most ${figure(KEY_POLICY_SIZE_LIMIT)} ("Key policy document size")` }]
        : [];
    });
  },
};
