/**
 * The freshness check finds the DR copy event policies itself, in each source region of its EBS sources (DLM
 * GetLifecyclePolicies), instead of reading their IDs from its environment.
 */
import { DescribeSnapshotsCommand, EC2Client, type Snapshot } from "@aws-sdk/client-ec2";
import { BackupClient } from "@aws-sdk/client-backup";
import { DLMClient, GetLifecyclePoliciesCommand } from "@aws-sdk/client-dlm";
import { mockClient } from "aws-sdk-client-mock";
import { isDrCopyPolicy } from "../../modules/dr-account/freshness-check/dr-copy-policies";
import { type Settings } from "../../modules/dr-account/freshness-check/handler";
import { A, B, DR, drCopyPolicy, DR_POLICY_FILTER, freshnessHandler, hoursAgo, policiesByRegion } from "./support/freshness-check";

const EVENT = { "detail-type": "Scheduled Event", source: "aws.events", region: "us-west-2" };

/** A copy in the DR region made by `policyId`, whose description names `account`. */
const copy = (id: string, policyId: string, account: string, age: number): Snapshot => ({
  SnapshotId: id,
  StartTime: hoursAgo(age),
  Description: `snapshot-dr DR transit copy of snap-0123456789abcdef0 from ${account}`,
  Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: policyId }],
});

const settings = (overrides: Partial<Settings> = {}): Settings => ({
  drAccountId: DR,
  expected: [
    { account: A, region: "us-east-1", flow: "ebs" },
    { account: B, region: "eu-west-1", flow: "ebs" },
  ],
  rpoHours: { ebs: 36, rds: 36, backup: 44 },
  dlmPolicyFilter: DR_POLICY_FILTER,
  metricNamespace: "snapshot-dr/DR",
  metricName: "StaleSources",
  ...overrides,
});

