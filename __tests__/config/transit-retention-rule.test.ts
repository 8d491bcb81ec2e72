import { ConfigError, parseConfig } from "../../modules/config/load-config";
import { snapshotIntervalHours } from "../../modules/config/transit-retention-rule";

const BASE = {
  organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999" }],
  drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1"] },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }],
};

/** The problems reported for the base configuration with these parts. */
function problemsOf(parts: Record<string, unknown>): string[] {
  try {
    parseConfig({ ...BASE, ...parts });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe("transit retention against the schedule", () => {
  test("the default retention (48 h) suits the default daily schedule", () => {
    expect(problemsOf({})).toEqual([]);
  });

  test("a retention shorter than the interval plus the copy margin is refused with the rule", () => {
    // GIVEN a daily schedule and transit copies kept 24 hours
    const parts = { ebs: { transitCopyRetentionHours: 24 } };

    // WHEN / THEN
    expect(problemsOf(parts)).toEqual([
      "ebs.transitCopyRetentionHours: must be at least the snapshot interval (24 h) + 24 h copy margin = 48: a transit copy must outlive the next snapshot until the DR account has copied it",
    ]);
  });

  test("a weekly cron schedule needs a week plus the margin", () => {
    // GIVEN snapshots every Sunday at 03:00
    const parts = { ebs: { schedule: { cronExpression: "cron(0 3 ? * SUN *)" }, transitCopyRetentionHours: 72 } };

    // WHEN / THEN
    expect(problemsOf(parts)).toEqual([
      "ebs.transitCopyRetentionHours: must be at least the snapshot interval (168 h) + 24 h copy margin = 192: a transit copy must outlive the next snapshot until the DR account has copied it",
    ]);
  });

  test("RDS transit copies must outlive a daily backup plus the margin", () => {
    // GIVEN
    const parts = { rds: { enabled: true, transitCopyRetentionHours: 12 } };

    // WHEN / THEN
    expect(problemsOf(parts)).toEqual([
      "rds.transitCopyRetentionHours: must be at least the daily automated backup interval (24 h) + 24 h copy margin = 48: the DR account's hourly importer must find and copy a transit copy before it is deleted",
    ]);
  });

  test.each([
    [{ intervalHours: 12 }, 12],
    [{ cronExpression: "cron(0 3 * * ? *)" }, 24],
    [{ cronExpression: "cron(0 0/6 * * ? *)" }, 6],
    [{ cronExpression: "cron(30 1,13 ? * * *)" }, 12],
    [{ cronExpression: "cron(0 3 ? * MON-FRI *)" }, 72],
    [{ cronExpression: "cron(0 3 1 * ? *)" }, 744],
    [{ cronExpression: "cron(0 3 ? * 2#1 *)" }, undefined],
  ])("the longest gap of %j is %s hours", (schedule, hours) => {
    expect(snapshotIntervalHours(schedule)).toBe(hours);
  });
});
