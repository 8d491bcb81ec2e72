/**
 * Proofs, with @cloud-copilot/iam-simulate, that the policies this project synthesizes allow exactly the
 * cross-account calls of the re-encryption flow (design §2a, seeds 000 and 001) and deny misuse.
 *
 * Everything is read back from the synthesized `cdk.tf.json` (what Terraform deploys). A cross-account KMS
 * call (principal in a source account, KMS-B in the DR account) is allowed only when both the principal's
 * identity policy (source stack) and the key policy (DR stack) allow it; the simulator models that, and
 * KMS's rule that a key policy statement for `<account>:root` only delegates to that account's IAM.
 *
 * The simulator sets no request context by itself: each request passes what AWS would set.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadConfig, parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import {
  allowEverythingPolicy,
  expectAllowed,
  expectDenied,
  type NamedPolicy,
  type PolicyInput,
  type PolicyRequest,
} from "../../scripts/review/policy-simulator";
import { type SynthesizedApp, type SynthesizedStack, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";

const EXAMPLE_FILE = path.join(__dirname, "..", "..", "config", "example.yaml");
const example = loadConfig(EXAMPLE_FILE);

const DR_ACCOUNT = "222222222222";
const DR_ORG = "o-bbbbbbbbbb";
const SOURCE_ORG = "o-aaaaaaaaaa";
const OTHER_ORG = "o-cccccccccc";
const OUTSIDE_ACCOUNT = "444444444444";
const KMS_B = "alias/snapshot-dr/kms-b";
const KMS_C = "alias/snapshot-dr/kms-c";
const COPIER = "snapshot-dr-snapshot-copier";
const DR_DLM_ROLE = "snapshot-dr-dlm-cross-account-copy";
const DR_ADMIN = `arn:aws:iam::${DR_ACCOUNT}:role/Admin`;
const TRANSIT_TAG = "aws:ResourceTag/snapshot-dr:transit-copy";
const SNAPSHOT_ID = "snap-0123456789abcdef0";

/** What EC2 does with the caller's permissions when it copies a snapshot under a key (CopySnapshot + KmsKeyId). */
const EBS_COPY_ACTIONS = [
  "kms:DescribeKey",
  "kms:CreateGrant",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptTo",
  "kms:ReEncryptFrom",
  "kms:Decrypt",
] as const;

/** Seed 000 step 4: what the DR DLM role does with the copy keys (grants separately). */
const DLM_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
] as const;
const DLM_GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"] as const;

const ec2Via = (region: string) => `ec2.${region}.amazonaws.com`;
const copierArn = (accountId: string) => `arn:aws:iam::${accountId}:role/${COPIER}`;
const snapshotArn = (region: string, id = SNAPSHOT_ID) => `arn:aws:ec2:${region}::snapshot/${id}`;
const foreignKeyArn = (region: string, accountId: string) => `arn:aws:kms:${region}:${accountId}:key/0f0f0f0f-1111-4222-a333-444455556666`;

/** The context AWS sets on a KMS request of a principal (no kms:ViaService unless a service makes the call). */
function kmsContext(principalArn: string, orgId: string, extra: Record<string, string> = {}): Record<string, string> {
  const accountId = principalArn.split(":")[4];
  return {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": accountId,
    "aws:PrincipalOrgID": orgId,
    "kms:CallerAccount": accountId,
    ...extra,
  };
}

/** kms:CreateGrant carries kms:GrantIsForAWSResource (true when EBS creates the grant for the copy). */
function ebsCallContext(principalArn: string, orgId: string, action: string, region: string): Record<string, string> {
  return kmsContext(principalArn, orgId, {
    "kms:ViaService": ec2Via(region),
    ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}),
  });
}

/** The context of an EC2 request of a principal. */
function ec2Context(principalArn: string, orgId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": principalArn.split(":")[4],
    "aws:PrincipalOrgID": orgId,
    ...extra,
  };
}

const identityOf = (stack: SynthesizedStack, roleName: string): NamedPolicy[] =>
  stack.roleInlinePolicies(roleName).map(({ name, document }) => ({ name: `${roleName}/${name}`, policy: document }));

/** A key policy as KMS creates by default: the owning account administers, IAM decides. */
const defaultKeyPolicy = (accountId: string): PolicyInput => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "EnableIamUserPermissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
});

