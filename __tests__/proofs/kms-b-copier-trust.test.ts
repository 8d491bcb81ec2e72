/**
 * Proofs over the synthesized JSON that KMS-B trusts the snapshot copier role of the source organizations, not
 * every principal of them: a workload role can neither use KMS-B nor make EC2 create grants on it, even with an
 * identity policy that allows everything; the copier still can, under its configured name.
 */
import * as path from "path";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import { EBS_COPY_KEY_ACTIONS, kmsBKeyPolicy } from "../../modules/dr-account/kms-b-key-policy";
import { allowEverythingPolicy, expectAllowed, expectDenied, type PolicyRequest } from "../../scripts/review/policy-simulator";
import { type SynthesizedApp, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";
import { generateConfig } from "../../scripts/generate-config";
import { Testing } from "cdktf";
import { DrAccountStack } from "../../stacks/dr-account-stack";

const EXAMPLE_FILE = path.join(__dirname, "..", "..", "config", "example.yaml");
const DR_ACCOUNT = "222222222222";
const SOURCE_ACCOUNT = "111111111111";
const SOURCE_ORG = "o-aaaaaaaaaa";
const KMS_B = "alias/snapshot-dr/kms-b";
const REGION = "us-east-1";

/** What EC2 sends KMS when it works for a principal of the source account (CopySnapshot under KMS-B). */
function throughEc2(app: SynthesizedApp, roleName: string, action: string): PolicyRequest {
  const principal = `arn:aws:iam::${SOURCE_ACCOUNT}:role/${roleName}`;
  const dr = app.dr(DR_ACCOUNT);
  return {
    description: `${roleName} ${action} on KMS-B through EC2`,
    principal,
    action,
    resource: dr.keyArn(KMS_B, REGION),
    resourceAccount: DR_ACCOUNT,
    context: {
      // aws:PrincipalArn of a role session is the role's ARN (IAM, global condition context keys)
      "aws:PrincipalArn": principal,
      "aws:PrincipalAccount": SOURCE_ACCOUNT,
      "aws:PrincipalOrgID": SOURCE_ORG,
      "kms:CallerAccount": SOURCE_ACCOUNT,
      "kms:ViaService": `ec2.${REGION}.amazonaws.com`,
      ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}),
    },
    identityPolicies: [allowEverythingPolicy()],
    resourcePolicy: dr.keyPolicy(KMS_B, REGION),
  };
}

const ACTIONS = [...EBS_COPY_KEY_ACTIONS, "kms:CreateGrant"];

describe("the example: KMS-B trusts the copier role only", () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthesizeToTemp(loadConfig(EXAMPLE_FILE), "kms-b-copier-trust");
  });
  afterAll(() => app?.cleanup());

  test.each(ACTIONS)("a workload role of the source organization: %s through EC2 is denied by the key policy", async (action) => {
    // GIVEN a role of a source account that is not the copier, whose own IAM allows everything
    // WHEN EC2 calls KMS-B on its behalf, as in the copier's CopySnapshot
    // THEN KMS-B's policy refuses it: the principal ARN is not the copier's
    const outcome = await expectDenied(throughEc2(app, "workload", action), "resource");
    expect(outcome.decision).toBe("ImplicitlyDenied");
  });

  test.each(ACTIONS)("the copier role: %s through EC2 is allowed by the key policy", async (action) => {
    // GIVEN the copier role's name WHEN EC2 calls KMS-B on its behalf THEN the key policy allows it
    await expectAllowed(throughEc2(app, "snapshot-dr-snapshot-copier", action));
  });
});

describe("ebs.copierRoleName renames the role and KMS-B's trust together", () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    const raw = { ...loadConfig(EXAMPLE_FILE), ebs: { ...loadConfig(EXAMPLE_FILE).ebs, copierRoleName: "DrSnapshotCopier" } };
    app = synthesizeToTemp(parseConfig(raw, "example with ebs.copierRoleName"), "kms-b-copier-name");
  });
  afterAll(() => app?.cleanup());

  test("the source stack's copier role has the configured name, and KMS-B lets it (and not the default name) in", async () => {
    // GIVEN ebs.copierRoleName: DrSnapshotCopier WHEN synthesized
    // THEN the source account's copier role carries that name
    expect(app.source(SOURCE_ACCOUNT).roleInlinePolicies("DrSnapshotCopier").length).toBeGreaterThan(0);
    // AND KMS-B allows that role and refuses the default name
    await expectAllowed(throughEc2(app, "DrSnapshotCopier", "kms:ReEncryptTo"));
    await expectDenied(throughEc2(app, "snapshot-dr-snapshot-copier", "kms:ReEncryptTo"), "resource");
  });
});

describe("KMS-B's policy", () => {
  const props = {
    partition: "aws",
    drAccountId: DR_ACCOUNT,
    ec2ViaService: `ec2.${REGION}.amazonaws.com`,
    copierRoleArnPattern: "arn:aws:iam::*:role/snapshot-dr-snapshot-copier",
    lockDown: false,
  };

  test("is the same, byte for byte, whatever the number of source accounts", () => {
    // GIVEN generated estates of one source organization with 3 and with 300 accounts WHEN their DR stacks are synthesized
    const kmsBPolicies = (accounts: number) => {
      const config = parseConfig(generateConfig({ sourceAccounts: accounts, regionsPerAccount: 3 }), `generated: ${accounts} accounts`);
      const json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
      const keys = Object.values(json.resource.aws_kms_key) as { provider: string; description: string; policy: string }[];
      return new Map(keys.filter((key) => key.policy.includes("SourceOrganizationsCopySnapshotsThroughEc2")).map((key) => [key.provider, key.policy]));
    };
    const few = kmsBPolicies(3);
    const many = kmsBPolicies(300);
    // THEN every region's KMS-B policy of the small estate is identical in the large one: nothing in it grows per account
    expect(few.size).toBeGreaterThan(0);
    for (const [provider, policy] of few) expect(many.get(provider)).toBe(policy);
  });

  test("rejects a copier pattern that is not a role of any account", () => {
    // GIVEN a role ARN of one account WHEN the policy is built THEN it fails naming the expected form
    expect(() => kmsBKeyPolicy({ ...props, sourceOrganizationIds: [SOURCE_ORG], copierRoleArnPattern: "arn:aws:iam::111111111111:role/copier" })).toThrow(
      "Expected the copier role ARN pattern to be arn:<partition>:iam::*:role/<name>, got 'arn:aws:iam::111111111111:role/copier'",
    );
  });
});

test("ebs.copierRoleName must be an IAM role name", () => {
  // GIVEN a name with a slash WHEN the example with it is parsed THEN the field is named with the IAM rule
  const raw = { ...loadConfig(EXAMPLE_FILE), ebs: { ...loadConfig(EXAMPLE_FILE).ebs, copierRoleName: "dr/copier" } };
  expect(() => parseConfig(raw, "test")).toThrow("ebs.copierRoleName: expected an IAM role name: 1 to 64 letters, digits or '+=,.@_-'");
});
