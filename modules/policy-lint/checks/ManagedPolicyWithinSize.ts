import { attributeSizeFindings, figure, nonWhiteSpaceLength } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * IAM and AWS STS quotas, "Managed policy size": "Managed policy size cannot exceed 6,144 characters"; IAM does
 * not count white space. Not adjustable.
 */
export const MANAGED_POLICY_SIZE_LIMIT = 6144;

export const ManagedPolicyWithinSize: StackCheck = {
  id: "ManagedPolicyWithinSize",
  explanation: "Split the managed policy into several (a role takes up to 10 by default), or replace per-account and per-region ARNs with wildcards and organization conditions.",
  check(stack) {
    return attributeSizeFindings(stack.json, {
      resourceType: "aws_iam_policy",
      attribute: "policy",
      limit: MANAGED_POLICY_SIZE_LIMIT,
      measure: nonWhiteSpaceLength,
      message: (size) => `The managed policy is ${figure(size)} characters without white space; IAM accepts at most ${figure(MANAGED_POLICY_SIZE_LIMIT)} ("Managed policy size")`,
    });
  },
};
