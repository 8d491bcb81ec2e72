/**
 * Re-encryption proofs, the principals (shared setup in support/reencryption-proof-fixtures.ts): the DR
 * account's DLM role uses only its copy keys, the source copier's own permissions are scoped to its work, and
 * with several source organizations each copier reaches KMS-B of its region and no other organization does.
 * Synthesizes the example and a generated two-organization estate (the keys' proofs synthesize the example too:
 * all of them in one file would exceed the project's file size).
 */
import { allowEverythingPolicy, expectAllowed, expectDenied, type NamedPolicy, type PolicyRequest } from "../../scripts/review/policy-simulator";
import type { SynthesizedApp, SynthesizedStack } from "../../scripts/review/synthesized-stacks";
import {
  accountRegions, COPIER, copierArn, defaultKeyPolicy, DLM_GRANT_ACTIONS, DLM_USE_ACTIONS, DR_ACCOUNT, DR_ADMIN, DR_DLM_ROLE, DR_ORG, EBS_COPY_ACTIONS,
  ebsCallContext, ec2Context, ec2Via, example, foreignKeyArn, identityOf, KMS_B, KMS_C, kmsContext, multiOrgConfig, openKeyPolicy, OUTSIDE_ACCOUNT,
  snapshotArn, SOURCE_ORG, synthesizeBeforeAll, TRANSIT_TAG,
} from "./support/reencryption-proof-fixtures";

let app: SynthesizedApp;
let dr: SynthesizedStack;

synthesizeBeforeAll(example, "reencryption-principals-example", (synthesized, drStack) => {
  app = synthesized;
  dr = drStack;
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

  synthesizeBeforeAll(multi, "reencryption-principals-multi-org", (synthesized, drStack) => {
    multiApp = synthesized;
    multiDr = drStack;
  });

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
