import { DlmPoliciesPerRegionWithinLimit } from "../../modules/policy-lint/checks/DlmPoliciesPerRegionWithinLimit";
import { EventRulesPerBusWithinLimit } from "../../modules/policy-lint/checks/EventRulesPerBusWithinLimit";
import { KeyPolicyWithinSize } from "../../modules/policy-lint/checks/KeyPolicyWithinSize";
import { LambdaEnvironmentWithinSize } from "../../modules/policy-lint/checks/LambdaEnvironmentWithinSize";
import { ManagedPolicyWithinSize } from "../../modules/policy-lint/checks/ManagedPolicyWithinSize";
import { QueuePolicyWithinSize } from "../../modules/policy-lint/checks/QueuePolicyWithinSize";
import { RoleInlinePoliciesWithinAggregateSize } from "../../modules/policy-lint/checks/RoleInlinePoliciesWithinAggregateSize";
import { RoleTrustPolicyWithinSize } from "../../modules/policy-lint/checks/RoleTrustPolicyWithinSize";
import { ScpsPerTargetWithinLimit } from "../../modules/policy-lint/checks/ScpsPerTargetWithinLimit";
import { TagsPerResourceWithinLimit } from "../../modules/policy-lint/checks/TagsPerResourceWithinLimit";
import { TagsUseAllowedCharacters } from "../../modules/policy-lint/checks/TagsUseAllowedCharacters";
import { TopicPolicyWithinSize } from "../../modules/policy-lint/checks/TopicPolicyWithinSize";
import { checkStacks, formatFinding, type StackCheck } from "../../modules/policy-lint/lint-policies";
import { nonWhiteSpaceLength, resolvedText } from "../../modules/policy-lint/stack-json";

type Json = Record<string, unknown>;

const PROVIDERS = [
  { alias: "us-east-1", region: "us-east-1", allowed_account_ids: ["222222222222"], default_tags: [{ tags: { ManagedBy: "snapshot-dr" } }] },
  { alias: "eu-west-1", region: "eu-west-1", allowed_account_ids: ["222222222222"], default_tags: [{ tags: { ManagedBy: "snapshot-dr" } }] },
];

/** A hand-written stack `dr-222222222222` with these resources (by type, then name). */
const stackOf = (resource: Record<string, Record<string, Json>>, providers: object[] = PROVIDERS) => ({
  name: "dr-222222222222",
  json: { provider: { aws: providers }, resource },
});

/** The findings of one check, formatted as the synthesis prints them. */
const findings = (check: StackCheck, resource: Record<string, Record<string, Json>>, providers?: object[]) =>
  checkStacks([stackOf(resource, providers)], [check]).map(formatFinding);

/** An identity policy whose text is `size` characters without white space (white space added to show it is not counted). */
function policyOfSize(size: number): string {
  const base = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pad", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "" }] });
  const text = base.replace('"Resource":""', `"Resource":"${"x".repeat(size - base.length)}"`);
  return text.replace(/,/g, ", ");
}

/** `count` resources of a type, named r0, r1, ..., each with the body. */
const many = (count: number, body: (index: number) => Json) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`r${index}`, body(index)]));

describe("sizes the synthesized text will have", () => {
  test("a KMS key ARN reference counts at its longest resolved length, an escaped policy variable as written by IAM", () => {
    // GIVEN a reference to a key ARN and an escaped IAM variable WHEN resolved THEN 87 and `${aws:username}` remain
    expect(resolvedText("${aws_kms_key.kms-b_key_0A1B2C3D.arn}")).toHaveLength(87);
    expect(resolvedText("$${aws:username}")).toBe("${aws:username}");
    expect(nonWhiteSpaceLength('{ "a" : "b c" }')).toBe(10);
  });
});