/** A key policy that lets anyone do anything: to show the identity policy alone denies. */
const openKeyPolicy: PolicyInput = {
  Version: "2012-10-17",
  Statement: [{ Sid: "AnyoneAnything", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
};

/** Every (source account, region) pair of a configuration. */
const accountRegions = (config: SnapshotDrConfig) =>
  config.sourceAccounts.flatMap((account) => account.regions.map((region) => ({ accountId: account.id, orgId: account.organizationId, region })));

/** The example with `drAccount.kmsB.lockDown: true`, validated like any configuration file. */
function lockedDownExample(): SnapshotDrConfig {
  const raw = parse(fs.readFileSync(EXAMPLE_FILE, "utf8"));
  raw.drAccount.kmsB = { ...raw.drAccount.kmsB, lockDown: true };
  return parseConfig(raw, "example with kmsB.lockDown");
}

/**
 * Two source organizations (accounts spread round robin), in us-east-1 and eu-west-1; plus one account of
 * the first organization alone in ap-southeast-2, so that region's KMS-B admits only that organization.
 */
function multiOrgConfig(): SnapshotDrConfig {
  const raw = generateConfig({ sourceAccounts: 5, regionsPerAccount: 2, sourceOrganizations: 2 });
  const accounts = raw.sourceAccounts.map((account, index) => (index === 4 ? { ...account, regions: ["ap-southeast-2"] } : account));
  return parseConfig({ ...raw, sourceAccounts: accounts }, "generated: 2 source organizations");
}

let app: SynthesizedApp;
let dr: SynthesizedStack;

beforeAll(() => {
  app = synthesizeToTemp(example, "reencryption-access-example");
  dr = app.dr(DR_ACCOUNT);
});

afterAll(() => app?.cleanup());

describe("the synthesized example", () => {
  test("has the stacks and keys the proofs read", () => {
    // GIVEN the example configuration synthesized into a temporary directory
    // WHEN the stacks are read back
    // THEN there is one DR stack, one stack per source account and the DR organization's, KMS-B in every source region, KMS-C in every copy region
    expect([...app.stacks.keys()].sort()).toEqual(["dr-222222222222", "org-o-bbbbbbbbbb", "source-111111111111", "source-333333333333"]);
    expect(dr.aliasRegions(KMS_B)).toEqual(["eu-west-1", "us-east-1"]);
    expect(dr.aliasRegions(KMS_C)).toEqual(["us-east-1", "us-west-2"]);
    // and the copier's identity is exactly its inline policies: nothing attached that the proofs would not see
    for (const account of example.sourceAccounts) {
      expect(app.source(account.id).managedPolicyArns(COPIER)).toEqual([]);
      expect(app.source(account.id).roleInlinePolicies(COPIER).length).toBeGreaterThan(0);
    }
  });
});

describe("1. the source copier uses KMS-B of its region through EC2", () => {
  const cases = accountRegions(example).flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action })));

  test.each(cases)("$accountId in $region: $action is allowed", async ({ accountId, orgId, region, action }) => {
    // GIVEN the copier role of a source account (identity policy from its stack) and KMS-B of the region (key policy from the DR stack)
    const source = app.source(accountId);
    // WHEN EC2 in that region calls KMS with the copier's credentials while copying a snapshot under KMS-B
    // THEN the cross-account call is allowed: both the identity policy and the key policy allow it
    const outcome = await expectAllowed({
      description: "copier through EC2 on KMS-B",
      principal: copierArn(accountId),
      action,
      resource: dr.keyArn(KMS_B, region),
      resourceAccount: DR_ACCOUNT,
      context: ebsCallContext(copierArn(accountId), orgId, action, region),
      identityPolicies: identityOf(source, COPIER),
      resourcePolicy: dr.keyPolicy(KMS_B, region),
    });
    expect(outcome.analysis.sameAccount).toBe(false);
    expect(outcome.identityAllows).toBe(true);
    expect(outcome.resourceResult).toBe("Allowed");
  });
});

