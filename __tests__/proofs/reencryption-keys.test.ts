/**
 * Re-encryption proofs, the keys (shared setup in support/reencryption-proof-fixtures.ts): the source copier
 * uses KMS-B of its region through EC2, KMS-B and KMS-C refuse misuse, and `drAccount.kmsB.lockDown` shuts the
 * source organizations out of KMS-B. Synthesizes the example and the example with KMS-B locked down.
 */
import { allowEverythingPolicy, expectAllowed, expectDenied } from "../../scripts/review/policy-simulator";
import type { SynthesizedApp, SynthesizedStack } from "../../scripts/review/synthesized-stacks";
import {
  accountRegions, COPIER, copierArn, DR_ACCOUNT, DR_ADMIN, DR_ORG, EBS_COPY_ACTIONS, ebsCallContext, ec2Via, example, identityOf, KMS_B, KMS_C,
  kmsContext, lockedDownExample, OTHER_ORG, OUTSIDE_ACCOUNT, SOURCE_ORG, synthesizeBeforeAll,
} from "./support/reencryption-proof-fixtures";

let app: SynthesizedApp;
let dr: SynthesizedStack;

synthesizeBeforeAll(example, "reencryption-keys-example", (synthesized, drStack) => {
  app = synthesized;
  dr = drStack;
});

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

  synthesizeBeforeAll(locked, "reencryption-keys-lockdown", (synthesized, drStack) => {
    lockedApp = synthesized;
    lockedDr = drStack;
  });

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
