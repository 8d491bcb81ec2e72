import { ActionsExistInIamCatalog } from "../../modules/policy-lint/checks/ActionsExistInIamCatalog";
import { ConditionKeysExistInIamCatalog } from "../../modules/policy-lint/checks/ConditionKeysExistInIamCatalog";
import { ConditionOperatorsFitKeys } from "../../modules/policy-lint/checks/ConditionOperatorsFitKeys";
import { WildcardActionOnlyForFullAccessOrKeyOwner } from "../../modules/policy-lint/checks/WildcardActionOnlyForFullAccessOrKeyOwner";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { ACCOUNT, findingsOf, policy } from "./lint-support";

beforeAll(async () => {
  await loadIamCatalog();
});

const identity = (Action: unknown, extra: object = {}) => policy({ Sid: "Use", Effect: "Allow", Action, Resource: "*", ...extra });
const withCondition = (Condition: object) => identity("kms:Decrypt", { Condition });

describe("ActionsExistInIamCatalog", () => {
  test.each<[string, unknown, string]>([
    ["a misspelt action pattern", "kms:ReEncrpyt*", "Action 'kms:ReEncrpyt*' matches no action of kms in the IAM catalogue"],
    ["a misspelt action", "kms:Decrypts", "Action 'kms:Decrypts' is not an action of kms in the IAM catalogue"],
    ["an unknown service", "kmss:Decrypt", "Action 'kmss:Decrypt' names the unknown service 'kmss'"],
    ["an action without service", "Decrypt", "Action 'Decrypt' is not of the form <service>:<action>"],
  ])("reports %s", (_name, action, message) => {
    // GIVEN an action the catalogue does not have WHEN the check runs THEN it names the action
    expect(findingsOf(ActionsExistInIamCatalog, "identity", identity(action))).toEqual([{ statement: "Use", message }]);
  });

  test("reports a misspelt NotAction", () => {
    // GIVEN a Deny of every action but a misspelt one WHEN the check runs THEN the NotAction is reported
    const document = policy({ Sid: "DenyOthers", Effect: "Deny", NotAction: ["kms:Decrypt", "kms:Encrpyt"], Resource: "*" });
    expect(findingsOf(ActionsExistInIamCatalog, "identity", document)).toEqual([
      { statement: "DenyOthers", message: "NotAction 'kms:Encrpyt' is not an action of kms in the IAM catalogue" },
    ]);
  });

  test("passes actions and wildcard patterns of the catalogue, in any case", () => {
    // GIVEN the project's actions, including kms:ReEncrypt* and kms:GenerateDataKey* WHEN the check runs THEN nothing is reported
    const actions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "ec2:CopySnapshot", "EC2:describesnapshots", "ec2:Describe?napshots", "sqs:SendMessage", "logs:PutLogEvents", "kms:*"];
    expect(findingsOf(ActionsExistInIamCatalog, "identity", identity(actions))).toEqual([]);
  });
});

