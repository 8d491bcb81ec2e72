import { resourcesOf } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * Quotas and service limits for AWS Organizations, "Maximum number of policies attached to a root, OU, or
 * account": 5 service control policies. AWS's FullAWSAccess is attached to every root, OU and account unless
 * it was detached, so it takes one of the five.
 */
export const SCPS_PER_TARGET_LIMIT = 5;

export const ScpsPerTargetWithinLimit: StackCheck = {
  id: "ScpsPerTargetWithinLimit",
  explanation:
    "Attach at most 4 of the project's SCPs to one target (FullAWSAccess is the fifth): merge guardrails into fewer SCPs, or attach them to an OU or the root instead of to each account.",
  check(stack) {
    const scps = new Set(
      resourcesOf(stack.json, "aws_organizations_policy")
        .filter((policy) => policy.body.type === undefined || policy.body.type === "SERVICE_CONTROL_POLICY")
        .map((policy) => policy.address),
    );
    const byTarget = new Map<string, Set<string>>();
    for (const attachment of resourcesOf(stack.json, "aws_organizations_policy_attachment")) {
      const policyId = typeof attachment.body.policy_id === "string" ? attachment.body.policy_id : "";
      const policy = /^\$\{(aws_organizations_policy\.[^.]+)\.id\}$/.exec(policyId)?.[1];
      if (policy === undefined || !scps.has(policy) || typeof attachment.body.target_id !== "string") continue;
      const target = attachment.body.target_id;
      byTarget.set(target, (byTarget.get(target) ?? new Set()).add(policy));
    }
    return [...byTarget]
      .filter(([, policies]) => policies.size + 1 > SCPS_PER_TARGET_LIMIT)
      .map(([target, policies]) => ({
        address: `aws_organizations_policy_attachment[${target}]`,
        attribute: "",
        message: `${policies.size + 1} SCPs on target ${target} (${policies.size} of this stack and FullAWSAccess); AWS Organizations allows at most ${SCPS_PER_TARGET_LIMIT} per root, OU or account`,
      }));
  },
};
