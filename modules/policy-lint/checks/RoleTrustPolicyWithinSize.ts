import { attributeSizeFindings, figure, nonWhiteSpaceLength } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * IAM and AWS STS quotas, "Role trust policy length": 2,048 characters by default (white space not counted);
 * adjustable in Service Quotas up to 8,192, so the default is what an unprepared account accepts.
 */
export const ROLE_TRUST_POLICY_SIZE_LIMIT = 2048;

export const RoleTrustPolicyWithinSize: StackCheck = {
  id: "RoleTrustPolicyWithinSize",
  explanation:
    "Trust an organization (aws:PrincipalOrgID) instead of listing accounts, or raise the account's \"Role trust policy length\" quota (up to 8,192) before deploying and lift this check for that stack.",
  check(stack) {
    return attributeSizeFindings(stack.json, {
      resourceType: "aws_iam_role",
      attribute: "assume_role_policy",
      limit: ROLE_TRUST_POLICY_SIZE_LIMIT,
      measure: nonWhiteSpaceLength,
      message: (size) => `The trust policy is ${figure(size)} characters without white space; IAM accepts at most ${figure(ROLE_TRUST_POLICY_SIZE_LIMIT)} by default ("Role trust policy length")`,
    });
  },
};