describe("2. KMS-B and KMS-C refuse misuse", () => {
  const usEast1 = "us-east-1";
  const payments = "111111111111"; // in us-east-1 and eu-west-1

  test.each(accountRegions(example).flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action }))))(
    "another organization: $action on KMS-B $region is denied by the key policy",
    async ({ region, action }) => {
      // GIVEN a role of an account outside the source organizations, whose identity policy allows everything
      const outsider = `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/${COPIER}`;
      // WHEN it makes the copier's exact call through EC2 of the key's region
      // THEN the key policy of KMS-B denies it
      await expectDenied(
        {
          description: "principal of another organization",
          principal: outsider,
          action,
          resource: dr.keyArn(KMS_B, region),
          resourceAccount: DR_ACCOUNT,
          context: ebsCallContext(outsider, OTHER_ORG, action, region),
          identityPolicies: [allowEverythingPolicy()],
          resourcePolicy: dr.keyPolicy(KMS_B, region),
        },
        "resource",
      );
    },
  );

  test.each(EBS_COPY_ACTIONS.flatMap((action) => [
    { action, keyRegion: "us-east-1", viaRegion: "eu-west-1" },
    { action, keyRegion: "eu-west-1", viaRegion: "us-east-1" },
  ]))("another region's EC2: $action on KMS-B $keyRegion through ec2.$viaRegion is denied by the key policy", async ({ action, keyRegion, viaRegion }) => {
    // GIVEN the copier of an account in both regions (its identity policy allows EC2 of both)
    // WHEN EC2 of the other region calls the key
    // THEN the key policy denies it: each KMS-B is usable only through EC2 in its own region
    await expectDenied(
      {
        description: "through another region's EC2",
        principal: copierArn(payments),
        action,
        resource: dr.keyArn(KMS_B, keyRegion),
        resourceAccount: DR_ACCOUNT,
        context: ebsCallContext(copierArn(payments), SOURCE_ORG, action, viaRegion),
        identityPolicies: identityOf(app.source(payments), COPIER),
        resourcePolicy: dr.keyPolicy(KMS_B, keyRegion),
      },
      "resource",
    );
  });

  test.each(EBS_COPY_ACTIONS.map((action) => ({ action })))("without kms:ViaService: $action on KMS-B is denied by both policies", async ({ action }) => {
    // GIVEN the copier calling KMS-B directly (not through EC2)
    const context = ebsCallContext(copierArn(payments), SOURCE_ORG, action, usEast1);
    delete context["kms:ViaService"];
    // WHEN the call reaches KMS without kms:ViaService
    // THEN neither the copier's identity policy nor the key policy allows it
    await expectDenied(
      {
        description: "direct call, no kms:ViaService",
        principal: copierArn(payments),
        action,
        resource: dr.keyArn(KMS_B, usEast1),
        resourceAccount: DR_ACCOUNT,
        context,
        identityPolicies: identityOf(app.source(payments), COPIER),
        resourcePolicy: dr.keyPolicy(KMS_B, usEast1),
      },
      "both",
    );
    // AND even an identity policy allowing everything does not get past the key policy
    await expectDenied(
      {
        description: "direct call, no kms:ViaService, admin identity",
        principal: copierArn(payments),
        action,
        resource: dr.keyArn(KMS_B, usEast1),
        resourceAccount: DR_ACCOUNT,
        context,
        identityPolicies: [allowEverythingPolicy()],
        resourcePolicy: dr.keyPolicy(KMS_B, usEast1),
      },
      "resource",
    );
  });

  test.each(EBS_COPY_ACTIONS.map((action) => ({ action })))("through another service: $action via rds.us-east-1 is denied by both policies", async ({ action }) => {
    // GIVEN the copier's credentials used by RDS in the key's region
    const context = { ...ebsCallContext(copierArn(payments), SOURCE_ORG, action, usEast1), "kms:ViaService": "rds.us-east-1.amazonaws.com" };
    // WHEN RDS calls KMS-B
    // THEN neither the identity policy nor the key policy allows it (only EC2 is trusted)
    await expectDenied(
      {
        description: "through RDS",
        principal: copierArn(payments),
        action,
        resource: dr.keyArn(KMS_B, usEast1),
        resourceAccount: DR_ACCOUNT,
        context,
        identityPolicies: identityOf(app.source(payments), COPIER),
        resourcePolicy: dr.keyPolicy(KMS_B, usEast1),
      },
      "both",
    );
  });

  test.each([
    { grantForAwsResource: "false" as string | undefined, label: "false" },
    { grantForAwsResource: undefined as string | undefined, label: "absent" },
  ])("kms:CreateGrant with kms:GrantIsForAWSResource $label is denied by both policies", async ({ grantForAwsResource }) => {
    // GIVEN the copier creating a grant on KMS-B through EC2, but not for an AWS resource
    const context = ebsCallContext(copierArn(payments), SOURCE_ORG, "kms:CreateGrant", usEast1);
    if (grantForAwsResource === undefined) delete context["kms:GrantIsForAWSResource"];
    else context["kms:GrantIsForAWSResource"] = grantForAwsResource;
    // WHEN the grant request reaches KMS
    // THEN it is denied: grants on KMS-B are only for the EBS resources EC2 creates
    await expectDenied(
      {
        description: `CreateGrant, GrantIsForAWSResource ${grantForAwsResource ?? "absent"}`,
        principal: copierArn(payments),
        action: "kms:CreateGrant",
        resource: dr.keyArn(KMS_B, usEast1),
        resourceAccount: DR_ACCOUNT,
        context,
        identityPolicies: identityOf(app.source(payments), COPIER),
        resourcePolicy: dr.keyPolicy(KMS_B, usEast1),
      },
      "both",
    );
  });

  test.each(
    ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:Encrypt", "kms:GenerateDataKey"].flatMap((action) =>
      ["us-east-1", "eu-west-1"].map((region) => ({ action, region })),
    ),
  )("source organization with an admin identity policy: $action on KMS-B $region is denied by the key policy", async ({ action, region }) => {
    // GIVEN a principal of the source organization whose identity policy allows kms:* everywhere
    // WHEN it calls an administrative (or plaintext-returning) action on KMS-B, even through EC2 of the region
    // THEN the key policy denies it: only the EBS copy actions are open to the source organization
    await expectDenied(
      {
        description: "key administration from the source organization",
        principal: copierArn(payments),
        action,
        resource: dr.keyArn(KMS_B, region),
        resourceAccount: DR_ACCOUNT,
        context: kmsContext(copierArn(payments), SOURCE_ORG, { "kms:ViaService": ec2Via(region) }),
        identityPolicies: [allowEverythingPolicy("kms:*")],
        resourcePolicy: dr.keyPolicy(KMS_B, region),
      },
      "resource",
    );
  });

  test.each(
    example.sourceAccounts.flatMap((account) =>
      example.drAccount.copyRegions.flatMap((region) =>
        ["kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:DescribeKey"].map((action) => ({ accountId: account.id, region, action })),
      ),
    ),
  )("nobody outside the DR account uses KMS-C: $accountId → $action on KMS-C $region is denied by the key policy", async ({ accountId, region, action }) => {
    // GIVEN a principal of a source account (source organization) whose identity policy allows kms:* everywhere
    // WHEN it calls KMS-C, through EC2 of the key's region, with a grant for an AWS resource
    // THEN the key policy of KMS-C denies it: KMS-C trusts only the DR account
    await expectDenied(
      {
        description: "source principal on KMS-C",
        principal: copierArn(accountId),
        action,
        resource: dr.keyArn(KMS_C, region),
        resourceAccount: DR_ACCOUNT,
        context: ebsCallContext(copierArn(accountId), SOURCE_ORG, action, region),
        identityPolicies: [allowEverythingPolicy("kms:*")],
        resourcePolicy: dr.keyPolicy(KMS_C, region),
      },
      "resource",
    );
  });

  test.each(
    [...["us-east-1", "eu-west-1"].map((region) => ({ alias: KMS_B, region })), ...["us-east-1", "us-west-2"].map((region) => ({ alias: KMS_C, region }))],
  )("the DR account still administers $alias in $region", async ({ alias, region }) => {
    // GIVEN an administrator role of the DR account with an identity policy allowing kms:*
    // WHEN it replaces the key policy
    // THEN it is allowed: the key policy delegates the DR account's own principals to its IAM policies
    const outcome = await expectAllowed({
      description: "DR admin administers the key",
      principal: DR_ADMIN,
      action: "kms:PutKeyPolicy",
      resource: dr.keyArn(alias, region),
      resourceAccount: DR_ACCOUNT,
      context: kmsContext(DR_ADMIN, DR_ORG),
      identityPolicies: [allowEverythingPolicy("kms:*")],
      resourcePolicy: dr.keyPolicy(alias, region),
    });
    expect(outcome.resourceResult).toBe("AllowedForAccount");
  });
});

