/**
 * The monitoring as synthesized, asserted over the JSON by resource type and properties (never by Terraform
 * address): an alarm on every dead-letter queue and every function, every alarm with an action, the freshness
 * check and its schedule, the tamper rules, no topic under alias/aws/sns.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { readSynthesizedStacks, type SynthesizedStackJson } from "../../modules/policy-lint/lint-policies";
import { TAMPER_EVENTS } from "../../modules/dr-account/tamper-alerts";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize, type SynthResult } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function synth(config: SnapshotDrConfig): { stacks: SynthesizedStackJson[]; result: SynthResult } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-monitoring-"));
  outdirs.push(outdir);
  const result = synthesize(config, outdir);
  return { stacks: readSynthesizedStacks(outdir), result };
}

const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
/** The resource a `${type.name.attr}` reference points to, looked up by its own type and name. */
function referenced(json: Json, token: string): { type: string; resource: Json } | undefined {
  const match = /^\$\{([a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(token);
  const resource = match && json.resource?.[match[1]]?.[match[2]];
  return resource ? { type: match![1], resource } : undefined;
}
const dims = (alarm: Json) => alarm.dimensions ?? {};

const EVERY_FLOW = parseConfig({
  ...generateConfig({ sourceAccounts: 4, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true, regionsPerAccount: 2 }),
  monitoring: {
    notifications: {
      emails: ["dr-oncall@example.com"],
      httpsEndpoints: ["https://events.example.com/snapshot-dr"],
      forwardToTopicArns: ["arn:aws:sns:us-east-1:999999999999:central-oncall"],
    },
  },
});

describe("the monitoring of every flow, synthesized", () => {
  let stacks: SynthesizedStackJson[];
  let result: SynthResult;
  beforeAll(() => {
    ({ stacks, result } = synth(EVERY_FLOW));
  });

  test("every dead-letter queue has an alarm on visible messages > 0, in its own region", () => {
    // GIVEN every flow WHEN synthesized THEN each queue of each stack is watched by an alarm of the same provider
    let queues = 0;
    for (const { json } of stacks as { json: Json }[]) {
      const alarms = resources(json, "aws_cloudwatch_metric_alarm");
      for (const queue of resources(json, "aws_sqs_queue")) {
        queues++;
        const watching = alarms.filter(
          (a) => a.provider === queue.provider && a.metric_name === "ApproximateNumberOfMessagesVisible" && dims(a).QueueName === queue.name,
        );
        expect(watching).toHaveLength(1);
        expect(watching[0]).toMatchObject({ provider: queue.provider, namespace: "AWS/SQS", comparison_operator: "GreaterThanThreshold", threshold: 0 });
      }
    }
    expect(queues).toBeGreaterThan(10);
  });

  test("every function has an alarm on its errors", () => {
    for (const { json } of stacks as { json: Json }[]) {
      const alarms = resources(json, "aws_cloudwatch_metric_alarm");
      for (const fn of resources(json, "aws_lambda_function")) {
        const watching = alarms.filter((a) => a.namespace === "AWS/Lambda" && a.metric_name === "Errors" && dims(a).FunctionName === fn.function_name);
        expect(watching.filter((a) => a.provider === fn.provider)).toHaveLength(1);
      }
    }
  });

  test("every alarm notifies the encrypted topic of its own region on ALARM and OK, and forwards only within the region", () => {
    let alarms = 0;
    for (const { json } of stacks as { json: Json }[]) {
      for (const alarm of resources(json, "aws_cloudwatch_metric_alarm")) {
        alarms++;
        expect(alarm.alarm_actions.length).toBeGreaterThan(0);
        expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
        const topic = referenced(json, alarm.alarm_actions[0]);
        expect(topic?.type).toBe("aws_sns_topic");
        expect(topic?.resource.provider).toBe(alarm.provider);
        const forwards = alarm.alarm_actions.slice(1);
        expect(forwards).toEqual(alarm.provider === "aws.us-east-1" ? ["arn:aws:sns:us-east-1:999999999999:central-oncall"] : []);
      }
    }
    expect(alarms).toBeGreaterThan(20);
  });

  test("no topic is under alias/aws/sns: each is under a customer managed key CloudWatch, EventBridge and AWS Backup may use", () => {
    for (const { json } of stacks as { json: Json }[]) {
      for (const topic of resources(json, "aws_sns_topic")) {
        expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\/sns/);
        const key = referenced(json, topic.kms_master_key_id);
        expect(key?.type).toBe("aws_kms_key");
        expect(key?.resource).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
        const principals = JSON.parse(key!.resource.policy).Statement.flatMap((s: Json) => [s.Principal?.Service ?? []].flat());
        expect(new Set(principals)).toEqual(new Set(["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"]));
      }
    }
  });

  test("each alarm topic has the configured e-mail and HTTPS subscriptions", () => {
    for (const { json } of stacks as { json: Json }[]) {
      const topics = resources(json, "aws_sns_topic");
      const subscriptions = resources(json, "aws_sns_topic_subscription");
      expect(subscriptions).toHaveLength(topics.length * 2);
      if (topics.length === 0) continue;
      expect(new Set(subscriptions.map((s) => `${s.protocol} ${s.endpoint}`))).toEqual(
        new Set(["email dr-oncall@example.com", "https https://events.example.com/snapshot-dr"]),
      );
    }
    // AND with a subscription configured, no "Review:" notice about unreachable alarms
    expect(result.notices.filter((notice) => notice.includes("No alarm reaches a person"))).toEqual([]);
  });

  test("the DR account runs the freshness check hourly in every region where copies land, alarming on stale or missing reports", () => {
    const dr = stacks.find((stack) => stack.name.startsWith("dr-"))!.json as Json;
    const checks = resources(dr, "aws_lambda_function").filter((fn) => fn.function_name === "snapshot-dr-freshness-check");
    // copy regions (EBS, AWS Backup) and source regions (RDS imports): us-east-1, us-west-2, eu-west-1
    expect(checks.map((fn) => fn.provider).sort()).toEqual(["aws.eu-west-1", "aws.us-east-1", "aws.us-west-2"]);
    const usEast1 = checks.find((fn) => fn.provider === "aws.us-east-1")!;
    expect(usEast1.environment.variables).toMatchObject({ RPO_HOURS: "ebs=36,rds=36,backup=44", EXPECTED_SOURCES_FILE: "expected-sources.txt", METRIC_NAME: "StaleSources" });
    // it finds the DLM copy event policies itself: its environment names how to recognise them, not their IDs
    expect(usEast1.environment.variables).toMatchObject({ DLM_POLICY_TAG_KEY: "SnapshotDrStack", DLM_POLICY_TAG_VALUE: "dr-222222222222" });
    expect(JSON.stringify(usEast1.environment.variables)).not.toContain("aws_dlm_lifecycle_policy");
    for (const check of checks) {
      const schedule = resources(dr, "aws_cloudwatch_event_rule").find((rule) => rule.name === "snapshot-dr-freshness-check" && rule.provider === check.provider);
      expect(schedule?.schedule_expression).toBe("rate(1 hour)");
      const target = resources(dr, "aws_cloudwatch_event_target").find((t) => t.provider === check.provider && referenced(dr, t.arn)?.resource === check);
      expect(target).toBeDefined();
      const alarm = resources(dr, "aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "StaleSources" && a.provider === check.provider);
      expect(alarm).toMatchObject({ namespace: "snapshot-dr/DR", statistic: "Maximum", period: 3600, threshold: 0, treat_missing_data: "breaching", evaluation_periods: 2 });
      expect(alarm).not.toHaveProperty("dimensions");
      // AND a second alarm tells again when one more source goes stale (one hourly period; silence is the first one's)
      const again = resources(dr, "aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "NewlyStaleSources" && a.provider === check.provider);
      expect(again).toMatchObject({ namespace: "snapshot-dr/DR", statistic: "Maximum", period: 3600, threshold: 0, treat_missing_data: "notBreaching", evaluation_periods: 1 });
      expect(again!.alarm_actions).toEqual(alarm!.alarm_actions);
      expect(check.environment.variables.NEWLY_STALE_METRIC_NAME).toBe("NewlyStaleSources");
    }
    // AND its role may read, not change; the same policy whatever the number of accounts
    const role = resources(dr, "aws_iam_role").find((r) => r.name === "snapshot-dr-freshness-check")!;
    const policy = JSON.parse(resources(dr, "aws_iam_role_policy").find((p) => p.name === "freshness-check")!.policy);
    expect(role).toBeDefined();
    expect(policy.Statement.flatMap((s: Json) => [s.Action].flat()).sort()).toEqual([
      "backup:ListRecoveryPointsByBackupVault",
      "dlm:GetLifecyclePolicies",
      "ec2:DescribeSnapshots",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "rds:DescribeDBClusterSnapshots",
      "rds:DescribeDBSnapshots",
      "sqs:SendMessage",
    ]);
  });

  test("the DR account's tamper rules watch the keys, DLM policies, vaults, Recycle Bin rules, snapshot locks, alarms, alarm topic and trail in every region", () => {
    const dr = stacks.find((stack) => stack.name.startsWith("dr-"))!.json as Json;
    const regions = new Set(resources(dr, "aws_kms_key").map((key) => key.provider));
    const targets = resources(dr, "aws_cloudwatch_event_target");
    for (const provider of regions) {
      const rules = resources(dr, "aws_cloudwatch_event_rule").filter((rule) => rule.provider === provider && rule.event_pattern);
      const watched = rules.map((rule) => JSON.parse(rule.event_pattern)).filter((p) => p["detail-type"]?.[0] === "AWS API Call via CloudTrail");
      expect(watched.flatMap((p) => p.detail.eventName).sort()).toEqual(Object.values(TAMPER_EVENTS).flatMap((e) => e.eventNames).sort());
      expect(watched.map((p) => p.source[0]).sort()).toEqual(["aws.backup", "aws.cloudtrail", "aws.dlm", "aws.ec2", "aws.kms", "aws.monitoring", "aws.rbin", "aws.sns"]);
      for (const rule of rules.filter((r) => JSON.parse(r.event_pattern)["detail-type"]?.[0] === "AWS API Call via CloudTrail")) {
        const ruleTargets = targets.filter((t) => t.provider === provider && t.rule.includes(".name}") && referenced(dr, t.rule)?.resource === rule);
        expect(referenced(dr, ruleTargets.find((t) => t.target_id === "alarm-topic")!.arn)?.type).toBe("aws_sns_topic");
        // AND the forward topic of the same region (forwarded-notifications.test.ts covers the rest)
        const forwards = ruleTargets.filter((t) => t.target_id !== "alarm-topic").map((t) => t.arn);
        expect(forwards).toEqual(provider === "aws.us-east-1" ? ["arn:aws:sns:us-east-1:999999999999:central-oncall"] : []);
      }
    }
  });

  test("DLM copy failures and policy errors of the DR account, failed AWS Backup copy jobs of the sources, vault notifications", () => {
    const dr = stacks.find((stack) => stack.name.startsWith("dr-"))!.json as Json;
    const dlmAlarms = resources(dr, "aws_cloudwatch_metric_alarm").filter((a) => (a.metric_query ?? []).some((q: Json) => q.metric?.metric_name === "SnapshotsCopiedAccountFailed"));
    const policies = resources(dr, "aws_dlm_lifecycle_policy");
    expect(dlmAlarms.map((a) => a.provider).sort()).toEqual(policies.map((p) => p.provider).sort());
    for (const alarm of dlmAlarms) {
      expect(alarm.metric_query.find((q: Json) => q.return_data).expression).toMatch(/^SUM\(\[m0(,m\d+)*\]\)$/);
      expect(alarm.metric_query.filter((q: Json) => q.metric).every((q: Json) => q.metric.namespace === "AWS/EBS" && /aws_dlm_lifecycle_policy/.test(q.metric.dimensions.DLMPolicyId))).toBe(true);
    }
    const dlmErrors = resources(dr, "aws_cloudwatch_event_rule").filter((r) => r.event_pattern?.includes("DLM Policy State Change"));
    expect(dlmErrors.map((r) => r.provider).sort()).toEqual(policies.map((p) => p.provider).sort());
    // the DR vaults report failed copy jobs to the alarm topic of their region
    for (const notifications of resources(dr, "aws_backup_vault_notifications")) {
      expect(notifications.backup_vault_events).toEqual(["COPY_JOB_FAILED"]);
      expect(referenced(dr, notifications.sns_topic_arn)?.resource.name).toBe("snapshot-dr-alarms");
    }
    // the sources, which own the copy jobs, publish their failures
    for (const { name, json } of stacks.filter((stack) => stack.name.startsWith("source-")) as { name: string; json: Json }[]) {
      const rules = resources(json, "aws_cloudwatch_event_rule").filter((r) => r.name === "snapshot-dr-backup-copy-failed");
      expect({ name, patterns: rules.map((r) => JSON.parse(r.event_pattern)) }).toEqual({
        name,
        patterns: rules.map(() => ({ source: ["aws.backup"], "detail-type": ["Copy Job State Change"], detail: { state: ["FAILED"] } })),
      });
      expect(rules).toHaveLength(2);
    }
  });
});

describe("without subscriptions", () => {
  test("synthesis leaves a Review: notice that no alarm reaches a person", () => {
    // GIVEN the example, which configures no subscription WHEN synthesized
    const { result } = synth(loadConfig(path.join(__dirname, "../../config/example.yaml")));
    // THEN one notice says so, naming the topic
    expect(result.notices.filter((notice) => notice.includes("No alarm reaches a person"))).toEqual([
      expect.stringContaining("publish to the SNS topic snapshot-dr-alarms of each account, which has no subscriber until you configure one"),
    ]);
  });
});
