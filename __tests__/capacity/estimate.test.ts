import { blockingRows, desiredValue, estimateCapacity, increaseCandidates, statusOf, type EstimatedRow } from "../../modules/capacity/estimate";
import { peakCopiesInFlight } from "../../modules/capacity/demand/ebs-dr-copies";
import { cronRunsPerDay } from "../../modules/capacity/inputs";
import { capacityReportSection, increaseCommand, renderCapacityJson } from "../../modules/capacity/render";
import { parseConfig } from "../../modules/config/load-config";
import { generateConfig, type GeneratedConfigOptions } from "../../scripts/generate-config";

const DR = "222222222222";
const estimateOf = (options: GeneratedConfigOptions) => estimateCapacity(parseConfig(generateConfig(options)));
const rowOf = (rows: readonly EstimatedRow[], account: string, region: string, quota: string) => {
  const found = rows.filter((row) => row.account === account && row.region === region && row.quota === quota);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("capacity estimate", () => {
  test("status: ok up to the near percentage, near above it, over above the limit", () => {
    expect(statusOf(80, 100, 80)).toBe("ok");
    expect(statusOf(81, 100, 80)).toBe("near");
    expect(statusOf(100, 100, 80)).toBe("near");
    expect(statusOf(101, 100, 80)).toBe("over");
  });

  test("cron schedules count their runs per day (day restrictions count as daily)", () => {
    expect(cronRunsPerDay("cron(0 5 ? * * *)")).toBe(1);
    expect(cronRunsPerDay("cron(0 */6 * * ? *)")).toBe(4);
    expect(cronRunsPerDay("cron(0,30 1-2 ? * MON *)")).toBe(4);
  });

  test("copies in flight: spread starts overlap only within a copy's duration, and wrap around the period", () => {
    // 3 batches of 10 at minutes 0, 60 and 1430 of a day, 30 minutes each: the 1430 batch runs into minute 0
    expect(peakCopiesInFlight([{ startMinute: 0, copies: 10 }, { startMinute: 60, copies: 10 }, { startMinute: 1430, copies: 10 }], 1440, 30)).toBe(20);
    // a copy longer than the period overlaps the next run's copies
    expect(peakCopiesInFlight([{ startMinute: 0, copies: 10 }], 60, 90)).toBe(20);
  });

  test("a small estate is within every limit", () => {
    // GIVEN 3 re-encrypting accounts in one region, 10 volumes each, copies kept 30 days
    const estimate = estimateOf({ sourceAccounts: 3, regionsPerAccount: 1 });
    // THEN the DR copy regions hold 3 × 10 × 30 copies, one event policy covers the region, and nothing binds
    expect(rowOf(estimate.rows, DR, "us-east-1", "Snapshots per Region").demand).toBe(900);
    expect(rowOf(estimate.rows, DR, "us-west-2", "Snapshots per Region").demand).toBe(900);
    expect(rowOf(estimate.rows, DR, "us-east-1", "Policies per Region").demand).toBe(1);
    // each source account: 10 × 7 kept + 10 transit copies per day kept (48 h + the hourly clean-up: 3 days' worth)
    expect(rowOf(estimate.rows, "100000000001", "us-east-1", "Snapshots per Region").demand).toBe(10 * 7 + 10 * 3);
    expect(rowOf(estimate.rows, "100000000001", "us-east-1", "Concurrent snapshot copies per destination Region").demand).toBe(10);
    expect(estimate.rows.filter((row) => row.status === "over")).toEqual([]);
    expect(blockingRows(estimate)).toEqual([]);
  });

  test("a source account with more volumes than concurrent copies goes near, then over a limit AWS does not raise", () => {
    // GIVEN one account with 17 volumes and one with 21
    const estimate = estimateOf({
      sourceAccounts: 2,
      regionsPerAccount: 1,
      capacity: { accounts: { "100000000001": { volumesPerRegion: 17 }, "100000000002": { volumesPerRegion: 21 } } },
    });
    const quota = "Concurrent snapshot copies per destination Region";
    // THEN the first is near (85%), the second over and blocking
    expect(rowOf(estimate.rows, "100000000001", "us-east-1", quota)).toMatchObject({ demand: 17, status: "near", adjustable: false, quotaCode: null });
    expect(rowOf(estimate.rows, "100000000002", "us-east-1", quota)).toMatchObject({ demand: 21, status: "over" });
    expect(blockingRows(estimate).map((row) => row.account)).toContain("100000000002");
  });

  test("two RDS accounts at 35 days' retention exceed 100 manual DB snapshots in the DR region", () => {
    // GIVEN two accounts with 2 databases each in one region, copies kept 35 days, also copied to the secondary region
    const estimate = estimateOf({ sourceAccounts: 2, regionsPerAccount: 1, rds: true });
    // THEN the DR account holds 2 × 2 × 35 = 140 in us-east-1 and again in us-west-2: over, adjustable
    const primary = rowOf(estimate.rows, DR, "us-east-1", "Manual DB instance snapshots");
    expect(primary).toMatchObject({ demand: 140, limit: 100, status: "over", adjustable: true, quotaCode: "L-272F1212" });
    expect(rowOf(estimate.rows, DR, "us-west-2", "Manual DB instance snapshots").demand).toBe(140);
    // and clusters 2 × 1 × 35 = 70: ok
    expect(rowOf(estimate.rows, DR, "us-east-1", "Manual DB cluster snapshots")).toMatchObject({ demand: 70, status: "ok", quotaCode: "L-9B510759" });
    // WHEN the increase is asked THEN for enough that 140 sits at 80%
    expect(desiredValue(primary, 80)).toBe(175);
    expect(increaseCommand(primary, 80)).toBe(
      "aws service-quotas request-service-quota-increase --service-code rds --quota-code L-272F1212 --desired-value 175 --region us-east-1",
    );
    expect(increaseCandidates(estimate)).toContainEqual(primary);
  });

  test("AWS Backup: recovery points per vault in the DR vault and both source vaults with copyToRegion", () => {
    // GIVEN two accounts in us-east-1 and eu-west-1 backing up 20 resources daily, kept 35 days, also copied to eu-west-1
    const estimate = estimateOf({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true, backupCopyToRegion: true });
    const quota = "Recovery points per backup vault";
    // THEN the DR vault of us-east-1 (eu-west-1 has none: it copies to the first copy region) holds 2 × 2 × 20 × 35
    expect(rowOf(estimate.rows, DR, "us-east-1", quota)).toMatchObject({ demand: 2800, limit: 1000000, adjustable: true, quotaCode: "L-514878B6" });
    // and each account's eu-west-1 vault its own 20 × 35 plus the copies from us-east-1
    expect(rowOf(estimate.rows, "100000000001", "us-east-1", quota).demand).toBe(700);
    expect(rowOf(estimate.rows, "100000000001", "eu-west-1", quota).demand).toBe(1400);
  });

  test("1,000 accounts across organizations, share mode and RDS: which rows go over", () => {
    // GIVEN the cross-organization estate at 1,000 accounts in 3 regions
    const estimate = estimateOf({ sourceAccounts: 1000, regionsPerAccount: 3, sourceOrganizations: 2, ebsMode: "share", rds: true });
    // THEN each DR copy region receives 30,000 copies a day: far over the 20 concurrent copies AWS allows
    const copies = rowOf(estimate.rows, DR, "us-east-1", "Concurrent snapshot copies per destination Region");
    expect(copies.status).toBe("over");
    expect(copies.demand).toBeGreaterThan(20);
    expect(estimate.ebsCopyLoads[0]).toMatchObject({ region: "us-east-1", copiesPerRun: 30000, copiesPerDay: 30000 });
    // and holds 30,000 × 30 days of copies (adjustable), and 20 event policies per source region (ok)
    expect(rowOf(estimate.rows, DR, "us-east-1", "Snapshots per Region")).toMatchObject({ demand: 900000, status: "over", adjustable: true });
    expect(rowOf(estimate.rows, DR, "eu-west-1", "Policies per Region")).toMatchObject({ demand: 20, status: "ok" });
    // RDS: us-east-1 keeps its own imports and the secondary copies of eu-west-1 and ap-southeast-2: 3 × 1,000 × 2 × 35
    expect(rowOf(estimate.rows, DR, "us-east-1", "Manual DB instance snapshots").demand).toBe(210000);
    // source accounts stay within their limits
    expect(estimate.rows.filter((row) => row.role === "source" && row.status !== "ok")).toEqual([]);
    expect(blockingRows(estimate).every((row) => row.account === DR)).toBe(true);
  });

  test("a wider stagger window lowers the peak of copies in flight", () => {
    const peak = (staggerWindowMinutes: number) =>
      rowOf(
        estimateOf({ sourceAccounts: 100, regionsPerAccount: 1, capacity: { staggerWindowMinutes } }).rows,
        DR,
        "us-east-1",
        "Concurrent snapshot copies per destination Region",
      ).demand;
    // GIVEN 100 accounts × 10 volumes, 30-minute copies WHEN all start at once THEN all 1,000 are in flight
    expect(peak(0)).toBe(1000);
    // WHEN spread over 4 hours and over the whole day THEN far fewer overlap
    expect(peak(240)).toBeLessThan(300);
    expect(peak(1440)).toBeLessThan(peak(240));
  });

  test("the JSON has exactly the contract's fields", () => {
    const json = JSON.parse(renderCapacityJson(estimateOf({ sourceAccounts: 2, regionsPerAccount: 2, rds: true })));
    expect(Object.keys(json)).toEqual(["rows"]);
    for (const row of json.rows) {
      expect(Object.keys(row)).toEqual(["account", "region", "quota", "quotaCode", "limit", "adjustable", "demand", "status"]);
      expect(["ok", "near", "over"]).toContain(row.status);
    }
  });

  test("capacity.accounts may name only source accounts", () => {
    const config = parseConfig({ ...generateConfig({ sourceAccounts: 1 }), capacity: { accounts: { "999999999990": { volumesPerRegion: 1 } } } });
    expect(() => estimateCapacity(config, "in estate.yaml")).toThrow(
      "Invalid configuration in estate.yaml:\n  - capacity.accounts.999999999990: is not a source account (sourceAccounts[].id)",
    );
  });

  test("npm run report's section: the same tables under a Capacity heading", () => {
    const section = capacityReportSection(estimateOf({ sourceAccounts: 2, regionsPerAccount: 1, rds: true }));
    expect(section[0]).toBe("## Capacity");
    expect(section).toContain("### Over and near");
    expect(section).toContain("### Within limits");
  });
});