describe("3. with drAccount.kmsB.lockDown: true", () => {
  const locked = lockedDownExample();
  let lockedApp: SynthesizedApp;
  let lockedDr: SynthesizedStack;

  beforeAll(() => {
    lockedApp = synthesizeToTemp(locked, "reencryption-access-lockdown");
    lockedDr = lockedApp.dr(DR_ACCOUNT);
  });

  afterAll(() => lockedApp?.cleanup());

  test.each(accountRegions(locked).flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action }))))(
    "the copier of $accountId can no longer $action on KMS-B $region",
    async ({ accountId, orgId, region, action }) => {
      // GIVEN KMS-B locked down, and the copier's identity policy unchanged (it still allows the DR keys)
      // WHEN EC2 calls KMS-B with the copier's credentials exactly as in proof 1
      // THEN the key policy denies it
      await expectDenied(
        {
          description: "locked-down KMS-B",
          principal: copierArn(accountId),
          action,
          resource: lockedDr.keyArn(KMS_B, region),
          resourceAccount: DR_ACCOUNT,
          context: ebsCallContext(copierArn(accountId), orgId, action, region),
          identityPolicies: identityOf(lockedApp.source(accountId), COPIER),
          resourcePolicy: lockedDr.keyPolicy(KMS_B, region),
        },
        "resource",
      );
    },
  );

  test.each(["us-east-1", "eu-west-1"].flatMap((region) => ["kms:PutKeyPolicy", "kms:DescribeKey", "kms:Decrypt"].map((action) => ({ region, action }))))(
    "the DR account still administers KMS-B $region: $action by its Admin role is allowed",
    async ({ region, action }) => {
      // GIVEN KMS-B locked down and the DR account's Admin role with an identity policy allowing kms:*
      // WHEN the Admin role calls the key
      // THEN it is allowed: the lock-down removes the source organizations only
      await expectAllowed({
        description: "DR admin on locked-down KMS-B",
        principal: DR_ADMIN,
        action,
        resource: lockedDr.keyArn(KMS_B, region),
        resourceAccount: DR_ACCOUNT,
        context: kmsContext(DR_ADMIN, DR_ORG),
        identityPolicies: [allowEverythingPolicy("kms:*")],
        resourcePolicy: lockedDr.keyPolicy(KMS_B, region),
      });
    },
  );
});