describe("RoleInlinePoliciesWithinAggregateSize", () => {
  const role = { name: "snapshot-dr-importer", assume_role_policy: "{}" };
  test("reports a role whose inline policies are together over 10,240 characters, white space excluded", () => {
    // GIVEN two inline policies of 6,000 and 4,241 characters on one role, one by reference, one by name
    const resource = {
      aws_iam_role: { importer: role },
      aws_iam_role_policy: {
        a: { role: "${aws_iam_role.importer.name}", policy: policyOfSize(6000) },
        b: { role: "snapshot-dr-importer", policy: policyOfSize(4241) },
      },
    };
    // WHEN checked THEN the role, the figure and the limit are named
    expect(findings(RoleInlinePoliciesWithinAggregateSize, resource)).toEqual([
      `RoleInlinePoliciesWithinAggregateSize: stack dr-222222222222: aws_iam_role.importer.inline policies: The role's 2 inline policies are 10,241 characters without white space; IAM limits the inline policies of one role to 10,240 in all ("Role policy size")`,
    ]);
  });

  test("passes exactly 10,240 characters, counting inline_policy blocks too", () => {
    // GIVEN an inline_policy block of 5,120 and a role policy of 5,120 WHEN checked THEN nothing is reported
    const resource = {
      aws_iam_role: { importer: { ...role, inline_policy: [{ name: "a", policy: policyOfSize(5120) }] } },
      aws_iam_role_policy: { b: { role: "${aws_iam_role.importer.id}", policy: policyOfSize(5120) } },
    };
    expect(findings(RoleInlinePoliciesWithinAggregateSize, resource)).toEqual([]);
  });
});

describe("ManagedPolicyWithinSize", () => {
  test("reports a managed policy over 6,144 characters", () => {
    expect(findings(ManagedPolicyWithinSize, { aws_iam_policy: { big: { policy: policyOfSize(6145) } } })).toEqual([
      `ManagedPolicyWithinSize: stack dr-222222222222: aws_iam_policy.big.policy: The managed policy is 6,145 characters without white space; IAM accepts at most 6,144 ("Managed policy size")`,
    ]);
    expect(findings(ManagedPolicyWithinSize, { aws_iam_policy: { fits: { policy: policyOfSize(6144) } } })).toEqual([]);
  });
});

describe("RoleTrustPolicyWithinSize", () => {
  test("reports a trust policy over 2,048 characters", () => {
    expect(findings(RoleTrustPolicyWithinSize, { aws_iam_role: { wide: { assume_role_policy: policyOfSize(2049) } } })).toEqual([
      `RoleTrustPolicyWithinSize: stack dr-222222222222: aws_iam_role.wide.assume_role_policy: The trust policy is 2,049 characters without white space; IAM accepts at most 2,048 by default ("Role trust policy length")`,
    ]);
    expect(findings(RoleTrustPolicyWithinSize, { aws_iam_role: { fits: { assume_role_policy: policyOfSize(2048) } } })).toEqual([]);
  });
});

describe("KeyPolicyWithinSize", () => {
  test("reports a key policy over 32,768 bytes, white space included", () => {
    const text = `{"Version":"2012-10-17","Statement":[]}`.padEnd(32769, " ");
    expect(findings(KeyPolicyWithinSize, { aws_kms_key: { kms: { policy: text } } })).toEqual([
      `KeyPolicyWithinSize: stack dr-222222222222: aws_kms_key.kms.policy: The key policy is 32,769 bytes; AWS KMS accepts at most 32,768 ("Key policy document size")`,
    ]);
    expect(findings(KeyPolicyWithinSize, { aws_kms_key: { kms: { policy: text.trimEnd().padEnd(32768, " ") } } })).toEqual([]);
  });
});

