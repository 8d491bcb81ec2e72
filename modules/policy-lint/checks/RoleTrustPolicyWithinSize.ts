import { figure, nonWhiteSpaceLength, resourcesOf } from "../stack-json";
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
    return resourcesOf(stack.json, "aws_iam_role").flatMap((role) => {
      if (typeof role.body.assume_role_policy !== "string") return [];
      const size = nonWhiteSpaceLength(role.body.assume_role_policy);
      return size > ROLE_TRUST_POLICY_SIZE_LIMIT
        ? [{ address: role.address, attribute: "assume_role_policy", message: `The trust policy is ${figure(size)} characters without white space; IAM accepts at most ${figure(ROLE_TRUST_POLICY_SIZE_LIMIT)} by default ("Role trust policy length")` }]
        : [];
    });
  },
};
