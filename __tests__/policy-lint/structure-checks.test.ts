import { PolicyIsParsableJson } from "../../modules/policy-lint/checks/PolicyIsParsableJson";
import { PolicyVersion20121017 } from "../../modules/policy-lint/checks/PolicyVersion20121017";
import { ResourcesAreArnsOrWildcard } from "../../modules/policy-lint/checks/ResourcesAreArnsOrWildcard";
import { StatementElementsFitPolicyKind } from "../../modules/policy-lint/checks/StatementElementsFitPolicyKind";
import { StatementSidsUniqueAndAlphanumeric } from "../../modules/policy-lint/checks/StatementSidsUniqueAndAlphanumeric";
import { lintTargets, loadIamCatalog, POLICY_CHECKS, policiesInStack, type PolicyKind } from "../../modules/policy-lint/lint-policies";
import { ACCOUNT, findingsOf, policy } from "./lint-support";

beforeAll(async () => {
  await loadIamCatalog();
});

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** A valid policy of each kind. */
const VALID: Readonly<Record<Exclude<PolicyKind, "backup-policy">, object>> = {
  key: policy({ Sid: "DrAccountAdministersKey", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }),
  trust: policy({ Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }),
  identity: policy({ Sid: "ReadSnapshots", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" }),
  resource: policy({
    Sid: "EventBridgeRules",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: "arn:aws:sqs:us-east-1:111111111111:snapshot-dr-snapshot-copier-dlq",
    Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/snapshot-dr-ebs-snapshot-events" } },
  }),
  scp: policy({ Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" }),
};

describe("every check", () => {
  test.each(Object.entries(VALID))("passes a valid %s policy", (kind, document) => {
    // GIVEN a well-formed policy of the kind WHEN every check runs on it
    const findings = lintTargets(
      [{ stack: "s", resourceType: "t", address: "t.x", attribute: "policy", kind: kind as PolicyKind, text: JSON.stringify(document), document, account: ACCOUNT }],
      { checks: [...POLICY_CHECKS] },
    );
    // THEN nothing is reported
    expect(findings).toEqual([]);
  });
});

describe("PolicyIsParsableJson", () => {
  const stackWithKeyPolicy = (policyText: unknown) => ({
    provider: { aws: [{ alias: "us-east-1", region: "us-east-1", allowed_account_ids: [ACCOUNT] }] },
    resource: { aws_kms_key: { key: { policy: policyText } } },
  });
  const lint = (policyText: unknown) => lintTargets(policiesInStack("dr", stackWithKeyPolicy(policyText)), { checks: [PolicyIsParsableJson] });

  test("reports a policy that is a Terraform expression", () => {
    // GIVEN a key policy that is a reference to a data source, not literal JSON
    // WHEN the check runs
    const findings = lint("${data.aws_iam_policy_document.key.json}");
    // THEN it says so
    expect(findings.map((finding) => finding.message)).toEqual(["The policy is the Terraform expression ${data.aws_iam_policy_document.key.json}, not literal JSON"]);
  });

  test("reports a policy that is not JSON", () => {
    // GIVEN a truncated policy WHEN the check runs THEN it reports the parse error
    const findings = lint('{"Version": "2012-10-17", "Statement": [');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/^The policy is not JSON: /);
  });

  test("reports a policy that is not a string", () => {
    // GIVEN a policy attribute that is an object WHEN the check runs THEN it says it is not a JSON string
    expect(lint({ Version: "2012-10-17" }).map((finding) => finding.message)).toEqual(['The policy is {"Version":"2012-10-17"}, not a JSON string']);
  });

  test("passes a JSON policy", () => {
    // GIVEN a JSON key policy WHEN the check runs THEN nothing is reported
    expect(lint(JSON.stringify(VALID.key))).toEqual([]);
  });
});

describe("PolicyVersion20121017", () => {
  test.each<[string, object, string]>([
    ["an old version", { Version: "2008-10-17", Statement: [] }, 'Version is "2008-10-17", not "2012-10-17"'],
    ["no version", { Statement: [] }, "Version is missing"],
  ])("reports %s", (_name, document, message) => {
    // GIVEN an identity policy without Version 2012-10-17 WHEN the check runs THEN it says which version it has
    expect(findingsOf(PolicyVersion20121017, "identity", document)).toEqual([{ message }]);
  });

  test("passes 2012-10-17", () => {
    // GIVEN a policy with Version 2012-10-17 WHEN the check runs THEN nothing is reported
    expect(findingsOf(PolicyVersion20121017, "identity", VALID.identity)).toEqual([]);
  });
});

describe("StatementElementsFitPolicyKind", () => {
  test.each<[string, PolicyKind, object, { statement?: string; message: string }[]]>([
    [
      "a trust policy with a Resource",
      "trust",
      policy({ Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }),
      [{ statement: "ServiceAssumesRole", message: "A trust policy statement must not have a Resource element (the role is the resource)" }],
    ],
    [
      "an identity policy with a Principal",
      "identity",
      policy({ Sid: "ReadSnapshots", Effect: "Allow", Principal: { AWS: ROOT }, Action: "ec2:DescribeSnapshots", Resource: "*" }),
      [{ statement: "ReadSnapshots", message: "Has a Principal element, which an identity policy does not take (it applies to the principals it is attached to)" }],
    ],
    [
      "an SCP with a Principal",
      "scp",
      policy({ Sid: "FullAWSAccess", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }),
      [{ statement: "FullAWSAccess", message: "Has a Principal element, which an SCP does not take (it applies to the accounts it is attached to)" }],
    ],
    [
      "a resource policy without Resource",
      "resource",
      policy({ Sid: "Send", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage" }),
      [{ statement: "Send", message: "Has neither Resource nor NotResource: a resource policy statement names its resources" }],
    ],
    [
      "a key policy without Principal",
      "key",
      policy({ Sid: "Admin", Effect: "Allow", Action: "kms:*", Resource: "*" }),
      [{ statement: "Admin", message: "Has no Principal: a key policy statement names the principals it applies to" }],
    ],
    [
      "a trust policy without Principal",
      "trust",
      policy({ Sid: "Assume", Effect: "Allow", Action: "sts:AssumeRole" }),
      [{ statement: "Assume", message: "Has no Principal: a trust policy statement names the principals it applies to" }],
    ],
    [
      "a statement without Action",
      "identity",
      policy({ Sid: "Nothing", Effect: "Allow", Resource: "*" }),
      [{ statement: "Nothing", message: "Has neither Action nor NotAction: every statement names its actions" }],
    ],
    [
      "a lowercase Effect and an unknown element",
      "identity",
      policy({ Sid: "Read", Effect: "allow", Action: "ec2:DescribeSnapshots", Resource: "*", Conditions: {} }),
      [
        { statement: "Read", message: "Has the unknown element 'Conditions'" },
        { statement: "Read", message: 'Effect is "allow": expected "Allow" or "Deny"' },
      ],
    ],
    [
      "an Allow with NotPrincipal",
      "resource",
      policy({ Sid: "AllButOne", Effect: "Allow", NotPrincipal: { AWS: ROOT }, Action: "sqs:SendMessage", Resource: "*" }),
      [{ statement: "AllButOne", message: 'NotPrincipal is only supported with "Effect": "Deny"' }],
    ],
    [
      "an unknown principal type",
      "trust",
      policy({ Sid: "Assume", Effect: "Allow", Principal: { Services: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }),
      [{ statement: "Assume", message: "Principal has the unknown principal type 'Services' (AWS, Service, Federated or CanonicalUser)" }],
    ],
    [
      "a statement without Sid that is not an object",
      "identity",
      { Version: "2012-10-17", Statement: ["ec2:DescribeSnapshots"] },
      [{ statement: "Statement[0]", message: "The statement is not a JSON object" }],
    ],
    ["no statements", "identity", { Version: "2012-10-17", Statement: [] }, [{ message: "Statement is empty" }]],
  ])("reports %s", (_name, kind, document, expected) => {
    // GIVEN a statement that lacks an element its kind requires, or has one it forbids
    // WHEN the check runs
    // THEN it names the statement and the element
    expect(findingsOf(StatementElementsFitPolicyKind, kind, document)).toEqual(expected);
  });

  test.each(Object.entries(VALID))("passes a valid %s policy", (kind, document) => {
    // GIVEN a valid policy of the kind WHEN the check runs THEN nothing is reported
    expect(findingsOf(StatementElementsFitPolicyKind, kind as PolicyKind, document)).toEqual([]);
  });

  test("passes a Deny with NotPrincipal in a resource policy", () => {
    // GIVEN a resource policy denying everyone but the account root WHEN the check runs THEN nothing is reported
    const document = policy({ Sid: "OnlyOwner", Effect: "Deny", NotPrincipal: { AWS: ROOT }, Action: "sqs:*", Resource: "*" });
    expect(findingsOf(StatementElementsFitPolicyKind, "resource", document)).toEqual([]);
  });
});

describe("StatementSidsUniqueAndAlphanumeric", () => {
  test("reports a Sid that is not alphanumeric", () => {
    // GIVEN a Sid with a hyphen WHEN the check runs THEN it is reported
    const document = policy({ Sid: "Read-Snapshots", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" });
    expect(findingsOf(StatementSidsUniqueAndAlphanumeric, "identity", document)).toEqual([
      { statement: "Read-Snapshots", message: "Sid 'Read-Snapshots' is not alphanumeric" },
    ]);
  });

  test("reports a Sid used twice", () => {
    // GIVEN two statements with the same Sid WHEN the check runs THEN the Sid is reported once with both statements
    const statement = { Sid: "Read", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" };
    expect(findingsOf(StatementSidsUniqueAndAlphanumeric, "identity", policy(statement, { ...statement, Action: "ec2:DescribeVolumes" }))).toEqual([
      { statement: "Read", message: "Sid 'Read' is used by 2 statements (Statement[0], Statement[1])" },
    ]);
  });

  test("passes unique alphanumeric Sids and statements without Sid", () => {
    // GIVEN distinct alphanumeric Sids and a statement with none WHEN the check runs THEN nothing is reported
    const document = policy(
      { Sid: "ReadSnapshots", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" },
      { Sid: "ReadVolumes2", Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" },
      { Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" },
    );
    expect(findingsOf(StatementSidsUniqueAndAlphanumeric, "identity", document)).toEqual([]);
  });
});

describe("ResourcesAreArnsOrWildcard", () => {
  test("reports a resource that is not an ARN", () => {
    // GIVEN an S3 "ARN" without its empty region and account WHEN the check runs THEN it is reported
    const document = policy({ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:bucket/*" });
    expect(findingsOf(ResourcesAreArnsOrWildcard, "identity", document)).toEqual([
      { statement: "Read", message: "Resource 'arn:aws:s3:bucket/*' is not '*' or an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)" },
    ]);
  });

  test("passes ARNs, '*' and Terraform references", () => {
    // GIVEN ARNs, a wildcard and a reference resolved at apply WHEN the check runs THEN nothing is reported
    const document = policy({
      Sid: "Use",
      Effect: "Allow",
      Action: ["s3:GetObject", "kms:Decrypt", "logs:PutLogEvents"],
      Resource: [
        "arn:aws:s3:::bucket/*",
        "${aws_kms_key.kms-b-us-east-1_key_ABC.arn}",
        "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/snapshot-dr-snapshot-copier:*",
        "arn:aws:ec2:us-east-1::snapshot/*",
        "*",
      ],
    });
    expect(findingsOf(ResourcesAreArnsOrWildcard, "identity", document)).toEqual([]);
  });
});
