import { Testing } from "cdktf";
import { ConfigError, parseConfig } from "../../modules/config/load-config";
import { recoveryPointObjectives } from "../../modules/monitoring/recovery-point-objectives";
import { generateConfig } from "../../scripts/generate-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { validationProblems } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = () => generateConfig({ sourceAccounts: 2, regionsPerAccount: 1 });
const problemsOf = (raw: unknown): string[] => {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe("monitoring configuration", () => {
  test("defaults: no subscription, recovery point objectives derived from the schedules", () => {
    // GIVEN no monitoring section WHEN parsed
    const config = parseConfig(base());
    // THEN nothing is subscribed, and EBS daily + 12 h, RDS daily + 12 h, backup daily + 8 h start window + 12 h
    expect(config.monitoring).toEqual({ notifications: { emails: [], httpsEndpoints: [], forwardToTopicArns: [] }, rpoHours: {} });
    expect(recoveryPointObjectives(config)).toEqual({ ebs: 36, rds: 36, backup: 44 });
  });

  test("the EBS objective follows an hourly schedule, a configured objective wins", () => {
    // GIVEN snapshots every 4 hours, and an explicit RDS objective WHEN parsed THEN EBS 16 h, RDS as configured
    const config = parseConfig({ ...base(), ebs: { schedule: { intervalHours: 4, time: "00:00" } }, monitoring: { rpoHours: { rds: 30 } } });
    expect(recoveryPointObjectives(config)).toMatchObject({ ebs: 16, rds: 30 });
  });

  test("the EBS objective of a cron schedule is its longest gap plus the margin", () => {
    // GIVEN snapshots at 03:00 on weekdays only (Friday to Monday: 72 h) WHEN parsed
    const config = parseConfig({ ...base(), ebs: { schedule: { cronExpression: "cron(0 3 ? * MON-FRI *)" }, transitCopyRetentionHours: 96 } });
    // THEN EBS 72 + 12 h
    expect(recoveryPointObjectives(config).ebs).toBe(84);
  });

  test("the backup objective of an hourly-stepped rule is its step, its start window and the margin", () => {
    // GIVEN a backup rule every 6 hours (0-23/6, which used to read as daily) with a 1-hour start window WHEN parsed
    const config = parseConfig({ ...base(), backup: { rules: [{ name: "six-hourly", schedule: "cron(0 0-23/6 * * ? *)", startWindowMinutes: 60, lifecycle: { deleteAfterDays: 35 } }] } });
    // THEN backup 6 + 1 + 12 h
    expect(recoveryPointObjectives(config).backup).toBe(19);
  });

  test("a schedule that runs once gives no default: the objective must be set", () => {
    // GIVEN source accounts that back up on 1 January 2027 only, and no backup objective
    const withBackup = generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, backup: true, sameOrganization: true });
    const config = parseConfig({ ...withBackup, backup: { ...withBackup.backup, rules: [{ name: "once", schedule: "cron(0 5 1 1 ? 2027)", lifecycle: { deleteAfterDays: 35 } }] } });
    // WHEN the DR stack is validated THEN the objective is asked for, with the rule that gives none
    const app = Testing.app();
    new DrAccountStack(app, config);
    expect(validationProblems(app)).toEqual([
      "[dr-222222222222/monitoring] monitoring.rpoHours.backup must be set: backup.rules[0].schedule (cron(0 5 1 1 ? 2027)) runs fewer than twice, so no default can be derived from it",
    ]);
    // AND no number is made up for it
    expect(recoveryPointObjectives(config).backup).toBeNaN();
  });

  test("bad subscriptions and objectives are reported at once, with their paths", () => {
    // GIVEN a bad address, an http:// endpoint, a FIFO topic and an objective of 0 hours WHEN parsed THEN four problems
    expect(
      problemsOf({
        ...base(),
        monitoring: {
          notifications: { emails: ["oncall"], httpsEndpoints: ["http://example.com/hook"], forwardToTopicArns: ["arn:aws:sns:us-east-1:123456789012:alarms.fifo"] },
          rpoHours: { ebs: 0 },
        },
      }),
    ).toEqual([
      "monitoring.notifications.emails[0]: expected an e-mail address such as dr-oncall@example.com",
      "monitoring.notifications.httpsEndpoints[0]: expected an https:// URL (SNS delivers over TLS only to https endpoints)",
      "monitoring.notifications.forwardToTopicArns[0]: expected an SNS standard topic ARN: arn:<partition>:sns:<region>:<account>:<name> (not .fifo)",
      "monitoring.rpoHours.ebs: must be at least 1 hour",
    ]);
  });

  test("an objective shorter than the time between two snapshots stops the synthesis", () => {
    // GIVEN daily EBS snapshots and an EBS objective of 12 hours WHEN the DR stack is validated
    const config = parseConfig({ ...base(), monitoring: { rpoHours: { ebs: 12 } } });
    const app = Testing.app();
    new DrAccountStack(app, config);
    // THEN the validation names the field and why
    expect(validationProblems(app)).toEqual([
      "[dr-222222222222/monitoring] monitoring.rpoHours.ebs (12 h) is shorter than the time between two snapshots of that flow (24 h): every source would be reported stale",
    ]);
  });

  test("DLM copy failures: one alarm per 10 event policies, however many accounts", () => {
    // GIVEN 550 source accounts in one region: 11 event policies of 50 owners
    const config = parseConfig(generateConfig({ sourceAccounts: 550, regionsPerAccount: 1 }));
    // WHEN the DR stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    // THEN two alarms watch them (10 + 1 policies), not 550
    const alarms = Object.values(json.resource.aws_cloudwatch_metric_alarm as Json).filter((a: Json) =>
      (a.metric_query ?? []).some((q: Json) => q.metric?.metric_name === "SnapshotsCopiedAccountFailed"),
    );
    expect(alarms.map((a: Json) => a.metric_query.filter((q: Json) => q.metric).length)).toEqual([10, 1]);
    // AND the freshness check's role policy is the same size as for 2 accounts
    const policy = (stackConfig: ReturnType<typeof parseConfig>) =>
      (Object.values(JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), stackConfig))).resource.aws_iam_role_policy) as Json[]).find(
        (p) => p.name === "freshness-check",
      )!.policy;
    expect(policy(config)).toBe(policy(parseConfig(generateConfig({ sourceAccounts: 2, regionsPerAccount: 1 }))));
  });
});