describe("4. the DR DLM role", () => {
  const dlmArn = `arn:aws:iam::${DR_ACCOUNT}:role/${DR_DLM_ROLE}`;
  const keys = [
    ...["eu-west-1", "us-east-1"].map((region) => ({ alias: KMS_B, region })),
    ...["us-east-1", "us-west-2"].map((region) => ({ alias: KMS_C, region })),
  ];
  const dlmRequest = (alias: string, region: string, action: string, context: Record<string, string>) => ({
    principal: dlmArn,
    action,
    resource: dr.keyArn(alias, region),
    resourceAccount: DR_ACCOUNT,
    // KMS puts the key's aliases in kms:ResourceAliases: the role names its copy keys by alias.
    context: { ...kmsContext(dlmArn, DR_ORG, { "kms:ViaService": ec2Via(region), ...context }), "kms:ResourceAliases": [alias] },
    identityPolicies: identityOf(dr, DR_DLM_ROLE),
    resourcePolicy: dr.keyPolicy(alias, region),
  });

  test("has only the copy-keys inline policy and the AWS managed DLM service policy", () => {
    // GIVEN the DR stack
    // WHEN the DLM role's policies are read
    // THEN its KMS permissions come from its inline policy only (the AWS managed policy grants EC2/EventBridge, not KMS)
    expect(dr.roleInlinePolicies(DR_DLM_ROLE).map((policy) => policy.name)).toEqual(["copy-keys"]);
    expect(dr.managedPolicyArns(DR_DLM_ROLE)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"]);
  });

  test.each(keys.flatMap(({ alias, region }) => DLM_USE_ACTIONS.map((action) => ({ alias, region, action }))))(
    "$action on $alias $region is allowed",
    async ({ alias, region, action }) => {
      // GIVEN the DLM role's inline policy (its key ARNs resolved from the Terraform references) and the key's policy
      // WHEN DLM copies a shared snapshot from KMS-B to KMS-C with the role's credentials
      // THEN the call is allowed: same account, the key policy delegates to IAM and the role's policy allows it
      const outcome = await expectAllowed({ description: "DLM role uses a copy key", ...dlmRequest(alias, region, action, {}) });
      expect(outcome.analysis.sameAccount).toBe(true);
      expect(outcome.resourceResult).toBe("AllowedForAccount");
    },
  );

  test.each(keys.flatMap(({ alias, region }) => DLM_GRANT_ACTIONS.map((action) => ({ alias, region, action }))))(
    "$action on $alias $region is allowed only for an AWS resource",
    async ({ alias, region, action }) => {
      // GIVEN the DLM role and a copy key
      // WHEN it manages grants for the EBS copy (kms:GrantIsForAWSResource true)
      // THEN it is allowed
      await expectAllowed({ description: "DLM grant for AWS resource", ...dlmRequest(alias, region, action, { "kms:GrantIsForAWSResource": "true" }) });
      // AND WHEN the grant is not for an AWS resource (false, or the key absent) THEN the role's identity policy denies it
      await expectDenied({ description: "DLM grant not for AWS resource", ...dlmRequest(alias, region, action, { "kms:GrantIsForAWSResource": "false" }) }, "identity");
      await expectDenied({ description: "DLM grant, key absent", ...dlmRequest(alias, region, action, {}) }, "identity");
    },
  );

  test.each(keys.flatMap(({ alias, region }) => ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"].map((action) => ({ alias, region, action }))))(
    "cannot $action on $alias $region",
    async ({ alias, region, action }) => {
      // GIVEN the DLM role
      // WHEN it tries to administer a copy key
      // THEN its identity policy denies it (the key policy only delegates to IAM)
      await expectDenied({ description: "DLM role administers a key", ...dlmRequest(alias, region, action, {}) }, "identity");
    },
  );

  test("cannot use a key outside its copy keys", async () => {
    // GIVEN a key of a source account whose key policy lets anyone do anything
    // WHEN the DLM role decrypts with it
    // THEN its identity policy denies it
    await expectDenied(
      {
        description: "DLM role on a foreign key",
        principal: dlmArn,
        action: "kms:Decrypt",
        resource: foreignKeyArn("us-east-1", "111111111111"),
        resourceAccount: "111111111111",
        context: kmsContext(dlmArn, DR_ORG, { "kms:ViaService": ec2Via("us-east-1") }),
        identityPolicies: identityOf(dr, DR_DLM_ROLE),
        resourcePolicy: openKeyPolicy,
      },
      "identity",
    );
  });

  test("only dlm.amazonaws.com can assume it", async () => {
    // GIVEN the role's trust policy from the DR stack
    const trust = dr.trustPolicy(DR_DLM_ROLE);
    const assume = (principal: string, identityPolicies: NamedPolicy[], orgId?: string): PolicyRequest => ({
      description: `${principal} assumes the DLM role`,
      principal,
      action: "sts:AssumeRole",
      resource: dlmArn,
      resourceAccount: DR_ACCOUNT,
      context: orgId ? ec2Context(principal, orgId) : {},
      identityPolicies,
      resourcePolicy: trust,
    });
    // WHEN the DLM service assumes it
    // THEN it is allowed
    await expectAllowed(assume("dlm.amazonaws.com", []));
    // AND WHEN another service, the DR account's Admin or a source account's role (each allowed sts:AssumeRole everywhere) tries
    // THEN the trust policy denies it
    await expectDenied(assume("lambda.amazonaws.com", []), "resource");
    await expectDenied(assume("ec2.amazonaws.com", []), "resource");
    await expectDenied(assume(DR_ADMIN, [allowEverythingPolicy("sts:AssumeRole")], DR_ORG), "resource");
    await expectDenied(assume(copierArn("111111111111"), [allowEverythingPolicy("sts:AssumeRole")], SOURCE_ORG), "resource");
  });
});

describe("5. the source copier's own permissions", () => {
  const pairs = accountRegions(example);
  const ec2Request = (accountId: string, action: string, region: string, context: Record<string, string>, resource = snapshotArn(region)) => ({
    principal: copierArn(accountId),
    action,
    resource,
    resourceAccount: accountId,
    context: ec2Context(copierArn(accountId), SOURCE_ORG, context),
    identityPolicies: identityOf(app.source(accountId), COPIER),
  });

  test.each(pairs)("$accountId can CopySnapshot in $region", async ({ accountId, region }) => {
    // GIVEN the copier's identity policy
    // WHEN it copies a snapshot in one of its regions
    // THEN it is allowed
    await expectAllowed({ description: "CopySnapshot in own region", ...ec2Request(accountId, "ec2:CopySnapshot", region, {}) });
  });

  test.each(example.sourceAccounts.map((account) => ({ accountId: account.id })))("$accountId cannot CopySnapshot in a region it does not use", async ({ accountId }) => {
    // GIVEN the copier's identity policy
    // WHEN it copies a snapshot in ap-southeast-2 (no region of the example)
    // THEN its identity policy denies it
    await expectDenied({ description: "CopySnapshot elsewhere", ...ec2Request(accountId, "ec2:CopySnapshot", "ap-southeast-2", {}) }, "identity");
  });

  test.each(pairs)("$accountId in $region: ModifySnapshotAttribute only shares a transit copy with the DR account", async ({ accountId, region }) => {
    const share = { [TRANSIT_TAG]: "true", "ec2:Add/userId": DR_ACCOUNT, "ec2:Attribute": "createVolumePermission" };
    // GIVEN a transit copy (tagged snapshot-dr:transit-copy=true)
    // WHEN the copier adds the DR account to its createVolumePermission
    // THEN it is allowed
    await expectAllowed({ description: "share transit copy with DR", ...ec2Request(accountId, "ec2:ModifySnapshotAttribute", region, share) });
    // AND WHEN it shares with another account THEN it is denied
    await expectDenied({ description: "share with another account", ...ec2Request(accountId, "ec2:ModifySnapshotAttribute", region, { ...share, "ec2:Add/userId": OUTSIDE_ACCOUNT }) }, "identity");
    // AND WHEN it makes the copy public (group all, no user ID) THEN it is denied
    const { "ec2:Add/userId": _dr, ...withoutUser } = share;
    await expectDenied({ description: "make public", ...ec2Request(accountId, "ec2:ModifySnapshotAttribute", region, { ...withoutUser, "ec2:Add/group": "all" }) }, "identity");
    // AND WHEN the snapshot is not a transit copy (untagged, or tagged false) THEN it is denied
    const { [TRANSIT_TAG]: _tag, ...untagged } = share;
    await expectDenied({ description: "share untagged snapshot", ...ec2Request(accountId, "ec2:ModifySnapshotAttribute", region, untagged) }, "identity");
    await expectDenied({ description: "share snapshot tagged false", ...ec2Request(accountId, "ec2:ModifySnapshotAttribute", region, { ...share, [TRANSIT_TAG]: "false" }) }, "identity");
  });

  test.each(pairs)("$accountId in $region: DeleteSnapshot only deletes a transit copy", async ({ accountId, region }) => {
    // GIVEN the copier
    // WHEN it deletes a transit copy THEN it is allowed
    await expectAllowed({ description: "delete transit copy", ...ec2Request(accountId, "ec2:DeleteSnapshot", region, { [TRANSIT_TAG]: "true" }) });
    // AND WHEN it deletes a snapshot without the transit tag (e.g. the DR-selected original) THEN it is denied
    await expectDenied({ description: "delete untagged snapshot", ...ec2Request(accountId, "ec2:DeleteSnapshot", region, {}) }, "identity");
    await expectDenied(
      { description: "delete DR-selected original", ...ec2Request(accountId, "ec2:DeleteSnapshot", region, { "aws:ResourceTag/snapshot-dr:dr-selected": "true" }) },
      "identity",
    );
  });

  test.each(pairs)("$accountId in $region: CreateTags only while copying", async ({ accountId, region }) => {
    // GIVEN the copier
    // WHEN it tags a snapshot as part of CopySnapshot THEN it is allowed
    await expectAllowed({ description: "tag on create", ...ec2Request(accountId, "ec2:CreateTags", region, { "ec2:CreateAction": "CopySnapshot" }) });
    // AND WHEN it tags an existing snapshot (no ec2:CreateAction), or while creating one otherwise, THEN it is denied
    await expectDenied({ description: "tag existing snapshot", ...ec2Request(accountId, "ec2:CreateTags", region, {}) }, "identity");
    await expectDenied({ description: "tag on CreateSnapshot", ...ec2Request(accountId, "ec2:CreateTags", region, { "ec2:CreateAction": "CreateSnapshot" }) }, "identity");
  });

  test.each(pairs.flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action }))))(
    "$accountId in $region: $action on a third account's key is denied by its identity policy",
    async ({ accountId, orgId, region, action }) => {
      // GIVEN a key of a third account whose key policy lets anyone do anything
      // WHEN EC2 calls it with the copier's credentials
      // THEN the copier's identity policy denies it: it may use only its own account's keys and the DR account's
      await expectDenied(
        {
          description: "third account's key",
          principal: copierArn(accountId),
          action,
          resource: foreignKeyArn(region, OUTSIDE_ACCOUNT),
          resourceAccount: OUTSIDE_ACCOUNT,
          context: ebsCallContext(copierArn(accountId), orgId, action, region),
          identityPolicies: identityOf(app.source(accountId), COPIER),
          resourcePolicy: openKeyPolicy,
        },
        "identity",
      );
    },
  );

  test.each(pairs.flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action }))))(
    "$accountId in $region: $action on its own account's key is allowed through EC2 only",
    async ({ accountId, orgId, region, action }) => {
      // GIVEN a key of the source account with the default key policy (IAM decides)
      const request = {
        principal: copierArn(accountId),
        action,
        resource: foreignKeyArn(region, accountId),
        resourceAccount: accountId,
        identityPolicies: identityOf(app.source(accountId), COPIER),
        resourcePolicy: defaultKeyPolicy(accountId),
      };
      // WHEN EC2 of the region uses it to read the source snapshot THEN it is allowed
      await expectAllowed({ description: "own key through EC2", ...request, context: ebsCallContext(copierArn(accountId), orgId, action, region) });
      // AND WHEN the copier calls it directly THEN its identity policy denies it
      const direct = ebsCallContext(copierArn(accountId), orgId, action, region);
      delete direct["kms:ViaService"];
      await expectDenied({ description: "own key directly", ...request, context: direct }, "identity");
    },
  );
});