describe("freshness check: the DR copy event policies, found at run time", () => {
  const ec2 = mockClient(EC2Client);
  const dlm = mockClient(DLMClient);
  let logs: Record<string, unknown>[];

  beforeEach(() => {
    ec2.reset();
    dlm.reset();
    logs = [];
    ec2.on(DescribeSnapshotsCommand, { RestorableByUserIds: [DR] }).resolves({ Snapshots: [] });
  });

  const handler = (s: Settings = settings()) => freshnessHandler(s, logs);
  const dlmRegions = async () => Promise.all(dlm.commandCalls(GetLifecyclePoliciesCommand).map((call) => call.thisValue.config.region()));
  const staleKeys = (stale: readonly { flow: string; account: string; region: string }[]) => stale.map((s) => `${s.flow}/${s.account}/${s.region}`);

  test("asks DLM once in each source region, and the region a policy was found in is its copies' source region", async () => {
    // GIVEN A shares in us-east-1 and B in eu-west-1; each region has its own DR event policy (one with 120 others)
    const others = Array.from({ length: 120 }, (_, i) => drCopyPolicy(`policy-0f${i.toString(16).padStart(3, "0")}`, { PolicyType: "EBS_SNAPSHOT_MANAGEMENT" }));
    policiesByRegion(dlm, { "us-east-1": [...others, drCopyPolicy("policy-0aaa")], "eu-west-1": [drCopyPolicy("policy-0bbb")] });
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({ Snapshots: [copy("snap-1", "policy-0aaa", A, 2), copy("snap-2", "policy-0bbb", B, 3)] });
    // WHEN the check runs in the DR region us-west-2
    const result = await handler()(EVENT);
    // THEN DLM was asked in both source regions only, both policies were found where they live, and both sources are fresh
    expect((await dlmRegions()).sort()).toEqual(["eu-west-1", "us-east-1"]);
    expect(dlm.commandCalls(GetLifecyclePoliciesCommand).map((call) => call.args[0].input)).toEqual([{}, {}]);
    expect(result.dlmPolicies).toEqual([
      { policyId: "policy-0bbb", region: "eu-west-1", state: "ENABLED", description: "snapshot-dr copy shared DR snapshots us-east-1 part 1 of 1" },
      { policyId: "policy-0aaa", region: "us-east-1", state: "ENABLED", description: "snapshot-dr copy shared DR snapshots us-east-1 part 1 of 1" },
    ]);
    expect(result.stale).toEqual([]);
    expect(logs.find((entry) => entry.decision === "summary")).toMatchObject({ dlmPolicies: 2, dlmPoliciesNotEnabled: 0, copiesFound: 2 });
  });

  test("copies made by any other policy do not count: another stack's, another estate's, a snapshot policy", async () => {
    // GIVEN in us-east-1 only policies that are not this DR stack's copy event policies, each with a fresh copy of A
    policiesByRegion(dlm, {
      "us-east-1": [
        drCopyPolicy("policy-01", { Tags: { SnapshotDrStack: "dr-999999999999" } }),
        drCopyPolicy("policy-02", { Description: "other-estate copy shared DR snapshots us-east-1 part 1 of 1" }),
        drCopyPolicy("policy-03", { PolicyType: "EBS_SNAPSHOT_MANAGEMENT" }),
        drCopyPolicy("policy-04", { Tags: undefined }),
      ],
      "eu-west-1": [drCopyPolicy("policy-0bbb")],
    });
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({
      Snapshots: ["policy-01", "policy-02", "policy-03", "policy-04"].map((id, i) => copy(`snap-${i}`, id, A, 1)).concat(copy("snap-9", "policy-0bbb", B, 1)),
    });
    // WHEN the check runs
    const result = await handler()(EVENT);
    // THEN A is stale (no DR copy policy of its region), and the operator is told no policy was found there
    expect(staleKeys(result.stale)).toEqual([`ebs/${A}/us-east-1`]);
    expect(result.dlmPolicies.map((p) => p.policyId)).toEqual(["policy-0bbb"]);
    expect(logs.filter((entry) => entry.decision === "dlm-policy-missing")).toEqual([
      { decision: "dlm-policy-missing", region: "us-east-1", reason: "no DR copy event policy found in this source region: its EBS sources go stale" },
    ]);
  });

  test("a disabled or failed DR policy is reported, and its earlier copies still count until they are too old", async () => {
    // GIVEN the us-east-1 policy is DISABLED (its last copy 10 h old) and the eu-west-1 policy in ERROR (last copy 40 h old)
    policiesByRegion(dlm, { "us-east-1": [drCopyPolicy("policy-0aaa", { State: "DISABLED" })], "eu-west-1": [drCopyPolicy("policy-0bbb", { State: "ERROR" })] });
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({ Snapshots: [copy("snap-1", "policy-0aaa", A, 10), copy("snap-2", "policy-0bbb", B, 40)] });
    // WHEN the check runs
    const result = await handler()(EVENT);
    // THEN one line per policy names it, its region and state; B is stale, A not yet
    expect(logs.filter((entry) => entry.decision === "dlm-policy-not-enabled")).toMatchObject([
      { policyId: "policy-0bbb", region: "eu-west-1", state: "ERROR" },
      { policyId: "policy-0aaa", region: "us-east-1", state: "DISABLED" },
    ]);
    expect(staleKeys(result.stale)).toEqual([`ebs/${B}/eu-west-1`]);
    expect(logs.find((entry) => entry.decision === "summary")).toMatchObject({ dlmPolicies: 2, dlmPoliciesNotEnabled: 2, staleSources: 1 });
  });

  test("throttling is retried; a listing that still fails fails the run, with no metric (the alarm fires on the silence)", async () => {
    // GIVEN DLM throttles once in every region, then answers
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    dlm.on(GetLifecyclePoliciesCommand).rejectsOnce(throttled).resolves({ Policies: [drCopyPolicy("policy-0aaa")] });
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({ Snapshots: [] });
    // WHEN the check runs THEN the throttled call is retried and the run completes
    await handler(settings({ expected: [{ account: A, region: "us-east-1", flow: "ebs" }] }))(EVENT);
    expect(logs.filter((entry) => entry.decision === "retry")).toEqual([{ decision: "retry", operation: "GetLifecyclePolicies", attempt: 1, delayMs: 0, error: "ThrottlingException" }]);

    // GIVEN the role may not list DLM policies
    dlm.reset();
    logs = [];
    dlm.on(GetLifecyclePoliciesCommand).rejects(Object.assign(new Error("not authorized to perform dlm:GetLifecyclePolicies"), { name: "AccessDeniedException" }));
    // WHEN the check runs THEN it throws, without a summary
    await expect(handler()(EVENT)).rejects.toThrow("not authorized to perform dlm:GetLifecyclePolicies");
    expect(logs.find((entry) => entry.decision === "summary")).toBeUndefined();
    expect(ec2.commandCalls(DescribeSnapshotsCommand, { OwnerIds: ["self"] })).toHaveLength(1); // from the first run only
  });

  test("a region without EBS sources asks DLM nothing", async () => {
    // GIVEN only AWS Backup sources are expected here
    const s = settings({ expected: [{ account: A, region: "us-east-1", flow: "backup" }], dlmPolicyFilter: undefined, backupVaultName: "v" });
    const backup = mockClient(BackupClient);
    backup.onAnyCommand().resolves({ RecoveryPoints: [] });
    // WHEN the check runs THEN no DLM call is made
    await handler(s)(EVENT);
    backup.restore();
    expect(dlm.commandCalls(GetLifecyclePoliciesCommand)).toHaveLength(0);
  });
});

describe("isDrCopyPolicy", () => {
  test.each([
    ["the DR stack's event policy", {}, true],
    ["another DR stack", { Tags: { SnapshotDrStack: "dr-999999999999" } }, false],
    ["another name prefix", { Description: "snapshot-dr2 copy shared DR snapshots us-east-1 part 1 of 1" }, false],
    ["a snapshot policy", { PolicyType: "EBS_SNAPSHOT_MANAGEMENT" as const }, false],
    ["no policy ID", { PolicyId: undefined }, false],
  ])("%s", (_what, overrides, expected) => {
    expect(isDrCopyPolicy({ ...drCopyPolicy("policy-0aaa"), ...overrides }, DR_POLICY_FILTER)).toBe(expected);
  });
});