describe("WildcardActionOnlyForFullAccessOrKeyOwner", () => {
  test("reports '*' in an identity policy's Allow", () => {
    // GIVEN an identity policy allowing every action WHEN the check runs THEN it is reported
    expect(findingsOf(WildcardActionOnlyForFullAccessOrKeyOwner, "identity", identity("*"))).toEqual([
      { statement: "Use", message: "Action '*' allows every action of every service in an identity policy: only an SCP's Allow (FullAWSAccess) may" },
    ]);
  });

  test("reports '*' in a key policy, even for the key's own account root", () => {
    // GIVEN a key policy giving its own root '*' rather than kms:* WHEN the check runs THEN it asks for kms:*
    const document = policy({ Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "*", Resource: "*" });
    expect(findingsOf(WildcardActionOnlyForFullAccessOrKeyOwner, "key", document)).toEqual([
      { statement: "Admin", message: "Action '*' in a key policy: write 'kms:*', and only for the key's own account root" },
    ]);
  });

  test("reports NotAction '*'", () => {
    // GIVEN a statement excluding every action WHEN the check runs THEN it says the statement applies to nothing
    const document = policy({ Sid: "Nothing", Effect: "Deny", NotAction: "*", Resource: "*" });
    expect(findingsOf(WildcardActionOnlyForFullAccessOrKeyOwner, "identity", document)).toEqual([
      { statement: "Nothing", message: "NotAction '*' excludes every action: the statement applies to nothing" },
    ]);
  });

  test("passes FullAWSAccess in an SCP, a Deny of everything, and service wildcards", () => {
    // GIVEN an SCP's FullAWSAccess, a Deny of '*' and kms:* WHEN the check runs THEN nothing is reported
    const scp = policy(
      { Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" },
      { Sid: "DenyOutsideRegions", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1"] } } },
    );
    expect(findingsOf(WildcardActionOnlyForFullAccessOrKeyOwner, "scp", scp)).toEqual([]);
    expect(findingsOf(WildcardActionOnlyForFullAccessOrKeyOwner, "identity", identity("kms:*"))).toEqual([]);
  });
});

describe("ConditionKeysExistInIamCatalog", () => {
  test("reports an unknown condition key", () => {
    // GIVEN a misspelt kms:ViaService WHEN the check runs THEN the key is reported with its operator
    expect(findingsOf(ConditionKeysExistInIamCatalog, "identity", withCondition({ StringEquals: { "kms:ViaServic": "ec2.us-east-1.amazonaws.com" } }))).toEqual([
      { statement: "Use", message: "Condition key 'kms:ViaServic' (StringEquals) is not in the IAM catalogue" },
    ]);
  });

  test("reports an unknown global key", () => {
    // GIVEN aws:PrincipalOrgIDs (plural) WHEN the check runs THEN it is reported
    expect(findingsOf(ConditionKeysExistInIamCatalog, "identity", withCondition({ StringEquals: { "aws:PrincipalOrgIDs": "o-aaaaaaaaaa" } }))).toEqual([
      { statement: "Use", message: "Condition key 'aws:PrincipalOrgIDs' (StringEquals) is not in the IAM catalogue" },
    ]);
  });

  test("passes global keys, tag keys, service keys and keys with variables", () => {
    // GIVEN the keys the project uses and plans to use WHEN the check runs THEN nothing is reported
    const document = withCondition({
      StringEquals: {
        "aws:PrincipalOrgID": "o-aaaaaaaaaa",
        "kms:ViaService": "ec2.us-east-1.amazonaws.com",
        "kms:CallerAccount": "111111111111",
        "ec2:Add/userId": ACCOUNT,
        "ec2:CreateAction": "CopySnapshot",
        "aws:ResourceTag/snapshot-dr:transit-copy": "true",
        "aws:RequestTag/CostCenter": "platform-dr",
        "kms:EncryptionContext:aws:ebs:id": "vol-0123456789abcdef0",
        "token.actions.githubusercontent.com:sub": "repo:example/snapshot-dr:ref:refs/heads/main",
      },
      "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/*" },
      "ForAllValues:ArnLike": { "backup:CopyTargets": `arn:aws:backup:*:${ACCOUNT}:backup-vault:*` },
      Bool: { "kms:GrantIsForAWSResource": "true" },
    });
    expect(findingsOf(ConditionKeysExistInIamCatalog, "identity", document)).toEqual([]);
  });
});

describe("ConditionOperatorsFitKeys", () => {
  test.each<[string, object, string]>([
    ["an unknown operator", { StringEqual: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } }, "Condition operator 'StringEqual' is not an IAM condition operator"],
    [
      "a set operator on a single-valued key",
      { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } },
      "ForAnyValue:StringEquals is a set operator, but aws:PrincipalOrgID is single-valued (String): use StringEquals",
    ],
    [
      "a single-valued operator on a multi-valued key",
      { StringLike: { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/*" } },
      "StringLike on aws:PrincipalOrgPaths, which is multi-valued (ArrayOfString): use ForAnyValue:StringLike or ForAllValues:StringLike",
    ],
    [
      "a single-valued ARN operator on a multi-valued ARN key",
      { ArnLike: { "backup:CopyTargets": "arn:aws:backup:*:222222222222:backup-vault:*" } },
      "ArnLike on backup:CopyTargets, which is multi-valued (ArrayOfARN): use ForAnyValue:ArnLike or ForAllValues:ArnLike",
    ],
    ["Bool on a string key", { Bool: { "kms:ViaService": "true" } }, "Bool on kms:ViaService, which is String: Bool fits boolean keys only"],
    ["an ARN operator on a date key", { ArnEquals: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } }, "ArnEquals on aws:CurrentTime, which is Date: Arn operators fit ARN and string keys only"],
  ])("reports %s", (_name, condition, message) => {
    // GIVEN a condition whose operator does not fit its key WHEN the check runs THEN it says what fits
    expect(findingsOf(ConditionOperatorsFitKeys, "identity", withCondition(condition))).toEqual([{ statement: "Use", message }]);
  });

  test("passes operators that fit their keys", () => {
    // GIVEN string operators on ARN keys (valid IAM), Null on a multi-valued key, IfExists, set operators on sets,
    // Bool on booleans and ARN operators on ARN and string keys WHEN the check runs THEN nothing is reported
    const document = withCondition({
      StringEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/x", "ec2:Add/userId": ACCOUNT },
      ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/x` },
      ArnLike: { "aws:SourceVpcArn": "arn:aws:ec2:us-east-1:111111111111:vpc/*" },
      StringEqualsIfExists: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" },
      Null: { "aws:PrincipalOrgPaths": "false" },
      "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/*" },
      "ForAllValues:ArnLike": { "backup:CopyTargets": "arn:aws:backup:*:222222222222:backup-vault:*" },
      Bool: { "kms:GrantIsForAWSResource": "true", "aws:SecureTransport": "true" },
      NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
      DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" },
      IpAddress: { "aws:SourceIp": "203.0.113.0/24" },
    });
    expect(findingsOf(ConditionOperatorsFitKeys, "identity", document)).toEqual([]);
  });
});
