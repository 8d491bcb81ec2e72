/**
 * Forward topics (`monitoring.notifications.forwardToTopicArns`) reach the EventBridge-driven notifications too
 * (tamper alerts, the DLM policy-error rule, the failed AWS Backup copy jobs), only within their own region, a
 * topic of another account through an execution role; and the "Review:" notice names each region no alarm of
 * which reaches a person.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { forwardTargetId, MAX_TARGETS_PER_RULE } from "../../modules/monitoring/event-notification-rule";
import { forwardTopicDeliveryPolicy } from "../../modules/monitoring/forward-topic-delivery-role";
import { lintStacks, loadIamCatalog, readSynthesizedStacks, type SynthesizedStackJson } from "../../modules/policy-lint/lint-policies";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize, type SynthResult } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function synth(config: SnapshotDrConfig): { stacks: SynthesizedStackJson[]; result: SynthResult } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-forwarded-"));
  outdirs.push(outdir);
  const result = synthesize(config, outdir);
  return { stacks: readSynthesizedStacks(outdir), result };
}

// DR account 222222222222 (copy regions us-east-1, us-west-2); sources 100000000001 and 100000000002 (us-east-1, eu-west-1).
const ESTATE = generateConfig({ sourceAccounts: 2, sameOrganization: true, ebsMode: "mixed", backup: true, rds: false, regionsPerAccount: 2 });
const CENTRAL_US_EAST_1 = "arn:aws:sns:us-east-1:999999999999:central-oncall";
const DR_ACCOUNT_EU_WEST_1 = "arn:aws:sns:eu-west-1:222222222222:dr-oncall";
const withNotifications = (notifications: Json) => parseConfig({ ...ESTATE, monitoring: { notifications } });

const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const stackNamed = (stacks: SynthesizedStackJson[], prefix: string) => stacks.find((stack) => stack.name.startsWith(prefix))!.json as Json;
/** The targets of each rule that notifies its alarm topic, by rule reference. */
function notificationTargets(json: Json): Map<string, Json[]> {
  const targets = resources(json, "aws_cloudwatch_event_target");
  const rules = new Set(targets.filter((target) => target.target_id === "alarm-topic").map((target) => target.rule));
  const byRule = new Map<string, Json[]>();
  for (const target of targets.filter((t) => rules.has(t.rule))) byRule.set(target.rule, [...(byRule.get(target.rule) ?? []), target]);
  return byRule;
}
const withoutPath = (notice: string) => notice.replace(/^\[[^\]]*\] /, "");
/** The name of the IAM role a `${aws_iam_role.<name>.arn}` reference points to, else the value itself. */
function roleNameOf(json: Json, roleArn: string | undefined): string | undefined {
  const match = roleArn && /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(roleArn);
  return match ? json.resource.aws_iam_role[match[1]]?.name : roleArn;
}
const ROLE = "snapshot-dr-event-forwarding";

