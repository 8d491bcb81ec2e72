import { BackupClient } from "@aws-sdk/client-backup";
import { DLMClient, GetLifecyclePoliciesCommand, type LifecyclePolicySummary } from "@aws-sdk/client-dlm";
import { EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { DrCopyPolicyFilter } from "../../../modules/dr-account/freshness-check/dr-copy-policies";
import { createHandler, type Settings } from "../../../modules/dr-account/freshness-check/handler";

/** Fixtures of the freshness check's handler tests: the DR account, two sources, a fixed clock, the handler. */

export const DR = "222222222222";
export const A = "111111111111";
export const B = "333333333333";
export const NOW = new Date("2026-06-10T12:00:00Z");
export const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

/**
 * The handler with a client per region (mock them with `mockClient(<Client>)`), the fixed clock, no backoff
 * delay, and its log lines pushed to `logs`.
 */
export function freshnessHandler(settings: Settings, logs: Record<string, unknown>[]) {
  return createHandler({
    settings,
    ec2Of: (region) => new EC2Client({ region }),
    dlmOf: (region) => new DLMClient({ region }),
    rds: new RDSClient({}),
    backup: new BackupClient({}),
    now: () => NOW,
    sleep: async () => undefined,
    random: () => 0,
    log: (entry) => logs.push(entry),
  });
}

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
