import type { PolicyCheck, PolicyKind } from "../types";

/**
 * AWS Organizations' maximum policy document sizes ("Quotas and service limits for AWS Organizations"):
 * 5,120 characters for service control policies, 10,000 for backup policies. Organizations counts the text
 * as it is sent (only the console strips white space; Terraform sends the attribute as written), so the
 * synthesized text is what is measured; policyJson() writes it minified.
 */
export const ORGANIZATIONS_POLICY_SIZE_LIMITS: Readonly<Partial<Record<PolicyKind, number>>> = { scp: 5120, "backup-policy": 10000 };

export const OrganizationsPolicyWithinSizeLimit: PolicyCheck = {
  id: "OrganizationsPolicyWithinSizeLimit",
  explanation:
    "Keep the policy within the Organizations limit (SCP 5,120 characters, backup policy 10,000): emit it minified, merge statements, use wildcards for action families, or split it into several policies attached to the same target.",
  appliesTo: ["scp", "backup-policy"],
  check(policy) {
    const limit = ORGANIZATIONS_POLICY_SIZE_LIMITS[policy.kind];
    if (limit === undefined || policy.text.length <= limit) return [];
    const what = policy.kind === "scp" ? "The SCP" : "The backup policy";
    return [{ message: `${what} is ${policy.text.length.toLocaleString("en-US")} characters; AWS Organizations accepts at most ${limit.toLocaleString("en-US")}` }];
  },
};
