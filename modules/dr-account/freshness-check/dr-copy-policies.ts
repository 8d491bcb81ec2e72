import { DLMClient, GetLifecyclePoliciesCommand, type LifecyclePolicySummary } from "@aws-sdk/client-dlm";
import type { Retrying } from "../../lambda/runtime/retry";

/**
 * The DR stack's cross-account copy event policies, found at run time in each source region (DLM
 * GetLifecyclePolicies), so that the function's environment and package do not grow with the number of policies
 * (one per source region per 50 snapshot owners). An event policy lives in the region whose shares it copies:
 * the region asked is the source region of every copy the policy makes.
 */

/** How the freshness check tells the DR stack's copy event policies from any other policy of the account. */
export interface DrCopyPolicyFilter {
  /** A tag every such policy carries (the stack's provider default tag `SnapshotDrStack`). */
  readonly tagKey: string;
  readonly tagValue: string;
  /** How their description starts (`<namePrefix> `). */
  readonly descriptionPrefix: string;
}

/** A DR copy event policy, where it lives and in what state. */
export interface DrCopyPolicy {
  readonly policyId: string;
  /** The source region: the region the policy was found in. */
  readonly region: string;
  /** ENABLED, DISABLED or ERROR (GettablePolicyStateValues). */
  readonly state: string;
  readonly description: string;
}

/** Whether a policy summary is one of the DR stack's copy event policies. */
export function isDrCopyPolicy(summary: LifecyclePolicySummary, filter: DrCopyPolicyFilter): boolean {
  return (
    summary.PolicyType === "EVENT_BASED_POLICY" &&
    summary.Tags?.[filter.tagKey] === filter.tagValue &&
    (summary.Description ?? "").startsWith(filter.descriptionPrefix) &&
    /^policy-[0-9a-f]+$/.test(summary.PolicyId ?? "")
  );
}

/**
 * The DR copy event policies of each region, in every state (a disabled policy's earlier copies still count,
 * and the caller reports the state). GetLifecyclePolicies returns every policy of the region in one response
 * (its response has no pagination token). A failed call throws.
 */
export async function discoverDrCopyPolicies(props: {
  readonly dlmOf: (region: string) => DLMClient;
  readonly regions: readonly string[];
  readonly filter: DrCopyPolicyFilter;
  readonly retrying: Retrying;
}): Promise<DrCopyPolicy[]> {
  const found: DrCopyPolicy[] = [];
  for (const region of [...new Set(props.regions)].sort()) {
    const page = await props.retrying("GetLifecyclePolicies", () => props.dlmOf(region).send(new GetLifecyclePoliciesCommand({})));
    for (const summary of page.Policies ?? []) {
      if (!isDrCopyPolicy(summary, props.filter)) continue;
      found.push({ policyId: summary.PolicyId!, region, state: summary.State ?? "UNKNOWN", description: summary.Description ?? "" });
    }
  }
  return found;
}
