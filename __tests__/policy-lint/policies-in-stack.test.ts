import { policiesInStack, stackAccount } from "../../modules/policy-lint/lint-policies";

const keyPolicy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "DrAccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" }],
};
const trustPolicy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
const identityPolicy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "UseCopyKeys", Effect: "Allow", Action: "kms:Decrypt", Resource: ["${aws_kms_key.kms-b-us-east-1_key_ABC.arn}"] }],
};
const resourcePolicy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Events", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }],
};
const scp = { Version: "2012-10-17", Statement: [{ Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" }] };
const backupPolicy = { plans: { Daily: { regions: { "@@assign": ["us-east-1"] } } } };

/** A stack with one resource of each policy-holding type, as cdktf synthesizes it. */
const STACK = {
  provider: {
    aws: [
      { alias: "us-east-1", region: "us-east-1", allowed_account_ids: ["222222222222"] },
      { alias: "us-west-2", region: "us-west-2", allowed_account_ids: ["222222222222"] },
    ],
  },
  resource: {
    aws_kms_key: {
      "kms-b-us-east-1_key_ABC": { policy: JSON.stringify(keyPolicy), provider: "aws.us-east-1" },
      "default-policy_key_DEF": { provider: "aws.us-east-1" },
    },
    aws_kms_alias: { "kms-b-us-east-1_alias_GHI": { name: "alias/snapshot-dr/kms-b", target_key_id: "${aws_kms_key.kms-b-us-east-1_key_ABC.key_id}" } },
    aws_iam_role: {
      "dlm-role_E4E3B432": {
        name: "snapshot-dr-dlm",
        assume_role_policy: JSON.stringify(trustPolicy),
        inline_policy: [{ name: "legacy", policy: JSON.stringify(identityPolicy) }],
      },
    },
    aws_iam_role_policy: { "dlm-role_inline-copy-keys_4F722F15": { role: "${aws_iam_role.dlm-role_E4E3B432.name}", policy: JSON.stringify(identityPolicy) } },
    aws_iam_policy: { managed_JKL: { name: "managed", policy: JSON.stringify(identityPolicy) } },
    aws_sqs_queue_policy: { dlq_MNO: { queue_url: "${aws_sqs_queue.dlq.url}", policy: JSON.stringify(resourcePolicy) } },
    aws_sns_topic_policy: { topic_PQR: { arn: "${aws_sns_topic.topic.arn}", policy: JSON.stringify(resourcePolicy) } },
    aws_backup_vault_policy: { vault_STU: { backup_vault_name: "snapshot-dr", policy: JSON.stringify(resourcePolicy) } },
    aws_organizations_policy: {
      scp_VWX: { name: "full", type: "SERVICE_CONTROL_POLICY", content: JSON.stringify(scp) },
      "scp-default-type_YZA": { name: "full-default", content: JSON.stringify(scp) },
      backup_BCD: { name: "backup", type: "BACKUP_POLICY", content: JSON.stringify(backupPolicy) },
      tags_EFG: { name: "tags", type: "TAG_POLICY", content: "{}" },
    },
  },
};

describe("policiesInStack", () => {
  test("finds every policy of a stack with its kind, address, attribute and the stack's account", () => {
    // GIVEN a stack with one resource of each policy-holding type (and a key with the default policy, a tag policy)
    // WHEN its policies are listed
    const targets = policiesInStack("dr-222222222222", STACK);
    // THEN each policy is there once, parsed, with the stack's account; the default key policy and the tag policy are not
    expect(targets.map(({ stack, resourceType, address, attribute, kind, account }) => ({ stack, resourceType, address, attribute, kind, account }))).toEqual(
      [
        ["aws_kms_key", "kms-b-us-east-1_key_ABC", "policy", "key"],
        ["aws_iam_role", "dlm-role_E4E3B432", "assume_role_policy", "trust"],
        ["aws_iam_role_policy", "dlm-role_inline-copy-keys_4F722F15", "policy", "identity"],
        ["aws_iam_policy", "managed_JKL", "policy", "identity"],
        ["aws_sqs_queue_policy", "dlq_MNO", "policy", "resource"],
        ["aws_sns_topic_policy", "topic_PQR", "policy", "resource"],
        ["aws_backup_vault_policy", "vault_STU", "policy", "resource"],
        ["aws_iam_role", "dlm-role_E4E3B432", "inline_policy[0].policy", "identity"],
        ["aws_organizations_policy", "scp_VWX", "content", "scp"],
        ["aws_organizations_policy", "scp-default-type_YZA", "content", "scp"],
        ["aws_organizations_policy", "backup_BCD", "content", "backup-policy"],
      ].map(([resourceType, name, attribute, kind]) => ({
        stack: "dr-222222222222",
        resourceType,
        address: `${resourceType}.${name}`,
        attribute,
        kind,
        account: "222222222222",
      })),
    );
    expect(targets.map((target) => target.document)).toEqual([
      keyPolicy,
      trustPolicy,
      identityPolicy,
      identityPolicy,
      resourcePolicy,
      resourcePolicy,
      resourcePolicy,
      identityPolicy,
      scp,
      scp,
      backupPolicy,
    ]);
    expect(targets[0].text).toBe(JSON.stringify(keyPolicy));
    expect(targets.every((target) => target.parseError === undefined)).toBe(true);
  });

  test("keeps a policy that does not parse, with the reason", () => {
    // GIVEN a key policy that is not JSON WHEN the stack's policies are listed THEN it is listed with its parse error
    const [target] = policiesInStack("s", { resource: { aws_kms_key: { k: { policy: "{oops" } } } });
    expect(target.document).toBeUndefined();
    expect(target.parseError).toMatch(/^The policy is not JSON: /);
  });

  test("has no account when the providers do not allow exactly one", () => {
    // GIVEN providers allowing different accounts, or none WHEN the account is derived THEN it is undefined
    expect(stackAccount({ provider: { aws: [{ allowed_account_ids: ["111111111111"] }, { allowed_account_ids: ["222222222222"] }] } })).toBeUndefined();
    expect(stackAccount({ provider: { aws: [{ region: "us-east-1" }] } })).toBeUndefined();
    expect(stackAccount(STACK)).toBe("222222222222");
  });

  test("finds nothing in a stack without resources", () => {
    // GIVEN a stack with only providers WHEN its policies are listed THEN there are none
    expect(policiesInStack("empty", { provider: STACK.provider })).toEqual([]);
  });
});
