import { cronIntervalHours, snapshotScheduleIntervalHours } from "../../modules/config/cron-interval";

describe("the longest gap between two runs of a cron schedule", () => {
  test.each([
    ["hourly", "cron(0 * * * ? *)", 1],
    ["daily at 03:00", "cron(0 3 * * ? *)", 24],
    ["daily, day-of-week any", "cron(0 5 ? * * *)", 24],
    ["every 6 hours as a step over a range", "cron(0 0-23/6 * * ? *)", 6],
    ["every 6 hours as */6", "cron(0 */6 * * ? *)", 6],
    ["every 6 hours from midnight as 0/6", "cron(0 0/6 * * ? *)", 6],
    ["at 05:00 and 20:00 (5/15): the day gap", "cron(0 5/15 * * ? *)", 15],
    ["twice a day, evenly", "cron(0 1,13 * * ? *)", 12],
    ["twice a day, evenly, day-of-week any", "cron(30 1,13 ? * * *)", 12],
    ["twice a day, unevenly: the overnight gap", "cron(0 2,5 * * ? *)", 21],
    ["weekdays only: the weekend", "cron(0 3 ? * MON-FRI *)", 72],
    ["weekdays by number", "cron(0 3 ? * 2-6 *)", 72],
    ["weekly on Sunday", "cron(0 5 ? * SUN *)", 168],
    ["the 1st of every month: after a 31-day month", "cron(0 5 1 * ? *)", 31 * 24],
    ["the first Monday of the month: five weeks at most", "cron(0 3 ? * 2#1 *)", 35 * 24],
    ["the last Friday of the month", "cron(0 3 ? * 6L *)", 35 * 24],
    ["the last day of the month: from 28 February to 31 March", "cron(0 3 L * ? *)", 31 * 24],
    ["quarterly in named months", "cron(0 3 1 JAN,APR,JUL,OCT ? *)", 92 * 24],
    ["daily in 2027 only: the time after the last run is no gap", "cron(0 3 * * ? 2027)", 24],
    ["weekly until 2199", "cron(0 6 ? JAN-DEC SUN 2026-2199)", 168],
    ["New Year in 2026 and 2030: four years with one 29 February", "cron(0 3 1 1 ? 2026,2030)", 1461 * 24],
  ])("GIVEN %s WHEN its interval is computed THEN it is the worst case (%s → %d h)", (_name, expression, hours) => {
    expect(cronIntervalHours(expression)).toBe(hours);
  });

  test("the 1st of every other month: the worst gap is 1 July to 1 September, 62 days", () => {
    // GIVEN runs on 1 January, March, May, July, September and November
    const expression = "cron(0 3 1 */2 ? *)";
    // WHEN its interval is computed
    const hours = cronIntervalHours(expression);
    // THEN it is the longest of 59/60, 61, 61, 62, 61 and 61 days
    expect(hours).toBe(1488);
    expect(Date.UTC(2026, 8, 1) - Date.UTC(2026, 6, 1)).toBe(1488 * 3600 * 1000);
  });

  test("the weekday nearest the 1st never leaves the month: a Saturday 1st runs on Monday the 3rd", () => {
    // GIVEN the weekday nearest the 1st
    const expression = "cron(0 3 1W * ? *)";
    // WHEN its interval is computed
    const hours = cronIntervalHours(expression);
    // THEN the worst gap is from a Wednesday 1st of a 31-day month to the 3rd of the next, e.g. 1 October 2025 to
    // Monday 3 November 2025 (1 November 2025 is a Saturday): 33 days
    expect(new Date(Date.UTC(2025, 10, 1)).getUTCDay()).toBe(6);
    expect(hours).toBe((Date.UTC(2025, 10, 3) - Date.UTC(2025, 9, 1)) / 3_600_000);
  });

  test.each([
    ["not a cron expression", "rate(1 day)"],
    ["five fields", "cron(0 3 * * ?)"],
    ["both day fields given", "cron(0 3 * * * *)"],
    ["neither day field given", "cron(0 3 ? * ? *)"],
    ["an hour out of range", "cron(0 24 * * ? *)"],
    ["a backwards range", "cron(0 3 ? * FRI-MON *)"],
    ["an unknown name", "cron(0 3 ? * FUN *)"],
    ["two expressions with #", "cron(0 3 ? * 2#1,6#3 *)"],
    ["a date that never comes", "cron(0 3 30 2 ? *)"],
    ["a schedule that runs once (year field)", "cron(0 3 1 1 ? 2027)"],
    ["a year out of range", "cron(0 3 * * ? 2200)"],
  ])("GIVEN %s (%s) WHEN its interval is computed THEN there is none", (_name, expression) => {
    expect(cronIntervalHours(expression)).toBeUndefined();
  });

  test("every expression is computed over a whole 400-year cycle in a few milliseconds", () => {
    // GIVEN the expression with the most run days (hourly, every day) WHEN computed 20 times
    const started = process.hrtime.bigint();
    for (let run = 0; run < 20; run += 1) cronIntervalHours("cron(0 * * * ? *)");
    // THEN each took well under 50 ms
    expect(Number(process.hrtime.bigint() - started) / 1e6 / 20).toBeLessThan(50);
  });

  test.each([
    [{ intervalHours: 12 }, 12],
    [{ cronExpression: "cron(0 3 ? * MON-FRI *)" }, 72],
    [{ cronExpression: "cron(0 3 30 2 ? *)" }, undefined],
    [{}, undefined],
  ])("the EBS schedule %j snapshots at most %s hours apart", (schedule, hours) => {
    expect(snapshotScheduleIntervalHours(schedule)).toBe(hours);
  });
});
