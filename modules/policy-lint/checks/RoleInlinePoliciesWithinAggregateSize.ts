import { isRecord } from "../policy-json";
import { figure, nonWhiteSpaceLength, resourcesOf, type StackResource } from "../stack-json";
import type { StackCheck, StackFinding } from "../types";

/**
 * IAM and AWS STS quotas, "Role policy size": "You can add as many inline policies as you want to an IAM user,
 * role, or group. But the total aggregate policy size (the sum size of all inline policies) per entity cannot
 * exceed ... Role policy size cannot exceed 10,240 characters"; "IAM doesn't count white space when
 * calculating the size of a policy against these limits". Not adjustable.
 */
export const ROLE_POLICY_SIZE_LIMIT = 10240;

/** Whether an `aws_iam_role_policy.role` names this role (by reference to it, or by its literal name). */
function namesRole(value: unknown, role: StackResource): boolean {
  if (typeof value !== "string") return false;
  return value === `\${${role.address}.name}` || value === `\${${role.address}.id}` || (typeof role.body.name === "string" && value === role.body.name);
}

export const RoleInlinePoliciesWithinAggregateSize: StackCheck = {
  id: "RoleInlinePoliciesWithinAggregateSize",
  explanation:
    "Shrink the role's inline policies: use wildcards with organization conditions (aws:ResourceOrgID, aws:PrincipalOrgID, kms:ViaService) instead of one ARN per account or region, or move statements to a managed policy (6,144 characters each).",
  check(stack) {
    const rolePolicies = resourcesOf(stack.json, "aws_iam_role_policy");
    const findings: StackFinding[] = [];
    for (const role of resourcesOf(stack.json, "aws_iam_role")) {
      const blocks = Array.isArray(role.body.inline_policy) ? role.body.inline_policy : [];
      const texts = [
        ...blocks.flatMap((block: unknown) => (isRecord(block) && typeof block.policy === "string" ? [block.policy] : [])),
        ...rolePolicies.filter((policy) => namesRole(policy.body.role, role) && typeof policy.body.policy === "string").map((policy) => policy.body.policy as string),
      ];
      const size = texts.reduce((sum, text) => sum + nonWhiteSpaceLength(text), 0);
      if (size > ROLE_POLICY_SIZE_LIMIT) {
        findings.push({
          address: role.address,
          attribute: "inline policies",
          message: `The role's ${texts.length} inline policies are ${figure(size)} characters without white space; IAM limits the inline policies of one role to ${figure(ROLE_POLICY_SIZE_LIMIT)} in all ("Role policy size")`,
        });
      }
    }
    return findings;
  },
};