describe("forward topics of two regions and two accounts, no subscription", () => {
  let stacks: SynthesizedStackJson[];
  let result: SynthResult;
  beforeAll(() => {
    // GIVEN a forward topic of another account in us-east-1 and one of the DR account in eu-west-1
    ({ stacks, result } = synth(withNotifications({ forwardToTopicArns: [CENTRAL_US_EAST_1, DR_ACCOUNT_EU_WEST_1] })));
  });

  test("every notification rule of the DR account targets its alarm topic and the forward topic of its own region only", () => {
    // WHEN synthesized THEN a us-east-1 rule also targets the central topic (with the execution role), an eu-west-1
    // rule the DR account's topic (without a role), a us-west-2 rule nothing but its alarm topic
    const dr = stackNamed(stacks, "dr-");
    const roles = resources(dr, "aws_iam_role").filter((role) => role.name === ROLE);
    expect(roles).toHaveLength(1);
    const perRegion = new Map<string, number>();
    for (const targets of notificationTargets(dr).values()) {
      const provider = targets[0].provider as string;
      perRegion.set(provider, (perRegion.get(provider) ?? 0) + 1);
      const forwards = targets.filter((target) => target.target_id !== "alarm-topic").map((t) => ({ arn: t.arn, role: roleNameOf(dr, t.role_arn), id: t.target_id }));
      const expected = {
        "aws.us-east-1": [{ arn: CENTRAL_US_EAST_1, role: ROLE, id: forwardTargetId(CENTRAL_US_EAST_1) }],
        "aws.eu-west-1": [{ arn: DR_ACCOUNT_EU_WEST_1, role: undefined, id: forwardTargetId(DR_ACCOUNT_EU_WEST_1) }],
        "aws.us-west-2": [],
      }[provider];
      expect({ provider, forwards }).toEqual({ provider, forwards: expected });
    }
    // the tamper rules (and the DLM policy-error rule where sources share) exist in each of the three regions
    expect([...perRegion.keys()].sort()).toEqual(["aws.eu-west-1", "aws.us-east-1", "aws.us-west-2"]);
    expect(Math.min(...perRegion.values())).toBeGreaterThanOrEqual(7);
  });

  test("each rule with a forward topic has an alarm on its failed deliveries; a rule without one has none", () => {
    // WHEN synthesized THEN in the DR account the rules of us-east-1 and eu-west-1 are watched, those of us-west-2 not
    const dr = stackNamed(stacks, "dr-");
    const alarms = resources(dr, "aws_cloudwatch_metric_alarm").filter((alarm) => alarm.namespace === "AWS/Events");
    const rulesWithForwards = [...notificationTargets(dr).values()]
      .filter((targets) => targets.some((t) => t.target_id !== "alarm-topic"))
      .map((targets) => ({ provider: targets[0].provider, name: dr.resource.aws_cloudwatch_event_rule[/^\$\{aws_cloudwatch_event_rule\.([^.]+)\.name\}$/.exec(targets[0].rule)![1]].name }));
    expect(rulesWithForwards.length).toBeGreaterThan(10);
    expect(rulesWithForwards.filter((rule) => rule.provider === "aws.us-west-2")).toEqual([]);
    expect(alarms.map((a) => `${a.provider} ${a.alarm_name}`).sort()).toEqual(rulesWithForwards.map((r) => `${r.provider} ${r.name}-failed-deliveries`).sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ metric_name: "FailedInvocations", statistic: "Sum", period: 300, threshold: 0, comparison_operator: "GreaterThanThreshold", treat_missing_data: "notBreaching" });
      expect(alarm.dimensions).toEqual({ RuleName: alarm.alarm_name.replace(/-failed-deliveries$/, "") });
      expect(alarm.alarm_actions.slice(1)).toEqual([alarm.provider === "aws.us-east-1" ? CENTRAL_US_EAST_1 : DR_ACCOUNT_EU_WEST_1]);
    }
  });

  test("the execution role lets EventBridge publish only to the topic of another account, and use its key only for it", () => {
    // WHEN synthesized THEN the DR account's role names the central topic, not its own account's topic
    const dr = stackNamed(stacks, "dr-");
    const role = resources(dr, "aws_iam_role").find((r) => r.name === ROLE)!;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const inline = resources(dr, "aws_iam_role_policy").find((p) => p.name === "publish-to-forward-topics")!;
    expect(JSON.parse(inline.policy)).toEqual(JSON.parse(JSON.stringify(forwardTopicDeliveryPolicy("aws", [CENTRAL_US_EAST_1]))));
    expect(JSON.parse(inline.policy).Statement).toEqual([
      { Sid: "PublishToForwardTopics", Effect: "Allow", Action: "sns:Publish", Resource: [CENTRAL_US_EAST_1] },
      {
        Sid: "EncryptForForwardTopics",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: ["arn:aws:kms:us-east-1:999999999999:key/*"],
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": [CENTRAL_US_EAST_1] } },
      },
    ]);
  });

  test("a source account's failed copy jobs reach both forward topics of its regions, each of another account, through its role", () => {
    // WHEN synthesized THEN the source's backup-copy-failed rule of each region targets that region's topic with the role
    const source = stackNamed(stacks, "source-");
    const rules = resources(source, "aws_cloudwatch_event_rule").filter((rule) => rule.name === "snapshot-dr-backup-copy-failed");
    expect(rules).toHaveLength(2);
    const forwards = [...notificationTargets(source).values()].flatMap((targets) =>
      targets.filter((t) => t.target_id !== "alarm-topic").map((t) => ({ provider: t.provider, arn: t.arn, role: roleNameOf(source, t.role_arn) })),
    );
    const role = ROLE;
    expect(forwards.sort((a, b) => a.provider.localeCompare(b.provider))).toEqual([
      { provider: "aws.eu-west-1", arn: DR_ACCOUNT_EU_WEST_1, role },
      { provider: "aws.us-east-1", arn: CENTRAL_US_EAST_1, role },
    ]);
    const inline = resources(source, "aws_iam_role_policy").find((p) => p.name === "publish-to-forward-topics")!;
    expect(JSON.parse(inline.policy).Statement[0].Resource).toEqual([DR_ACCOUNT_EU_WEST_1, CENTRAL_US_EAST_1].sort());
  });

  test("the Review: notice names the one region no alarm of which reaches a person", () => {
    // WHEN synthesized THEN exactly one notice, for us-west-2 (which has no forward topic), in these words
    expect(result.notices.filter((notice) => notice.includes("No alarm reaches a person")).map(withoutPath)).toEqual([
      "No alarm reaches a person in us-west-2: monitoring.notifications lists no e-mail address or HTTPS endpoint, " +
        "and no topic to forward to in these regions (a forward topic serves only the alarms and alerts of its own region). " +
        "The alarms, tamper alerts and failed-copy events there publish to the SNS topic snapshot-dr-alarms of each account, " +
        "which has no subscriber until you configure one.",
    ]);
  });

  test("the project's policy lint finds nothing in the role's policy", async () => {
    // GIVEN the IAM catalogue WHEN the synthesized stacks are linted THEN no finding
    const catalog = await loadIamCatalog();
    expect(lintStacks(stacks, { catalog }).map((finding) => finding.message)).toEqual([]);
  });
});

