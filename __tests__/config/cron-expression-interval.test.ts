import { cronExpressionProblems } from "../../modules/config/cron-expression";
import { cronIntervalHours } from "../../modules/config/cron-interval";
import type { RawConfig } from "../../modules/config/schema";
import { Mutable, problemsOf as problemsOfConfig } from "./support/problems";

/** One source account in the DR account's organization, AWS Backup off. */
function validConfig(): Mutable {
  return structuredClone({
    organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999" }],
    drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1"] },
    sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }],
  } satisfies RawConfig);
}

/** The transit copies kept as long as the schema allows, so that only the schedule is judged. */
const withDlmCron = (cronExpression: string) =>
  problemsOfConfig(validConfig(), (c) => (c.ebs = { schedule: { cronExpression }, transitCopyRetentionHours: 8808 }));
const withBackupCron = (schedule: string) =>
  problemsOfConfig(validConfig(), (c) => (c.backup = { rules: [{ name: "r", schedule, lifecycle: { deleteAfterDays: 35 } }] }));

const DLM_RULE = "The schedule interval must be between 1 hour and 1 year";

describe("DLM's schedule interval, between 1 hour and 1 year", () => {
  test.each([
    ["the 1st of every other month (62 days at most)", "cron(0 3 1 */2 ? *)"],
    ["hourly, the shortest interval allowed", "cron(0 * * * ? *)"],
    ["the last weekday of the month", "cron(15 3 LW * ? *)"],
    ["the last day of every month and the 15th", "cron(0 3 L,15 * ? *)"],
  ])("GIVEN %s WHEN it is validated THEN it is accepted", (_name, expression) => {
    expect(withDlmCron(expression)).toEqual([]);
  });

  test("a yearly schedule is accepted: its interval is one calendar year, 365 or 366 days", () => {
    // GIVEN New Year's Day every year
    const expression = "cron(0 3 1 1 ? *)";
    // WHEN its longest gap is computed and it is validated
    const hours = cronIntervalHours(expression);
    const problems = withDlmCron(expression);
    // THEN the gap over a leap year is 366 days (8,784 h), which is still "1 year": DLM's bound is read as the longest
    // calendar year, or no yearly schedule could pass (every one crosses a 29 February), and it is accepted
    expect(hours).toBe(8784);
    expect(problems).toEqual([]);
  });

  test("GIVEN the 30th of February WHEN it is validated THEN it is rejected: it never runs", () => {
    expect(withDlmCron("cron(0 3 30 2 ? *)")).toEqual([`ebs.schedule.cronExpression: ${DLM_RULE}: no date matches the expression, so it never runs`]);
  });

  test("GIVEN the first Monday of January WHEN it is validated THEN it is rejected: 53 weeks can separate two runs", () => {
    // 1 January 2024 was a Monday, the next first Monday of January was 6 January 2025: 371 days
    expect(Date.UTC(2025, 0, 6) - Date.UTC(2024, 0, 1)).toBe(371 * 24 * 3600 * 1000);
    expect(withDlmCron("cron(0 3 ? JAN 2#1 *)")).toEqual([
      `ebs.schedule.cronExpression: ${DLM_RULE}: its runs can be 371 days apart, more than a year (366 days)`,
    ]);
  });

  test("GIVEN the 29th of February WHEN it is validated THEN it is rejected: 2100 is no leap year, eight years apart", () => {
    expect(withDlmCron("cron(0 3 29 2 ? *)")).toEqual([`ebs.schedule.cronExpression: ${DLM_RULE}: its runs can be 2921 days apart, more than a year (366 days)`]);
  });

  test("GIVEN runs at two hours of the first Monday of January WHEN it is validated THEN the gap is given to the hour", () => {
    expect(cronExpressionProblems("cron(0 3,5 ? JAN 2#1 *)", "dlm")).toEqual([`${DLM_RULE}: its runs can be 370 days 22 hours apart, more than a year (366 days)`]);
  });

  test("GIVEN every 30 minutes WHEN it is validated THEN it is rejected: under 1 hour", () => {
    expect(withDlmCron("cron(0/30 * * * ? *)")).toEqual([`ebs.schedule.cronExpression: ${DLM_RULE}: the minutes field must select a single minute`]);
  });

  test("GIVEN every 30 minutes on the 30th of February WHEN it is validated THEN both problems are reported at once", () => {
    expect(withDlmCron("cron(0,30 3 30 2 ? *)")).toEqual([
      `ebs.schedule.cronExpression: ${DLM_RULE}: the minutes field must select a single minute`,
      `ebs.schedule.cronExpression: ${DLM_RULE}: no date matches the expression, so it never runs`,
    ]);
  });

  test("GIVEN a single year WHEN it is validated THEN the year rule and the single run are both reported", () => {
    expect(cronExpressionProblems("cron(0 3 1 1 ? 2026)", "dlm")).toEqual([
      `${DLM_RULE}: the year field must be '*'`,
      `${DLM_RULE}: the expression runs fewer than twice`,
    ]);
  });

  test("GIVEN both day fields set WHEN it is validated THEN only that is reported, not a schedule that never runs", () => {
    expect(cronExpressionProblems("cron(0 3 1 1 MON *)", "dlm")).toEqual(["set one of day-of-month and day-of-week to '?' (they cannot both be specified, nor both be '?')"]);
  });
});

describe("AWS Backup's schedule interval: at least an hour, no documented maximum", () => {
  test.each([
    ["the first Monday of January", "cron(0 5 ? JAN 2#1 *)"],
    ["every four years", "cron(0 5 1 1 ? 2028/4)"],
  ])("GIVEN %s WHEN it is validated THEN it is accepted", (_name, expression) => {
    expect(withBackupCron(expression)).toEqual([]);
  });

  test("GIVEN every 30 minutes WHEN it is validated THEN it is rejected in AWS Backup's words", () => {
    expect(withBackupCron("cron(0/30 * * * ? *)")).toEqual([
      "backup.rules[0].schedule: The interval between backup jobs shouldn't be less than 60 minutes: the minutes field must select a single minute",
    ]);
  });
});

describe("the fields, read by the interval computation's parsers", () => {
  test.each([
    ["a day-of-month list with a bad day after L", "cron(0 3 L,99 * ? *)", "the day-of-month field 'L,99' is not valid (1-31)"],
    ["a day-of-week list with a bad day after L", "cron(0 3 ? * L,9 *)", "the day-of-week field 'L,9' is not valid (1-7 or SUN-SAT)"],
    ["a '#' in a day-of-week list", "cron(0 3 ? * 2#1,3 *)", "the day-of-week field '2#1,3' may hold only one expression with '#'"],
    ["a '#' in a month list", "cron(0 3 1 2#1,3 ? *)", "the month field '2#1,3' is not valid (1-12 or JAN-DEC)"],
    ["a fifth-and-more occurrence", "cron(0 3 ? * 2#6 *)", "the day-of-week field '2#6' is not valid (1-7 or SUN-SAT)"],
    ["a '?' in the hours", "cron(0 ? 1 * ? *)", "the hours field '?' is not valid (0-23)"],
  ])("GIVEN %s WHEN it is validated THEN the field is named", (_name, expression, message) => {
    expect(cronExpressionProblems(expression, "backup")).toEqual([message]);
  });
});