describe("QueuePolicyWithinSize and TopicPolicyWithinSize", () => {
  test("report a queue policy over 8,192 bytes and a topic policy over 30 KB", () => {
    const queue = { aws_sqs_queue_policy: { dlq: { queue_url: "q", policy: "{}".padEnd(8193, " ") } } };
    const topic = { aws_sns_topic_policy: { alarms: { arn: "t", policy: "{}".padEnd(30721, " ") } } };
    expect(findings(QueuePolicyWithinSize, queue)).toEqual([
      `QueuePolicyWithinSize: stack dr-222222222222: aws_sqs_queue_policy.dlq.policy: The queue policy is 8,193 bytes; Amazon SQS accepts at most 8,192 (SQS policy quotas, "Bytes")`,
    ]);
    expect(findings(TopicPolicyWithinSize, topic)).toEqual([
      `TopicPolicyWithinSize: stack dr-222222222222: aws_sns_topic_policy.alarms.policy: The topic policy is 30,721 bytes; Amazon SNS accepts at most 30,720 (SNS policy quotas, "Bytes: 30 kb")`,
    ]);
  });
});

describe("LambdaEnvironmentWithinSize", () => {
  test("reports environment variables over 4 KB in all, counting a key ARN reference at its resolved length", () => {
    // GIVEN 4,000 bytes of settings and a KMS key ARN reference (87)
    const variables = { ACCOUNTS: "1".repeat(4000 - "ACCOUNTS".length), KEY: "${aws_kms_key.k.arn}" };
    // WHEN checked at 4,090 and at exactly 4,096 bytes THEN nothing is reported
    expect(findings(LambdaEnvironmentWithinSize, { aws_lambda_function: { copier: { environment: { variables } } } })).toEqual([]);
    const over = { ...variables, MORE: "12" };
    expect(findings(LambdaEnvironmentWithinSize, { aws_lambda_function: { copier: { environment: { variables: over } } } })).toEqual([]);
    // AND at 4,098 bytes the figure and the limit are reported
    const past = { ...over, X: "1" };
    expect(findings(LambdaEnvironmentWithinSize, { aws_lambda_function: { copier: { environment: { variables: past } } } })).toEqual([
      `LambdaEnvironmentWithinSize: stack dr-222222222222: aws_lambda_function.copier.environment.variables: The environment variables are 4,098 bytes; Lambda accepts at most 4,096 for all of them ("Function environment variables": 4 KB)`,
    ]);
  });
});

describe("TagsPerResourceWithinLimit", () => {
  const tags = (count: number, prefix = "t") => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, "v"]));
  test("counts the provider's default tags with the resource's own", () => {
    // GIVEN 50 tags of its own on a resource whose provider adds ManagedBy WHEN checked THEN 51 are reported
    expect(findings(TagsPerResourceWithinLimit, { aws_kms_key: { k: { provider: "aws.us-east-1", tags: tags(50) } } })).toEqual([
      `TagsPerResourceWithinLimit: stack dr-222222222222: aws_kms_key.k.tags: The resource has 51 tags (50 of its own, the rest the provider's default tags); AWS allows at most 50 tags per resource`,
    ]);
    // AND a key in both counts once
    expect(findings(TagsPerResourceWithinLimit, { aws_kms_key: { k: { provider: "aws.us-east-1", tags: { ...tags(49), ManagedBy: "x" } } } })).toEqual([]);
  });

  test("reports default tags over 50 on the provider itself", () => {
    const providers = [{ alias: "us-east-1", region: "us-east-1", default_tags: [{ tags: tags(51, "d") }] }];
    expect(findings(TagsPerResourceWithinLimit, {}, providers)).toEqual([
      `TagsPerResourceWithinLimit: stack dr-222222222222: provider.aws.us-east-1.default_tags: The provider adds 51 default tags to every resource; AWS allows at most 50 tags per resource`,
    ]);
  });
});

