import { ConfigError, parseConfig } from "../../modules/config/load-config";

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

  test("a schedule every other month needs its longest gap, 62 days, plus the margin", () => {
    // GIVEN snapshots on the 1st of every other month (1 July to 1 September is the longest gap: 62 days)
    const parts = { ebs: { schedule: { cronExpression: "cron(0 3 1 */2 ? *)" }, transitCopyRetentionHours: 1000 } };

    // WHEN / THEN
    expect(problemsOf(parts)).toEqual([
      "ebs.transitCopyRetentionHours: must be at least the snapshot interval (1488 h) + 24 h copy margin = 1512: a transit copy must outlive the next snapshot until the DR account has copied it",
    ]);
  });

  test("a schedule every 6 hours by an hour range and step needs 6 hours plus the margin", () => {
    // GIVEN snapshots at 00:00, 06:00, 12:00 and 18:00, and transit copies kept 30 hours
    const parts = { ebs: { schedule: { cronExpression: "cron(0 0-23/6 * * ? *)" }, transitCopyRetentionHours: 30 } };

    // WHEN / THEN the retention suffices
    expect(problemsOf(parts)).toEqual([]);
  });
});
