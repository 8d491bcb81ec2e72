import { DescribeLockedSnapshotsCommand, DescribeSnapshotsCommand, EC2Client, LockSnapshotCommand, type Snapshot } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler, readSettings, type SnapshotLockEvent } from "../../modules/dr-account/snapshot-lock/handler";
import { lockDecision, retentionLowerBoundDays, snapshotIdOf } from "../../modules/dr-account/snapshot-lock/lock-plan";

const DR_ACCOUNT = "222222222222";
const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 24 * 3600 * 1000;
const ENV = { DR_ACCOUNT_ID: DR_ACCOUNT, LOCK_MODE: "governance", RETENTION_DAYS: "35", END_BEFORE_EXPIRY_DAYS: "1" };
const DLM_TAG = { Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0123456789abcdef0" };

const ec2Mock = mockClient(EC2Client);
const copy = (id: string, startedDaysAgo: number, extra: Partial<Snapshot> = {}): Snapshot => ({
  SnapshotId: id,
  OwnerId: DR_ACCOUNT,
  State: "completed",
  StartTime: new Date(NOW.getTime() - startedDaysAgo * DAY),
  Tags: [DLM_TAG],
  ...extra,
});
const copyEvent = (snapshotId: string, result = "succeeded"): SnapshotLockEvent => ({
  "detail-type": "EBS Snapshot Notification",
  source: "aws.ec2",
  region: "us-west-2",
  detail: { event: "copySnapshot", result, snapshot_id: `arn:aws:ec2::us-west-2:snapshot/${snapshotId}`, source: "arn:aws:ec2::us-east-1:snapshot/snap-0aaaaaaaaaaaaaaaa" },
});
const hourly: SnapshotLockEvent = { "detail-type": "Scheduled Event", source: "aws.events" };
const handlerWith = (env: Record<string, string> = ENV) =>
  createHandler({ ec2: ec2Mock as unknown as EC2Client, settings: readSettings(env), now: () => NOW, log: () => undefined, sleep: async () => undefined, random: () => 0 });

beforeEach(() => ec2Mock.reset());

describe("the lock decision", () => {
  const settings = readSettings(ENV);
  test("locks a DLM copy until a day before DLM expires it", () => {
    // GIVEN a copy that started today, kept 35 days WHEN decided THEN governance lock until day 34, no cooling-off
    const decision = lockDecision({ snapshotId: "snap-1", ownerId: DR_ACCOUNT, state: "completed", startTime: NOW, tags: { "aws:dlm:lifecycle-policy-id": "p" } }, settings, NOW);
    expect(decision).toEqual({
      action: "lock",
      snapshotId: "snap-1",
      request: { SnapshotId: "snap-1", LockMode: "governance", ExpirationDate: new Date(NOW.getTime() + 34 * DAY) },
    });
  });

  test("prefers DLM's own expiration tag to the configured retention", () => {
    // GIVEN a copy whose DLM expiration tag says 10 days from now WHEN decided THEN the lock ends 9 days from now
    const expires = new Date(NOW.getTime() + 10 * DAY).toISOString();
    const decision = lockDecision({ snapshotId: "snap-1", startTime: NOW, tags: { "aws:dlm:lifecycle-policy-id": "p", "aws:dlm:expirationTime": expires } }, settings, NOW);
    expect(decision.action === "lock" && decision.request.ExpirationDate).toEqual(new Date(NOW.getTime() + 9 * DAY));
  });

  test("leaves alone what is not a DR-owned DLM copy, or expires too soon for a one-day lock", () => {
    // GIVEN a snapshot without the DLM tag, one of another owner, one expiring in 36 hours WHEN decided THEN each is skipped with its reason
    const tags = { "aws:dlm:lifecycle-policy-id": "p" };
    expect(lockDecision({ snapshotId: "snap-a", startTime: NOW, tags: {} }, settings, NOW)).toEqual(expect.objectContaining({ action: "skip", reason: "no aws:dlm:lifecycle-policy-id tag: not a DLM copy" }));
    expect(lockDecision({ snapshotId: "snap-b", ownerId: "111111111111", startTime: NOW, tags }, settings, NOW)).toEqual(expect.objectContaining({ action: "skip", reason: "owned by 111111111111, not the DR account" }));
    const late = lockDecision({ snapshotId: "snap-c", startTime: new Date(NOW.getTime() - 33.5 * DAY), tags }, settings, NOW);
    expect(late).toEqual(expect.objectContaining({ action: "skip", reason: expect.stringMatching(/too soon for a lock of at least a day$/) }));
  });

  test("compliance mode carries the cooling-off period; governance never does", () => {
    // GIVEN compliance with 24 hours of cooling-off WHEN decided THEN CoolOffPeriod is 24
    const compliance = readSettings({ ...ENV, LOCK_MODE: "compliance", COOL_OFF_HOURS: "24" });
    const decision = lockDecision({ snapshotId: "snap-1", startTime: NOW, tags: { "aws:dlm:lifecycle-policy-id": "p" } }, compliance, NOW);
    expect(decision.action === "lock" && decision.request).toEqual(expect.objectContaining({ LockMode: "compliance", CoolOffPeriod: 24 }));
    // AND a governance setting with a cooling-off period is refused with the rule
    expect(() => readSettings({ ...ENV, COOL_OFF_HOURS: "24" })).toThrow('COOL_OFF_HOURS must be 1 to 72 and is for LOCK_MODE compliance only, got "24" with "governance"');
  });

  test("counts retention short and reads snapshot IDs out of notification ARNs", () => {
    // GIVEN retention units and ARNs WHEN converted THEN a month is 28 days, a year 365, and the ID is the ARN's tail
    expect([retentionLowerBoundDays(2, "MONTHS"), retentionLowerBoundDays(1, "YEARS"), retentionLowerBoundDays(3, "WEEKS")]).toEqual([56, 365, 21]);
    expect(snapshotIdOf("arn:aws:ec2::us-west-2:snapshot/snap-01234567890abcdef")).toBe("snap-01234567890abcdef");
    expect(snapshotIdOf(42)).toBeUndefined();
  });

  test("reports every bad setting at once", () => {
    // GIVEN an empty environment WHEN read THEN every required variable is named
    expect(() => readSettings({})).toThrow(/DR_ACCOUNT_ID is not set; LOCK_MODE is not set; RETENTION_DAYS is not set; END_BEFORE_EXPIRY_DAYS is not set/);
  });
});

describe("the handler", () => {
  test("locks a DLM copy as soon as its copySnapshot notification arrives", async () => {
    // GIVEN the finished copy snap-0b is a DLM copy of the DR account
    ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [copy("snap-0b", 0)] });
    ec2Mock.on(LockSnapshotCommand).resolves({});
    // WHEN its notification is handled
    const result = await handlerWith()(copyEvent("snap-0b"));
    // THEN it is looked up by filter (tag key and snapshot id, own snapshots) and locked in governance mode until a day before expiry
    expect(ec2Mock.commandCalls(DescribeSnapshotsCommand)[0].args[0].input).toEqual(
      expect.objectContaining({
        OwnerIds: ["self"],
        Filters: [
          { Name: "tag-key", Values: ["aws:dlm:lifecycle-policy-id"] },
          { Name: "snapshot-id", Values: ["snap-0b"] },
        ],
      }),
    );
    expect(ec2Mock.commandCalls(LockSnapshotCommand).map((call) => call.args[0].input)).toEqual([
      { SnapshotId: "snap-0b", LockMode: "governance", ExpirationDate: new Date(NOW.getTime() + 34 * DAY) },
    ]);
    expect(result).toEqual({ action: "lock-copy", locked: ["snap-0b"], skipped: [] });
  });

  test("ignores a failed copy and a copy that is not DLM's", async () => {
    // GIVEN no DLM copy matches WHEN a failed and a foreign copy are notified THEN nothing is locked
    ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    expect(await handlerWith()(copyEvent("snap-0c", "failed"))).toEqual({ action: "lock-copy", locked: [], skipped: [] });
    const foreign = await handlerWith()(copyEvent("snap-0d"));
    expect(foreign.skipped).toEqual(["snap-0d: no aws:dlm:lifecycle-policy-id tag or not owned here: not a DLM copy"]);
    expect(ec2Mock.commandCalls(LockSnapshotCommand)).toHaveLength(0);
  });

  test("the hourly run locks every DLM copy that has no lock yet, across pages", async () => {
    // GIVEN three copies over two pages, one already locked
    ec2Mock
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [copy("snap-01", 1), copy("snap-02", 2)], NextToken: "page-2" })
      .resolvesOnce({ Snapshots: [copy("snap-03", 3)] });
    ec2Mock.on(DescribeLockedSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-02", LockState: "governance" }] });
    ec2Mock.on(LockSnapshotCommand).resolves({});
    // WHEN the schedule fires
    const result = await handlerWith()(hourly);
    // THEN the two unlocked ones are locked, each until a day before its own expiry
    expect(ec2Mock.commandCalls(LockSnapshotCommand).map((call) => [call.args[0].input.SnapshotId, call.args[0].input.ExpirationDate])).toEqual([
      ["snap-01", new Date(NOW.getTime() + 33 * DAY)],
      ["snap-03", new Date(NOW.getTime() + 31 * DAY)],
    ]);
    expect(result.locked).toEqual(["snap-01", "snap-03"]);
    expect(ec2Mock.commandCalls(DescribeSnapshotsCommand)[1].args[0].input.NextToken).toBe("page-2");
  });

  test("one failed lock does not stop the others, and all failures are raised together", async () => {
    // GIVEN two copies, the first of which cannot be locked (retries exhausted on a transient error)
    ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [copy("snap-01", 1), copy("snap-02", 1)] });
    ec2Mock.on(DescribeLockedSnapshotsCommand).resolves({ Snapshots: [] });
    ec2Mock.on(LockSnapshotCommand, { SnapshotId: "snap-01" }).rejects(Object.assign(new Error("slow down"), { name: "RequestLimitExceeded" }));
    ec2Mock.on(LockSnapshotCommand, { SnapshotId: "snap-02" }).resolves({});
    // WHEN the schedule fires THEN the second is locked and the error names the first
    await expect(handlerWith()(hourly)).rejects.toThrow("Could not lock 1 DR copies: snap-01: RequestLimitExceeded: slow down");
    expect(ec2Mock.commandCalls(LockSnapshotCommand, { SnapshotId: "snap-02" })).toHaveLength(1);
    expect(ec2Mock.commandCalls(LockSnapshotCommand, { SnapshotId: "snap-01" })).toHaveLength(6);
  });
});