describe("a forward topic in a region of no stack", () => {
  test("reaches no alarm: no forward target, no role, and the notice names every region", () => {
    // GIVEN only a topic in ap-south-1, where the estate has nothing WHEN synthesized
    const { stacks, result } = synth(withNotifications({ forwardToTopicArns: ["arn:aws:sns:ap-south-1:999999999999:central-oncall"] }));
    // THEN no rule targets it and no stack has the execution role
    for (const { json } of stacks as { json: Json }[]) {
      expect(resources(json, "aws_cloudwatch_event_target").filter((target) => target.target_id !== "alarm-topic" && target.arn?.startsWith("arn:aws:sns"))).toEqual([]);
      expect(resources(json, "aws_iam_role").filter((role) => role.name === ROLE)).toEqual([]);
    }
    // AND the notice names the DR stack's three regions
    expect(result.notices.filter((notice) => notice.includes("No alarm reaches a person")).map(withoutPath)).toEqual([
      expect.stringMatching(/^No alarm reaches a person in us-east-1, us-west-2, eu-west-1: /),
    ]);
  });
});

describe("an e-mail subscription and four forward topics of one region", () => {
  test("no notice, and each us-east-1 rule has the five targets EventBridge allows", () => {
    // GIVEN an e-mail address and the most forward topics the configuration accepts, all in us-east-1
    const forwards = [1, 2, 3, 4].map((n) => `arn:aws:sns:us-east-1:99999999999${n}:oncall-${n}`);
    const { stacks, result } = synth(withNotifications({ emails: ["dr-oncall@example.com"], forwardToTopicArns: forwards }));
    // THEN every region reaches a person: no notice
    expect(result.notices.filter((notice) => notice.includes("No alarm reaches a person"))).toEqual([]);
    // AND each notification rule of us-east-1 has its alarm topic and the four forward topics, the limit
    const dr = stackNamed(stacks, "dr-");
    const usEast1 = [...notificationTargets(dr).values()].filter((targets) => targets[0].provider === "aws.us-east-1");
    expect(usEast1.length).toBeGreaterThan(0);
    for (const targets of usEast1) {
      expect(targets).toHaveLength(MAX_TARGETS_PER_RULE);
      expect(targets.filter((t) => t.target_id !== "alarm-topic").map((t) => t.arn).sort()).toEqual(forwards);
    }
  });
});
