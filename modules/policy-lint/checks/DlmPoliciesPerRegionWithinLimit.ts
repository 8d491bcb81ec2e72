import { awsProviders, figure, providerOf, resourcesOf } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * Amazon Data Lifecycle Manager, CreateLifecyclePolicy: "You can create up to 100 lifecycle policies" (per
 * account and region; DLM quotas). A stack deploys to one account, so its policies per provider region are
 * what that region of the account holds, besides any created outside this project.
 */
export const DLM_POLICIES_PER_REGION_LIMIT = 100;

export const DlmPoliciesPerRegionWithinLimit: StackCheck = {
  id: "DlmPoliciesPerRegionWithinLimit",
  explanation:
    "Hold at most 100 lifecycle policies per region of an account: fewer snapshot owners per region of the DR account (more DR accounts), or fewer policies per source region.",
  check(stack) {
    const providers = awsProviders(stack.json);
    const byRegion = new Map<string, number>();
    for (const policy of resourcesOf(stack.json, "aws_dlm_lifecycle_policy")) {
      const region = providerOf(policy, providers)?.region ?? "(provider region unknown)";
      byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
    }
    return [...byRegion]
      .filter(([, count]) => count > DLM_POLICIES_PER_REGION_LIMIT)
      .map(([region, count]) => ({
        address: `aws_dlm_lifecycle_policy[${region}]`,
        attribute: "",
        message: `${figure(count)} lifecycle policies in ${region}; Amazon Data Lifecycle Manager allows at most ${DLM_POLICIES_PER_REGION_LIMIT} per region of an account`,
      }));
  },
};
