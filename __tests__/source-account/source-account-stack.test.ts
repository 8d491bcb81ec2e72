import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { SourceAccountStack } from "../../stacks/source-account-stack";
import { scheduleOffsetMinutes, shiftUtcTime } from "../../modules/capacity/schedule-stagger";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] }],
};

function synthSource(config: SnapshotDrConfig): { synthesized: string; json: Json } {
  const stack = new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0]);
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
}

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const inRegion = (json: Json, type: string, region: string) => resourcesOf(json, type).filter((r) => r.provider === `aws.${region}`);

describe("source account stack", () => {
  let config: SnapshotDrConfig;
  beforeEach(() => {
    config = parseConfig(structuredClone(CONFIG));
  });

  test("a DLM snapshot policy per region snapshots the tagged volumes and marks the snapshots for DR", () => {
    // GIVEN the default schedule (every 24 h at 03:00, 7 kept) WHEN synthesized
    const { json } = synthSource(config);
    // THEN each region has the policy, run by the source DLM role
    for (const region of ["us-east-1", "eu-west-1"]) {
      const [policy] = inRegion(json, "aws_dlm_lifecycle_policy", region);
      expect(policy.state).toBe("ENABLED");
      expect(policy.policy_details).toEqual({
        policy_type: "EBS_SNAPSHOT_MANAGEMENT",
        resource_types: ["VOLUME"],
        target_tags: { "snapshot-dr:protect": "true" },
        schedule: [
          {
            name: "DR snapshots",
            copy_tags: true,
            create_rule: { interval: 24, interval_unit: "HOURS", times: [shiftUtcTime("03:00", scheduleOffsetMinutes(config, "111111111111"))] },
            retain_rule: { count: 7 },
            tags_to_add: { "snapshot-dr:dr-selected": "true" },
          },
        ],
      });
    }
  });

  test("a cron schedule replaces the interval", () => {
    // GIVEN a cron expression
    config = parseConfig({ ...structuredClone(CONFIG), ebs: { schedule: { cronExpression: "cron(0 2 ? * SUN *)" }, retainCount: 4, transitCopyRetentionHours: 192 } });
    // WHEN synthesized
    const { json } = synthSource(config);
    // THEN the create rule is the cron expression
    const [policy] = inRegion(json, "aws_dlm_lifecycle_policy", "us-east-1");
    expect(policy.policy_details.schedule[0].create_rule).toEqual({ cron_expression: "cron(0 2 ? * SUN *)" });
    expect(policy.policy_details.schedule[0].retain_rule).toEqual({ count: 4 });
  });

  test("the snapshot copier in each region targets KMS-B of that region by alias ARN", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthSource(config);
    // THEN each function is configured for its region, with the contract the DR policy matches
    for (const region of ["us-east-1", "eu-west-1"]) {
      const [fn] = inRegion(json, "aws_lambda_function", region);
      expect(fn).toMatchObject({
        function_name: "snapshot-dr-snapshot-copier",
        runtime: "nodejs22.x",
        handler: "index.handler",
        environment: {
          variables: {
            DR_ACCOUNT_ID: "222222222222",
            SOURCE_ACCOUNT_ID: "111111111111",
            KMS_B_ALIAS_ARN: `arn:aws:kms:${region}:222222222222:alias/snapshot-dr/kms-b`,
            SELECTION_TAG_KEY: "snapshot-dr:dr-selected",
            SELECTION_TAG_VALUE: "true",
            TRANSIT_TAG_KEY: "snapshot-dr:transit-copy",
            TRANSIT_TAG_VALUE: "true",
            DESCRIPTION_PREFIX: "snapshot-dr DR transit copy of",
            TRANSIT_RETENTION_HOURS: "48",
          },
        },
      });
      expect(fn.filename).toMatch(/^assets\/lambda_code_snapshot_copier\/[A-F0-9]+\/[a-f0-9]+\.zip$/);
      expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
  });

  test("EBS snapshot events and an hourly cleanup invoke the copier; undeliverable events go to the DLQ", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthSource(config);
    // THEN the rules, targets, permissions and async failure destination are wired in each region
    const rules = inRegion(json, "aws_cloudwatch_event_rule", "us-east-1");
    const eventRule = rules.find((r) => r.event_pattern)!;
    expect(JSON.parse(eventRule.event_pattern)).toEqual({
      source: ["aws.ec2"],
      "detail-type": ["EBS Snapshot Notification", "EBS Multi-Volume Snapshots Completion Status"],
      detail: { event: ["createSnapshot", "createSnapshots", "copySnapshot"], result: ["succeeded", "failed"] },
    });
    expect(rules.find((r) => r.schedule_expression)!.schedule_expression).toBe("rate(1 hour)");
    const targets = inRegion(json, "aws_cloudwatch_event_target", "us-east-1");
    expect(targets).toHaveLength(2);
    for (const target of targets) expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\..*\.arn/);
    expect(inRegion(json, "aws_lambda_permission", "us-east-1").map((p) => p.principal)).toEqual([
      "events.amazonaws.com",
      "events.amazonaws.com",
    ]);
    const [invokeConfig] = inRegion(json, "aws_lambda_function_event_invoke_config", "us-east-1");
    expect(invokeConfig).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 21600 });
    expect(invokeConfig.destination_config.on_failure.destination).toMatch(/aws_sqs_queue\..*\.arn/);
    const [queue] = inRegion(json, "aws_sqs_queue", "us-east-1");
    expect(queue).toMatchObject({ name: "snapshot-dr-snapshot-copier-dlq", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });

  test("the copier role may use keys only through EC2 and share only transit copies with the DR account", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthSource(config);
    // THEN its inline policy scopes each action
    const role = resourcesOf(json, "aws_iam_role").find((r) => r.name === "snapshot-dr-snapshot-copier")!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
    const statements: Json[] = JSON.parse(resourcesOf(json, "aws_iam_role_policy")[0].policy).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.ShareTransitCopiesWithDrAccountOnly.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/snapshot-dr:transit-copy": "true", "ec2:Add/userId": "222222222222" },
    });
    expect(bySid.UseKeysThroughEc2.Condition).toEqual({ StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } });
    expect(bySid.UseKeysThroughEc2.Resource).toEqual(["arn:aws:kms:*:111111111111:key/*", "arn:aws:kms:*:222222222222:key/*"]);
    expect(bySid.SendFailedEventsToDeadLetterQueue.Resource).toEqual(["arn:aws:sqs:*:111111111111:snapshot-dr-snapshot-copier-dlq"]);
    // AND one Deny keeps every write and key use to the account's regions (the size does not grow per region)
    expect(bySid.DenyOutsideConfiguredRegions).toMatchObject({ Effect: "Deny", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1", "us-east-1"] } } });
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain("kms:*");
  });

  test("the function waits for its role's policy and its log group", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthSource(config);
    // THEN depends_on names both
    const [fn] = inRegion(json, "aws_lambda_function", "us-east-1");
    expect(fn.depends_on.some((d: string) => d.startsWith("aws_cloudwatch_log_group."))).toBe(true);
    expect(fn.depends_on.some((d: string) => d.startsWith("aws_iam_role_policy."))).toBe(true);
  });
});
