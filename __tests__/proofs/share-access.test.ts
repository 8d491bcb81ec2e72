import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { allowEverythingPolicy, expectAllowed, expectDenied, NamedPolicy } from "../../scripts/review/policy-simulator";
import { SynthesizedApp, SynthesizedStack, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";

/**
 * Proofs of `ebs.mode: share` (seed 000) over the synthesized JSON: the DR account's DLM role may use the
 * source accounts' KMS-A to copy what they share, nobody outside the configuration may, and the source DLM
 * role may use its own key.
 */
const DR = "222222222222";
const SHARING = "111111111111"; // share mode, us-east-1 and eu-west-1
const REENCRYPTING = "333333333333"; // reencrypt mode, us-east-1
const EXISTING_KEY_ACCOUNT = "444444444444"; // share mode with an existing key in us-east-1
const OUTSIDER = "777777777777";
const KMS_A = "alias/snapshot-dr/kms-a";
const DR_DLM_ROLE = "snapshot-dr-dlm-cross-account-copy";
const SOURCE_DLM_ROLE = "snapshot-dr-dlm-snapshots";
/** What a DLM copy of a shared snapshot does with the source key (seed 000 step 2, without what a copy never asks). */
const COPY_FROM_SOURCE_KEY = ["kms:Decrypt", "kms:ReEncryptFrom", "kms:DescribeKey"];
/** Seed 000 step 2 grants these too; a copy needs none of them, so KMS-A gives them to nobody outside the account. */
const NOT_NEEDED_TO_COPY = ["kms:Encrypt", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"];

const config: SnapshotDrConfig = parseConfig({
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: DR, organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [
    { id: SHARING, organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"], ebs: { mode: "share" } },
    { id: REENCRYPTING, organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
    {
      id: EXISTING_KEY_ACCOUNT,
      organizationId: "o-aaaaaaaaaa",
      regions: ["us-east-1"],
      ebs: { mode: "share", kmsKeyArns: { "us-east-1": `arn:aws:kms:us-east-1:${EXISTING_KEY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } },
    },
  ],
});

const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const identityOf = (stack: SynthesizedStack, roleName: string): NamedPolicy[] =>
  stack.roleInlinePolicies(roleName).map(({ name, document }) => ({ name: `${roleName}/${name}`, policy: document }));

/** What AWS puts in the context when a principal calls KMS, through a service (`viaService`) or directly. */
function kmsContext(principalAccount: string, principal: string, action: string, grantForAwsResource?: "true" | "false", viaService?: string) {
  return {
    // Every key of these requests belongs to a source account of o-aaaaaaaaaa.
    "aws:ResourceOrgID": "o-aaaaaaaaaa",
    "aws:PrincipalAccount": principalAccount,
    "aws:PrincipalArn": principal,
    "kms:CallerAccount": principalAccount,
    ...(viaService ? { "kms:ViaService": viaService } : {}),
    ...(action === "kms:CreateGrant" && grantForAwsResource !== undefined ? { "kms:GrantIsForAWSResource": grantForAwsResource } : {}),
  };
}

const ec2 = (region: string) => `ec2.${region}.amazonaws.com`;

let app: SynthesizedApp;
let dr: SynthesizedStack;
let sharing: SynthesizedStack;

beforeAll(() => {
  app = synthesizeToTemp(config, "share-access");
  dr = app.dr(DR);
  sharing = app.source(SHARING);
});
afterAll(() => app?.cleanup());

describe("share mode: the DR account's DLM role on the source key (KMS-A)", () => {
  const regions = ["us-east-1", "eu-west-1"];

  test.each(regions.flatMap((region) => COPY_FROM_SOURCE_KEY.map((action) => ({ region, action }))))(
    "$action on KMS-A of $region is allowed",
    async ({ region, action }) => {
      // GIVEN the DR DLM role (identity policy from the DR stack) and KMS-A (key policy from the source stack)
      const principal = roleArn(DR, DR_DLM_ROLE);
      // WHEN DLM copies a shared snapshot encrypted under KMS-A
      // THEN both sides allow the cross-account call
      await expectAllowed({
        description: "DR DLM role uses the shared source key",
        principal,
        action,
        resource: sharing.keyArn(KMS_A, region),
        resourceAccount: SHARING,
        context: kmsContext(DR, principal, action, undefined, ec2(region)),
        identityPolicies: identityOf(dr, DR_DLM_ROLE),
        resourcePolicy: sharing.keyPolicy(KMS_A, region),
      });
    },
  );

  test.each(regions.flatMap((region) => NOT_NEEDED_TO_COPY.map((action) => ({ region, action }))))(
    "$action on KMS-A of $region, even through EC2, is denied by the key policy: a copy never asks for it",
    async ({ region, action }) => {
      // GIVEN a role of the DR account whose own IAM allows everything (as seed 000 step 4 would), and KMS-A
      const principal = roleArn(DR, DR_DLM_ROLE);
      // WHEN EC2 calls KMS with the role's credentials THEN the key policy refuses: the DR account cannot encrypt with the source key
      await expectDenied(
        {
          description: "DR DLM role encrypts with KMS-A through EC2",
          principal,
          action,
          resource: sharing.keyArn(KMS_A, region),
          resourceAccount: SHARING,
          context: kmsContext(DR, principal, action, undefined, ec2(region)),
          identityPolicies: [allowEverythingPolicy()],
          resourcePolicy: sharing.keyPolicy(KMS_A, region),
        },
        "resource",
      );
    },
  );

  test.each(regions.flatMap((region) => ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom"].map((action) => ({ region, action }))))(
    "$action on KMS-A of $region directly, or through another service, is denied by both policies",
    async ({ region, action }) => {
      // GIVEN the DR DLM role and KMS-A
      const principal = roleArn(DR, DR_DLM_ROLE);
      const request = {
        principal,
        action,
        resource: sharing.keyArn(KMS_A, region),
        resourceAccount: SHARING,
        identityPolicies: identityOf(dr, DR_DLM_ROLE),
        resourcePolicy: sharing.keyPolicy(KMS_A, region),
      };
      // WHEN it calls KMS itself, or through RDS THEN both its policy and the key policy deny it: the key is for EBS copies only
      await expectDenied({ ...request, description: "DR DLM role on KMS-A directly", context: kmsContext(DR, principal, action) }, "both");
      await expectDenied({ ...request, description: "DR DLM role on KMS-A through RDS", context: kmsContext(DR, principal, action, undefined, `rds.${region}.amazonaws.com`) }, "both");
    },
  );

  test.each(regions)("DescribeKey on KMS-A of %s is allowed without EC2 (metadata only)", async (region) => {
    // GIVEN the DR DLM role WHEN it describes the key directly THEN both policies allow it
    const principal = roleArn(DR, DR_DLM_ROLE);
    await expectAllowed({
      description: "DR DLM role describes KMS-A",
      principal,
      action: "kms:DescribeKey",
      resource: sharing.keyArn(KMS_A, region),
      resourceAccount: SHARING,
      context: kmsContext(DR, principal, "kms:DescribeKey"),
      identityPolicies: identityOf(dr, DR_DLM_ROLE),
      resourcePolicy: sharing.keyPolicy(KMS_A, region),
    });
  });

  test.each(regions)("CreateGrant on KMS-A of %s is allowed for an AWS resource only", async (region) => {
    // GIVEN the DR DLM role and KMS-A
    const principal = roleArn(DR, DR_DLM_ROLE);
    const request = {
      principal,
      action: "kms:CreateGrant",
      resource: sharing.keyArn(KMS_A, region),
      resourceAccount: SHARING,
      identityPolicies: identityOf(dr, DR_DLM_ROLE),
      resourcePolicy: sharing.keyPolicy(KMS_A, region),
    };
    // WHEN EBS asks for a grant for the copy THEN it is allowed
    await expectAllowed({ ...request, description: "grant for EBS", context: kmsContext(DR, principal, "kms:CreateGrant", "true", ec2(region)) });
    // AND WHEN the grant is not for an AWS resource THEN both policies deny it
    await expectDenied({ ...request, description: "grant not for an AWS resource", context: kmsContext(DR, principal, "kms:CreateGrant", "false", ec2(region)) }, "both");
  });

  test.each(["kms:Decrypt", "kms:CreateGrant"])("an account outside the configuration cannot %s on KMS-A", async (action) => {
    // GIVEN a role of another account whose identity policy allows everything
    const principal = roleArn(OUTSIDER, DR_DLM_ROLE);
    // WHEN it uses KMS-A THEN the key policy denies it
    await expectDenied(
      {
        description: "outsider on KMS-A",
        principal,
        action,
        resource: sharing.keyArn(KMS_A, "us-east-1"),
        resourceAccount: SHARING,
        context: kmsContext(OUTSIDER, principal, action, "true", ec2("us-east-1")),
        identityPolicies: [allowEverythingPolicy()],
        resourcePolicy: sharing.keyPolicy(KMS_A, "us-east-1"),
      },
      "resource",
    );
  });

  test("the DR DLM role has no permission on keys of a source account that re-encrypts instead", async () => {
    // GIVEN a key of the reencrypt-mode account whose key policy would let the DR account in
    const principal = roleArn(DR, DR_DLM_ROLE);
    const openToDr = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Dr", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DR}:root` }, Action: "kms:*", Resource: "*" }],
    };
    // WHEN the DR DLM role decrypts with it THEN its own identity policy denies it
    await expectDenied(
      {
        description: "DR DLM role on a key it was not given",
        principal,
        action: "kms:Decrypt",
        resource: `arn:aws:kms:us-east-1:${REENCRYPTING}:key/0000aaaa-0000-0000-0000-000000000000`,
        resourceAccount: REENCRYPTING,
        context: kmsContext(DR, principal, "kms:Decrypt"),
        identityPolicies: identityOf(dr, DR_DLM_ROLE),
        resourcePolicy: openToDr,
      },
      "identity",
    );
  });
});

describe("share mode: the source account's DLM role on its own key", () => {
  test.each(["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptTo", "kms:CreateGrant"])(
    "%s through EC2 is allowed by the key policy",
    async (action) => {
      // GIVEN the source DLM role (no identity policy on KMS) and KMS-A, whose policy names the role
      const principal = roleArn(SHARING, SOURCE_DLM_ROLE);
      // WHEN it uses the key while snapshotting THEN the key policy alone allows it
      await expectAllowed({
        description: "source DLM role on KMS-A",
        principal,
        action,
        resource: sharing.keyArn(KMS_A, "us-east-1"),
        resourceAccount: SHARING,
        context: kmsContext(SHARING, principal, action, "true", ec2("us-east-1")),
        identityPolicies: [],
        resourcePolicy: sharing.keyPolicy(KMS_A, "us-east-1"),
      });
    },
  );

  test("key administration is not granted to the role or the DR account", async () => {
    // GIVEN the DR account's DLM role with an identity policy allowing everything
    const principal = roleArn(DR, DR_DLM_ROLE);
    // WHEN it schedules KMS-A's deletion THEN the key policy denies it
    await expectDenied(
      {
        description: "DR deletes the source key",
        principal,
        action: "kms:ScheduleKeyDeletion",
        resource: sharing.keyArn(KMS_A, "us-east-1"),
        resourceAccount: SHARING,
        context: kmsContext(DR, principal, "kms:ScheduleKeyDeletion"),
        identityPolicies: [allowEverythingPolicy()],
        resourcePolicy: sharing.keyPolicy(KMS_A, "us-east-1"),
      },
      "resource",
    );
  });
});

describe("share mode: the synthesized stacks", () => {
  test("an existing key is not created, and the DR account's regions cover every sharing region", () => {
    // GIVEN the account that names an existing key
    // WHEN the stacks are read THEN it has no KMS-A, and KMS-B exists only where an account re-encrypts
    expect(app.source(EXISTING_KEY_ACCOUNT).aliasRegions(KMS_A)).toEqual([]);
    expect(sharing.aliasRegions(KMS_A)).toEqual(["eu-west-1", "us-east-1"]);
    expect(dr.aliasRegions("alias/snapshot-dr/kms-b")).toEqual(["us-east-1"]);
  });
});