describe("TagsUseAllowedCharacters", () => {
  test("reports keys and values outside AWS's tag character set, the aws: prefix and lengths", () => {
    const resource = { aws_kms_key: { k: { tags: { "cost#center": "a", "aws:owner": "b", team: "x".repeat(257), ok: "Ünïcode 1 _.:/=+-@", ref: "${var.x}" } } } };
    expect(findings(TagsUseAllowedCharacters, resource)).toEqual([
      "TagsUseAllowedCharacters: stack dr-222222222222: aws_kms_key.k.tags: Tag key 'cost#center' has characters outside letters, numbers, spaces and _ . : / = + - @",
      "TagsUseAllowedCharacters: stack dr-222222222222: aws_kms_key.k.tags: Tag key 'aws:owner' uses the reserved prefix aws:",
      "TagsUseAllowedCharacters: stack dr-222222222222: aws_kms_key.k.tags: Tag value of 'team' is 257 characters (at most 256)",
    ]);
  });
});

describe("DlmPoliciesPerRegionWithinLimit", () => {
  test("reports a region of the account with more than 100 lifecycle policies", () => {
    // GIVEN 101 policies in us-east-1 and 100 in eu-west-1 WHEN checked THEN only us-east-1 is reported
    const resource = {
      aws_dlm_lifecycle_policy: { ...many(101, () => ({ provider: "aws.us-east-1" })), ...Object.fromEntries(Object.entries(many(100, () => ({ provider: "aws.eu-west-1" }))).map(([k, v]) => [`eu${k}`, v])) },
    };
    expect(findings(DlmPoliciesPerRegionWithinLimit, resource)).toEqual([
      "DlmPoliciesPerRegionWithinLimit: stack dr-222222222222: aws_dlm_lifecycle_policy[us-east-1]: 101 lifecycle policies in us-east-1; Amazon Data Lifecycle Manager allows at most 100 per region of an account",
    ]);
  });
});

describe("ScpsPerTargetWithinLimit", () => {
  test("counts FullAWSAccess: a fifth SCP of the stack on one target is one too many", () => {
    // GIVEN five SCPs attached to the root and four to an account
    const resource = {
      aws_organizations_policy: many(5, () => ({ type: "SERVICE_CONTROL_POLICY", content: "{}" })),
      aws_organizations_policy_attachment: {
        ...Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`root${i}`, { policy_id: `\${aws_organizations_policy.r${i}.id}`, target_id: "r-ab12" }])),
        ...Object.fromEntries([0, 1, 2, 3].map((i) => [`acct${i}`, { policy_id: `\${aws_organizations_policy.r${i}.id}`, target_id: "111111111111" }])),
      },
    };
    expect(findings(ScpsPerTargetWithinLimit, resource)).toEqual([
      "ScpsPerTargetWithinLimit: stack dr-222222222222: aws_organizations_policy_attachment[r-ab12]: 6 SCPs on target r-ab12 (5 of this stack and FullAWSAccess); AWS Organizations allows at most 5 per root, OU or account",
    ]);
  });

  test("does not count backup policies", () => {
    const resource = {
      aws_organizations_policy: many(5, () => ({ type: "BACKUP_POLICY", content: "{}" })),
      aws_organizations_policy_attachment: Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`a${i}`, { policy_id: `\${aws_organizations_policy.r${i}.id}`, target_id: "r-ab12" }])),
    };
    expect(findings(ScpsPerTargetWithinLimit, resource)).toEqual([]);
  });
});

describe("EventRulesPerBusWithinLimit", () => {
  test("reports more than 300 rules on one bus of a region", () => {
    const resource = { aws_cloudwatch_event_rule: { ...many(301, () => ({ provider: "aws.eu-west-1" })), other: { provider: "aws.us-east-1" } } };
    expect(findings(EventRulesPerBusWithinLimit, resource)).toEqual([
      'EventRulesPerBusWithinLimit: stack dr-222222222222: aws_cloudwatch_event_rule[eu-west-1/default]: 301 rules on event bus default in eu-west-1; EventBridge allows 300 per event bus by default ("Rules per event bus")',
    ]);
  });
});
