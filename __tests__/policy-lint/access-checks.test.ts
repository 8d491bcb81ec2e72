import { KeyPolicyWildcardOnlyForOwnAccountRoot } from "../../modules/policy-lint/checks/KeyPolicyWildcardOnlyForOwnAccountRoot";
import { PublicPrincipalLimitedByAccountOrOrganization } from "../../modules/policy-lint/checks/PublicPrincipalLimitedByAccountOrOrganization";
import { ServiceTrustPolicyHasSourceCondition } from "../../modules/policy-lint/checks/ServiceTrustPolicyHasSourceCondition";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { ACCOUNT, findingsOf, policy } from "./lint-support";

beforeAll(async () => {
  await loadIamCatalog();
});

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const VIA_EC2 = { "kms:ViaService": "ec2.us-east-1.amazonaws.com" };

const PUBLIC_MESSAGE =
  'Allows Principal "*" without a condition that limits it to listed accounts or organizations (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:SourceOrgPaths, kms:CallerAccount)';

describe("PublicPrincipalLimitedByAccountOrOrganization", () => {
  const keyStatement = (Principal: unknown, Condition?: object) =>
    policy({ Sid: "SourceOrganizations", Effect: "Allow", Principal, Action: "kms:Decrypt", Resource: "*", ...(Condition ? { Condition } : {}) });

  test.each<[string, unknown, object | undefined]>([
    ["no condition", "*", undefined],
    ["only kms:ViaService", "*", { StringEquals: VIA_EC2 }],
    ['{"AWS": "*"} and a negated organization condition', { AWS: "*" }, { StringNotEquals: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } }],
    ["an IfExists organization condition", "*", { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } }],
    ["a ForAllValues organization path condition", "*", { "ForAllValues:StringLike": { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/*" } }],
    ["a '*' account", "*", { StringLike: { "aws:PrincipalAccount": "*" } }],
  ])('reports Principal "*" with %s', (_name, principal, condition) => {
    // GIVEN a key policy allowing everyone, unconditioned or with a condition that does not limit who
    // WHEN the check runs
    // THEN the statement is reported
    expect(findingsOf(PublicPrincipalLimitedByAccountOrOrganization, "key", keyStatement(principal, condition))).toEqual([
      { statement: "SourceOrganizations", message: PUBLIC_MESSAGE },
    ]);
  });

  test.each<[string, object]>([
    ["aws:PrincipalOrgID", { StringEquals: { "aws:PrincipalOrgID": ["o-aaaaaaaaaa"], ...VIA_EC2 } }],
    ["aws:PrincipalOrgPaths", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/r-ab12/*" } }],
    ["aws:PrincipalAccount", { StringEquals: { "aws:PrincipalAccount": "111111111111" } }],
    ["aws:SourceArn", { ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/*" } }],
    ["kms:CallerAccount", { StringEquals: { "kms:CallerAccount": "111111111111", ...VIA_EC2 } }],
  ])('passes Principal "*" limited by %s', (_name, condition) => {
    // GIVEN a key policy allowing everyone in listed accounts or organizations WHEN the check runs THEN nothing is reported
    expect(findingsOf(PublicPrincipalLimitedByAccountOrOrganization, "key", keyStatement("*", condition))).toEqual([]);
  });

  test('passes a Deny to Principal "*" and named principals', () => {
    // GIVEN a Deny to everyone and an Allow to the account root WHEN the check runs THEN nothing is reported
    const document = policy(
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Sid: "Owner", Effect: "Allow", Principal: { AWS: ROOT }, Action: "sqs:*", Resource: "*" },
    );
    expect(findingsOf(PublicPrincipalLimitedByAccountOrOrganization, "resource", document)).toEqual([]);
  });
});

describe("KeyPolicyWildcardOnlyForOwnAccountRoot", () => {
  test("reports kms:* to an organization (seed 001)", () => {
    // GIVEN kms:* to every principal of an organization WHEN the check runs THEN the grant is reported
    const document = policy({
      Sid: "Org",
      Effect: "Allow",
      Principal: "*",
      Action: "kms:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-aaaaaaaaaa", ...VIA_EC2 } },
    });
    expect(findingsOf(KeyPolicyWildcardOnlyForOwnAccountRoot, "key", document)).toEqual([
      { statement: "Org", message: `Grants 'kms:*' to "*", not only to the key's own account root (account ${ACCOUNT})` },
    ]);
  });

  test("reports kms:* to another account's root and to a role of the key's account", () => {
    // GIVEN kms:* to a source account's root and to a role WHEN the check runs THEN both are reported
    const document = policy(
      { Sid: "SourceAdmin", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
      { Sid: "RoleAdmin", Effect: "Allow", Principal: { AWS: [ROOT, `arn:aws:iam::${ACCOUNT}:role/admin`] }, Action: "KMS:*", Resource: "*" },
    );
    expect(findingsOf(KeyPolicyWildcardOnlyForOwnAccountRoot, "key", document)).toEqual([
      { statement: "SourceAdmin", message: `Grants 'kms:*' to {"AWS":"arn:aws:iam::111111111111:root"}, not only to the key's own account root (account ${ACCOUNT})` },
      {
        statement: "RoleAdmin",
        message: `Grants 'KMS:*' to {"AWS":["${ROOT}","arn:aws:iam::${ACCOUNT}:role/admin"]}, not only to the key's own account root (account ${ACCOUNT})`,
      },
    ]);
  });

  test("reports an Allow with NotAction to another principal", () => {
    // GIVEN every action but deletion to a role WHEN the check runs THEN it is reported as a wildcard grant
    const document = policy({ Sid: "AlmostAll", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ops` }, NotAction: "kms:ScheduleKeyDeletion", Resource: "*" });
    expect(findingsOf(KeyPolicyWildcardOnlyForOwnAccountRoot, "key", document)).toEqual([
      { statement: "AlmostAll", message: `Grants every action but its NotAction to {"AWS":"arn:aws:iam::${ACCOUNT}:role/ops"}, not only to the key's own account root (account ${ACCOUNT})` },
    ]);
  });

  test("reports kms:* when the stack's account is unknown", () => {
    // GIVEN a stack whose providers do not name one account WHEN the check runs THEN even the root grant is reported
    const document = policy({ Sid: "Admin", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" });
    expect(findingsOf(KeyPolicyWildcardOnlyForOwnAccountRoot, "key", document, { account: undefined })).toEqual([
      { statement: "Admin", message: `Grants 'kms:*' to {"AWS":"${ROOT}"}, not only to the key's own account root (the stack's account is unknown)` },
    ]);
  });

  test("passes kms:* to the key's own account root, as an ARN or an account ID, and narrow grants to others", () => {
    // GIVEN the administrator statement and a narrow organization grant WHEN the check runs THEN nothing is reported
    const document = policy(
      { Sid: "Admin", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
      { Sid: "AdminById", Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "kms:*", Resource: "*" },
      { Sid: "Org", Effect: "Allow", Principal: "*", Action: ["kms:Decrypt", "kms:ReEncrypt*"], Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } } },
      { Sid: "DenyOthers", Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", Condition: { StringNotEquals: { "kms:CallerAccount": ACCOUNT } } },
    );
    expect(findingsOf(KeyPolicyWildcardOnlyForOwnAccountRoot, "key", document)).toEqual([]);
  });
});

describe("ServiceTrustPolicyHasSourceCondition", () => {
  const trust = (service: string, Condition?: object) =>
    policy({ Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) });

  test("reports a service that supports aws:SourceAccount trusted without it", () => {
    // GIVEN AWS Config trusted with no condition WHEN the check runs THEN the confused deputy is reported with its source
    expect(findingsOf(ServiceTrustPolicyHasSourceCondition, "trust", trust("config.amazonaws.com"))).toEqual([
      {
        statement: "ServiceAssumesRole",
        message:
          "Trusts config.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition (confused deputy; see https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html#iam-trust-policy)",
      },
    ]);
  });

  test("reports a condition that does not limit the source", () => {
    // GIVEN Systems Manager trusted only if the source account exists (IfExists) WHEN the check runs THEN it is reported
    const findings = findingsOf(ServiceTrustPolicyHasSourceCondition, "trust", trust("ssm.amazonaws.com", { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } }));
    expect(findings.map((finding) => finding.statement)).toEqual(["ServiceAssumesRole"]);
  });

  test.each<[string, object]>([
    ["aws:SourceAccount", { StringEquals: { "aws:SourceAccount": ACCOUNT } }],
    ["aws:SourceArn", { ArnLike: { "aws:SourceArn": `arn:aws:ssm:*:${ACCOUNT}:*` } }],
  ])("passes a documented service limited by %s", (_name, condition) => {
    // GIVEN Systems Manager trusted for this account's requests only WHEN the check runs THEN nothing is reported
    expect(findingsOf(ServiceTrustPolicyHasSourceCondition, "trust", trust("ssm.amazonaws.com", condition))).toEqual([]);
  });

  test.each(["lambda.amazonaws.com", "dlm.amazonaws.com", "backup.amazonaws.com"])("does not require a condition for %s", (service) => {
    // GIVEN a service AWS documents no trust-policy source condition for WHEN the check runs THEN nothing is reported
    expect(findingsOf(ServiceTrustPolicyHasSourceCondition, "trust", trust(service))).toEqual([]);
  });
});