describe("6. several source organizations", () => {
  const multi = multiOrgConfig();
  const organizations = [...new Set(multi.sourceAccounts.map((account) => account.organizationId))];
  const thirdOrg = "o-0000000003src";
  let multiApp: SynthesizedApp;
  let multiDr: SynthesizedStack;

  beforeAll(() => {
    multiApp = synthesizeToTemp(multi, "reencryption-access-multi-org");
    multiDr = multiApp.dr(DR_ACCOUNT);
  });

  afterAll(() => multiApp?.cleanup());

  test("the generated configuration spreads accounts over two organizations", () => {
    // GIVEN the generated configuration
    // WHEN its organizations are counted
    // THEN there are two source organizations, and the third organization used below is not one of them
    expect(organizations).toHaveLength(2);
    expect(organizations).not.toContain(thirdOrg);
    expect(multi.organizations.map((org) => org.id)).not.toContain(thirdOrg);
  });

  test.each(accountRegions(multi).flatMap((pair) => EBS_COPY_ACTIONS.map((action) => ({ ...pair, action }))))(
    "$orgId / $accountId: $action on KMS-B $region is allowed",
    async ({ accountId, orgId, region, action }) => {
      // GIVEN a copier of either source organization and KMS-B of its region
      // WHEN EC2 of the region copies a snapshot under KMS-B with its credentials
      // THEN it is allowed
      await expectAllowed({
        description: "multi-org copier on KMS-B",
        principal: copierArn(accountId),
        action,
        resource: multiDr.keyArn(KMS_B, region),
        resourceAccount: DR_ACCOUNT,
        context: ebsCallContext(copierArn(accountId), orgId, action, region),
        identityPolicies: identityOf(multiApp.source(accountId), COPIER),
        resourcePolicy: multiDr.keyPolicy(KMS_B, region),
      });
    },
  );

  test.each(["us-east-1", "eu-west-1", "ap-southeast-2"].flatMap((region) => EBS_COPY_ACTIONS.map((action) => ({ region, action }))))(
    "a third organization: $action on KMS-B $region is denied by the key policy",
    async ({ region, action }) => {
      // GIVEN a principal of a third organization with an identity policy allowing everything
      const outsider = `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/${COPIER}`;
      // WHEN it makes the copier's call through EC2 of the region
      // THEN the key policy denies it
      await expectDenied(
        {
          description: "third organization",
          principal: outsider,
          action,
          resource: multiDr.keyArn(KMS_B, region),
          resourceAccount: DR_ACCOUNT,
          context: ebsCallContext(outsider, thirdOrg, action, region),
          identityPolicies: [allowEverythingPolicy()],
          resourcePolicy: multiDr.keyPolicy(KMS_B, region),
        },
        "resource",
      );
    },
  );

  test.each(EBS_COPY_ACTIONS.map((action) => ({ action })))(
    "KMS-B admits only the organizations with accounts in its region: $action in ap-southeast-2 by the second organization is denied",
    async ({ action }) => {
      // GIVEN ap-southeast-2, where only an account of the first organization copies snapshots
      const onlyHere = multi.sourceAccounts.filter((account) => account.regions.includes("ap-southeast-2"));
      expect(new Set(onlyHere.map((account) => account.organizationId))).toEqual(new Set([organizations[0]]));
      const secondOrgAccount = multi.sourceAccounts.find((account) => account.organizationId === organizations[1])!;
      // WHEN a principal of the second organization (identity policy allowing everything) calls that region's KMS-B through EC2
      // THEN the key policy denies it
      await expectDenied(
        {
          description: "second organization in a first-organization-only region",
          principal: copierArn(secondOrgAccount.id),
          action,
          resource: multiDr.keyArn(KMS_B, "ap-southeast-2"),
          resourceAccount: DR_ACCOUNT,
          context: ebsCallContext(copierArn(secondOrgAccount.id), organizations[1], action, "ap-southeast-2"),
          identityPolicies: [allowEverythingPolicy()],
          resourcePolicy: multiDr.keyPolicy(KMS_B, "ap-southeast-2"),
        },
        "resource",
      );
      // AND the first organization's account there is allowed
      await expectAllowed({
        description: "first organization in its region",
        principal: copierArn(onlyHere[0].id),
        action,
        resource: multiDr.keyArn(KMS_B, "ap-southeast-2"),
        resourceAccount: DR_ACCOUNT,
        context: ebsCallContext(copierArn(onlyHere[0].id), organizations[0], action, "ap-southeast-2"),
        identityPolicies: identityOf(multiApp.source(onlyHere[0].id), COPIER),
        resourcePolicy: multiDr.keyPolicy(KMS_B, "ap-southeast-2"),
      });
    },
  );
});
