import { newestCopies, newlyStale, staleSources, type DrCopy, type ExpectedSource } from "../../modules/dr-account/freshness-check/stale-sources";
import { backupCopySource, ebsCopyAccount, rdsCopySource } from "../../modules/dr-account/freshness-check/copy-provenance";

const NOW = new Date("2026-06-10T12:00:00Z");
const RPO = { ebs: 36, rds: 36, backup: 44 };
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const A = "111111111111";
const B = "333333333333";

describe("staleSources (the freshness check's decision)", () => {
  const expected: ExpectedSource[] = [
    { account: A, region: "us-east-1", flow: "ebs" },
    { account: A, region: "eu-west-1", flow: "ebs" },
    { account: B, region: "us-east-1", flow: "ebs" },
    { account: B, region: "us-east-1", flow: "backup" },
  ];

  test("a source without any copy and a source whose newest copy is older than the RPO are stale; fresh ones are not", () => {
    // GIVEN A/us-east-1 copied 2 h ago (and 50 h ago), A/eu-west-1 40 h ago, B's EBS never, B's backup 43 h ago
    const copies: DrCopy[] = [
      { account: A, region: "us-east-1", flow: "ebs", createdAt: hoursAgo(50) },
      { account: A, region: "us-east-1", flow: "ebs", createdAt: hoursAgo(2) },
      { account: A, region: "eu-west-1", flow: "ebs", createdAt: hoursAgo(40) },
      { account: B, region: "us-east-1", flow: "backup", createdAt: hoursAgo(43) },
    ];
    // WHEN checked at NOW
    const stale = staleSources(expected, copies, NOW, RPO);
    // THEN exactly A/eu-west-1 (too old for 36 h) and B's EBS (no copy) are reported, in the order expected
    expect(stale).toEqual([
      { account: A, region: "eu-west-1", flow: "ebs", reason: "too-old", newestCopyAt: "2026-06-08T20:00:00.000Z", ageHours: 40, rpoHours: 36 },
      { account: B, region: "us-east-1", flow: "ebs", reason: "no-copy", rpoHours: 36 },
    ]);
  });

  test("a copy of another flow, region or an unexpected account does not make a source fresh", () => {
    // GIVEN copies that match A/us-east-1/ebs in all but one field
    const copies: DrCopy[] = [
      { account: A, region: "us-east-1", flow: "rds", createdAt: hoursAgo(1) },
      { account: A, region: "us-west-2", flow: "ebs", createdAt: hoursAgo(1) },
      { account: "444444444444", region: "us-east-1", flow: "ebs", createdAt: hoursAgo(1) },
    ];
    // WHEN checked THEN A/us-east-1/ebs is still without copy
    const stale = staleSources([expected[0]], copies, NOW, RPO);
    expect(stale).toEqual([{ account: A, region: "us-east-1", flow: "ebs", reason: "no-copy", rpoHours: 36 }]);
  });

  test("exactly at the RPO is fresh, one minute past is stale; a duplicate expected source is reported once", () => {
    // GIVEN a copy exactly 36 h old WHEN checked THEN fresh; a minute later THEN stale, once
    const copies: DrCopy[] = [{ account: A, region: "us-east-1", flow: "ebs", createdAt: hoursAgo(36) }];
    expect(staleSources([expected[0], expected[0]], copies, NOW, RPO)).toEqual([]);
    const later = new Date(NOW.getTime() + 60_000);
    expect(staleSources([expected[0], expected[0]], copies, later, RPO)).toHaveLength(1);
  });

  test("newestCopies keeps the newest copy of every source, and staleSources accepts its result", () => {
    // GIVEN two copies of one source WHEN reduced THEN the newer one is kept
    const newest = newestCopies([
      { account: A, region: "us-east-1", flow: "ebs", createdAt: hoursAgo(3) },
      { account: A, region: "us-east-1", flow: "ebs", createdAt: hoursAgo(1) },
    ]);
    expect([...newest.values()].map((copy) => copy.createdAt.toISOString())).toEqual([hoursAgo(1).toISOString()]);
    expect(staleSources([expected[0]], newest, NOW, RPO)).toEqual([]);
  });

  test("rejects an RPO that is not a positive number", () => {
    // GIVEN an RPO of 0 for EBS WHEN checked THEN it fails naming the flow
    expect(() => staleSources([expected[0]], [], NOW, { ...RPO, ebs: 0 })).toThrow(
      "The recovery point objective of flow ebs must be a positive number of hours, got 0",
    );
  });
});

describe("copy provenance", () => {
  test("AWS Backup: the account and region of the vault a recovery point was copied from", () => {
    expect(backupCopySource(`arn:aws:backup:eu-west-1:${A}:backup-vault:snapshot-dr-source`)).toEqual({ account: A, region: "eu-west-1" });
    expect(backupCopySource(undefined)).toBeUndefined();
  });

  test("RDS: the SourceSnapshotArn tag, else SourceAccount in the copy's region", () => {
    expect(rdsCopySource([{ Key: "SourceSnapshotArn", Value: `arn:aws:rds:eu-west-1:${A}:snapshot:snapshot-dr-dr-db1` }], "us-east-1")).toEqual({
      account: A,
      region: "eu-west-1",
    });
    expect(rdsCopySource([{ Key: "SourceAccount", Value: B }], "us-east-1")).toEqual({ account: B, region: "us-east-1" });
    expect(rdsCopySource([{ Key: "Other", Value: "x" }], "us-east-1")).toBeUndefined();
  });

  test("EBS: an expected account named in the description, else the owner of a shared snapshot it names", () => {
    const accounts = new Set([A, B]);
    expect(ebsCopyAccount(`snapshot-dr DR transit copy of snap-0123456789abcdef0 from ${B}`, accounts, new Map())).toBe(B);
    const owners = new Map([["snap-0aaaaaaaaaaaaaaaa", A]]);
    expect(ebsCopyAccount("[Copied snap-0aaaaaaaaaaaaaaaa from us-east-1]", accounts, owners)).toBe(A);
    // an account that is not expected here, or an unknown snapshot, attributes nothing
    expect(ebsCopyAccount("copy from 999999999999 of snap-0bbbbbbbbbbbbbbbb", accounts, owners)).toBeUndefined();
  });
});

describe("newlyStale (what tells someone again while others are already stale)", () => {
  test("counts the sources whose newest copy passed the objective within the last run interval, not older ones nor those without a copy", () => {
    // GIVEN a source 36.5 h old (passed 36 h half an hour ago), one 37 h old (exactly an hour ago), one 40 h old, one with no copy
    const expected: ExpectedSource[] = ["111111111111", "222222222222", "333333333333", "444444444444"].map((account) => ({ account, region: "us-east-1", flow: "ebs" }));
    const copies: DrCopy[] = [
      { account: "111111111111", region: "us-east-1", flow: "ebs", createdAt: hoursAgo(36.5) },
      { account: "222222222222", region: "us-east-1", flow: "ebs", createdAt: hoursAgo(37) },
      { account: "333333333333", region: "us-east-1", flow: "ebs", createdAt: hoursAgo(40) },
    ];
    const stale = staleSources(expected, copies, NOW, RPO);

    // WHEN the hourly check asks which went stale since its previous run
    const newly = newlyStale(stale, 1);

    // THEN the first two, not the one stale for 4 hours, not the one that never sent
    expect(stale.map((source) => source.account)).toEqual(["111111111111", "222222222222", "333333333333", "444444444444"]);
    expect(newly.map((source) => source.account)).toEqual(["111111111111", "222222222222"]);
  });
});
