import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { applyRulePack } from "../../modules/rules/rule-pack";

/** The rule findings of a stack holding one key built with these arguments. */
function findingsFor(keyArguments: Partial<ConstructorParameters<typeof KmsKey>[2]>, accountId = "222222222222"): string[] {
  const stack = new TerraformStack(Testing.app(), "test");
  Object.assign(stack, { accountId });
  const provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
  new KmsKey(stack, "key", {
    provider,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    lifecycle: { preventDestroy: true },
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "Own", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
    }),
    ...keyArguments,
  });
  applyRulePack(stack);
  return stack.node.validate();
}

describe("rule pack", () => {
  test("a hygienic key has no findings", () => {
    // GIVEN a key with rotation, 30 days, prevent_destroy and kms:* for its own account only
    // WHEN the rules run THEN nothing is reported
    expect(findingsFor({})).toEqual([]);
  });

  test.each<[string, Partial<ConstructorParameters<typeof KmsKey>[2]>, string]>([
    ["rotation off", { enableKeyRotation: false }, "KmsKeyRotationEnabled: test/key: Set enable_key_rotation = true on every customer managed key."],
    [
      "a 7-day deletion window",
      { deletionWindowInDays: 7 },
      "KmsKeyDeletionWindowThirtyDays: test/key: Set deletion_window_in_days = 30: deleting a key makes every snapshot encrypted under it unrecoverable.",
    ],
    [
      "no prevent_destroy",
      { lifecycle: {} },
      "DataStorePreventDestroy: test/key: Set lifecycle { prevent_destroy = true } on keys and vaults; remove it deliberately, in its own change, to retire one.",
    ],
    [
      "kms:* to an organization (seed 001's policy)",
      {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Org",
              Effect: "Allow",
              Principal: "*",
              Action: "kms:*",
              Resource: "*",
              Condition: { StringEquals: { "aws:PrincipalOrgID": "o-orgaid123456", "kms:ViaService": "ec2.us-east-1.amazonaws.com" } },
            },
          ],
        }),
      },
      "KmsKeyPolicyNoWildcardActionsForOthers: test/key: Grant other accounts and organizations the few actions they need, never kms:*.",
    ],
  ])("reports %s", (_what, keyArguments, finding) => {
    // GIVEN a key that breaks one rule WHEN the rules run THEN that rule reports it, naming the construct
    expect(findingsFor(keyArguments)).toEqual([finding]);
  });
});
