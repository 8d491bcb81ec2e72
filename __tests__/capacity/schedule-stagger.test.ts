import { Testing } from "cdktf";
import { scheduleOffsetMinutes, shiftUtcTime, staggerOffsetMinutes, staggerWindowMinutes } from "../../modules/capacity/schedule-stagger";
import { parseConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { SourceAccountStack } from "../../stacks/source-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dlmTimes = (synthesized: string): string[] =>
  Object.values(JSON.parse(synthesized).resource.aws_dlm_lifecycle_policy as Record<string, Json>).map(
    (policy) => policy.policy_details.schedule[0].create_rule.times?.[0],
  );

describe("staggered EBS snapshot schedules", () => {
  test("an account's offset is deterministic and within the window", () => {
    // GIVEN 1,000 generated account IDs and a 240-minute window
    const ids = parseConfig(generateConfig({ sourceAccounts: 1000, regionsPerAccount: 1 })).sourceAccounts.map((account) => account.id);
    // WHEN each offset is computed twice
    const first = ids.map((id) => staggerOffsetMinutes(id, 240));
    const second = ids.map((id) => staggerOffsetMinutes(id, 240));
    // THEN both runs agree and every offset is a whole minute from 0 to 239
    expect(second).toEqual(first);
    for (const offset of first) {
      expect(Number.isInteger(offset)).toBe(true);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(240);
    }
  });

  test("the offsets spread evenly over the window on a generated estate", () => {
    // GIVEN 1,000 generated accounts WHEN their offsets are counted in eight 30-minute buckets
    const ids = parseConfig(generateConfig({ sourceAccounts: 1000, regionsPerAccount: 1 })).sourceAccounts.map((account) => account.id);
    const buckets = new Array(8).fill(0);
    for (const id of ids) buckets[Math.floor(staggerOffsetMinutes(id, 240) / 30)] += 1;
    // THEN every bucket holds 125 ± 40 accounts (sequential IDs do not bunch up)
    for (const bucket of buckets) {
      expect(bucket).toBeGreaterThan(85);
      expect(bucket).toBeLessThan(165);
    }
  });

  test("the window is capped at the schedule interval and off for cron schedules, schedules without a time and 0", () => {
    // GIVEN one account WHEN the schedule varies THEN the window follows it
    const base = generateConfig({ sourceAccounts: 1 });
    expect(staggerWindowMinutes(parseConfig(base))).toBe(240);
    expect(staggerWindowMinutes(parseConfig({ ...base, ebs: { schedule: { intervalHours: 2, time: "00:15" } } }))).toBe(120);
    expect(staggerWindowMinutes(parseConfig({ ...base, ebs: { schedule: { cronExpression: "cron(0 2 * * ? *)" } } }))).toBe(0);
    expect(staggerWindowMinutes(parseConfig({ ...base, ebs: { schedule: { intervalHours: 12 } } }))).toBe(0);
    expect(staggerWindowMinutes(parseConfig({ ...base, capacity: { staggerWindowMinutes: 0 } }))).toBe(0);
    expect(scheduleOffsetMinutes(parseConfig({ ...base, capacity: { staggerWindowMinutes: 0 } }), "100000000001")).toBe(0);
  });

  test("times wrap around midnight", () => {
    expect(shiftUtcTime("03:00", 0)).toBe("03:00");
    expect(shiftUtcTime("03:00", 239)).toBe("06:59");
    expect(shiftUtcTime("23:30", 45)).toBe("00:15");
  });

  test("the source stack's DLM policies start at the configured time plus the account's offset, byte-identically", () => {
    // GIVEN a generated account in three regions
    const config = parseConfig(generateConfig({ sourceAccounts: 1, regionsPerAccount: 3 }));
    const account = config.sourceAccounts[0];
    // WHEN its stack is synthesized twice
    const first = Testing.synth(new SourceAccountStack(Testing.app(), config, account));
    const second = Testing.synth(new SourceAccountStack(Testing.app(), config, account));
    // THEN every region's policy starts at 03:00 plus the same offset, and the output does not change
    const expected = shiftUtcTime("03:00", scheduleOffsetMinutes(config, account.id));
    expect(dlmTimes(first)).toEqual([expected, expected, expected]);
    expect(second).toBe(first);
  });

  test("a cron schedule is left as configured", () => {
    // GIVEN a cron schedule WHEN synthesized THEN the policy has the cron expression and no times
    const config = parseConfig({ ...generateConfig({ sourceAccounts: 1, regionsPerAccount: 1 }), ebs: { schedule: { cronExpression: "cron(0 2 * * ? *)" } } });
    const json = JSON.parse(Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0])));
    const [policy] = Object.values(json.resource.aws_dlm_lifecycle_policy as Record<string, Json>);
    expect(policy.policy_details.schedule[0].create_rule).toEqual({ cron_expression: "cron(0 2 * * ? *)" });
  });
});
