/**
 * Re-encryption proofs, several source organizations (shared setup in support/reencryption-proof-fixtures.ts):
 * KMS-B of a region admits every source organization with accounts there, and no other. Synthesizes a
 * generated two-organization estate.
 */
import { allowEverythingPolicy, expectAllowed, expectDenied } from "../../scripts/review/policy-simulator";
import type { SynthesizedApp, SynthesizedStack } from "../../scripts/review/synthesized-stacks";
import {
  accountRegions,
  COPIER,
  copierArn,
  DR_ACCOUNT,
  EBS_COPY_ACTIONS,
  ebsCallContext,
  identityOf,
  KMS_B,
  multiOrgConfig,
  OUTSIDE_ACCOUNT,
  synthesizeBeforeAll,
} from "./support/reencryption-proof-fixtures";

describe("6. several source organizations", () => {
  const multi = multiOrgConfig();
  const organizations = [...new Set(multi.sourceAccounts.map((account) => account.organizationId))];
  const thirdOrg = "o-0000000003src";
  let multiApp: SynthesizedApp;
  let multiDr: SynthesizedStack;

  synthesizeBeforeAll(multi, "reencryption-access-multi-org", (synthesized, drStack) => {
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
