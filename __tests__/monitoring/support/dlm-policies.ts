import { GetLifecyclePoliciesCommand, type DLMClient, type LifecyclePolicySummary } from "@aws-sdk/client-dlm";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { DrCopyPolicyFilter } from "../../../modules/dr-account/freshness-check/dr-copy-policies";

/** The filter the DR stack of account 222222222222 with the default name prefix gives its freshness check. */
export const DR_POLICY_FILTER: DrCopyPolicyFilter = { tagKey: "SnapshotDrStack", tagValue: "dr-222222222222", descriptionPrefix: "snapshot-dr " };

/** A DLM policy summary as GetLifecyclePolicies returns it: by default one of the DR stack's copy event policies. */
export function drCopyPolicy(policyId: string, overrides: Partial<LifecyclePolicySummary> = {}): LifecyclePolicySummary {
  return {
    PolicyId: policyId,
    Description: "snapshot-dr copy shared DR snapshots us-east-1 part 1 of 1",
    State: "ENABLED",
    PolicyType: "EVENT_BASED_POLICY",
    Tags: { ManagedBy: "snapshot-dr", SnapshotDrStack: "dr-222222222222" },
    ...overrides,
  };
}

/** Answers GetLifecyclePolicies with the policies of the region of the client that calls (none where not listed). */
export function policiesByRegion(dlm: AwsClientStub<DLMClient>, byRegion: Readonly<Record<string, LifecyclePolicySummary[]>>): void {
  dlm.on(GetLifecyclePoliciesCommand).callsFake(async (_input, getClient) => ({ Policies: byRegion[await getClient().config.region()] ?? [] }));
}
