import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { allowEverythingPolicy, expectAllowed, expectDenied, NamedPolicy } from "../../scripts/review/policy-simulator";
import { SynthesizedApp, SynthesizedStack, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";

/**
 * Proofs of the RDS flow (seed 004) over the synthesized JSON: the DR importer may use a source account's
 * RDS key through RDS in that key's region and in no other way; nobody outside the configuration may.
 */
const DR = "222222222222";
const SOURCE = "111111111111";
const ORG = "o-aaaaaaaaaa";
const OUTSIDER = "777777777777";
const RDS_KEY = "alias/snapshot-dr/rds-source";
const IMPORTER = "snapshot-dr-rds-snapshot-importer";
const COPIER = "snapshot-dr-rds-snapshot-copier";
const COPY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

const config: SnapshotDrConfig = parseConfig({
  organizations: [
    { id: ORG, managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: DR, organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
  sourceAccounts: [{ id: SOURCE, organizationId: ORG, regions: ["us-east-1", "eu-west-1"] }],
  rds: { enabled: true },
});

const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const identityOf = (stack: SynthesizedStack, roleName: string): NamedPolicy[] =>
  stack.roleInlinePolicies(roleName).map(({ name, document }) => ({ name: `${roleName}/${name}`, policy: document }));

/** Every key of these requests is a source account's, in organization ORG (what AWS puts in aws:ResourceOrgID). */
function context(account: string, principal: string, action: string, viaService?: string) {
  return {
    "aws:ResourceOrgID": ORG,
    "aws:PrincipalAccount": account,
    "aws:PrincipalArn": principal,
    "kms:CallerAccount": account,
    ...(viaService ? { "kms:ViaService": viaService } : {}),
    ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}),
  };
}

let app: SynthesizedApp;
let dr: SynthesizedStack;
let source: SynthesizedStack;
beforeAll(() => {
  app = synthesizeToTemp(config, "rds-access");
  dr = app.dr(DR);
  source = app.source(SOURCE);
});
afterAll(() => app?.cleanup());

describe("RDS: the DR importer on a source account's RDS key", () => {
  const importer = roleArn(DR, IMPORTER);
  const request = (region: string, action: string, viaService?: string) => ({
    principal: importer,
    action,
    resource: source.keyArn(RDS_KEY, region),
    resourceAccount: SOURCE,
    context: context(DR, importer, action, viaService),
    identityPolicies: identityOf(dr, IMPORTER),
    resourcePolicy: source.keyPolicy(RDS_KEY, region),
  });

  test.each(["us-east-1", "eu-west-1"].flatMap((region) => [...COPY_ACTIONS, "kms:CreateGrant"].map((action) => ({ region, action }))))(
    "$action on the $region key through RDS of $region is allowed",
    async ({ region, action }) => {
      // GIVEN the importer (DR stack) and the source RDS key (source stack)
      // WHEN RDS copies a shared snapshot with the importer's credentials THEN both policies allow it
      await expectAllowed({ description: "importer through RDS", ...request(region, action, `rds.${region}.amazonaws.com`) });
    },
  );

  test.each(COPY_ACTIONS)("%s directly, without RDS, is denied by both policies", async (action) => {
    // GIVEN the importer WHEN it calls KMS itself (no kms:ViaService) THEN both its policy and the key policy deny it
    await expectDenied({ description: "importer directly", ...request("us-east-1", action) }, "both");
  });

  test.each(COPY_ACTIONS)("%s through RDS of another region is denied by the key policy", async (action) => {
    // GIVEN the us-east-1 key WHEN RDS of eu-west-1 calls it THEN the key policy denies it
    await expectDenied({ description: "importer through another region's RDS", ...request("us-east-1", action, "rds.eu-west-1.amazonaws.com") }, "resource");
  });

  test.each(COPY_ACTIONS)("%s through EC2 instead of RDS is denied", async (action) => {
    // GIVEN the importer WHEN EC2 calls the key on its behalf THEN it is denied
    await expectDenied({ description: "importer through EC2", ...request("us-east-1", action, "ec2.us-east-1.amazonaws.com") }, "both");
  });

  test.each(COPY_ACTIONS)("an account outside the configuration cannot %s through RDS", async (action) => {
    // GIVEN a role of another account that may do anything
    const outsider = roleArn(OUTSIDER, IMPORTER);
    // WHEN RDS uses the key for it THEN the key policy denies it
    await expectDenied(
      {
        description: "outsider through RDS",
        principal: outsider,
        action,
        resource: source.keyArn(RDS_KEY, "us-east-1"),
        resourceAccount: SOURCE,
        context: context(OUTSIDER, outsider, action, "rds.us-east-1.amazonaws.com"),
        identityPolicies: [allowEverythingPolicy()],
        resourcePolicy: source.keyPolicy(RDS_KEY, "us-east-1"),
      },
      "resource",
    );
  });

  test("the DR account cannot administer the source key", async () => {
    // GIVEN a DR role that may do anything WHEN it schedules the key's deletion THEN the key policy denies it
    const admin = roleArn(DR, "Admin");
    await expectDenied(
      {
        description: "DR deletes the source RDS key",
        principal: admin,
        action: "kms:ScheduleKeyDeletion",
        resource: source.keyArn(RDS_KEY, "us-east-1"),
        resourceAccount: SOURCE,
        context: context(DR, admin, "kms:ScheduleKeyDeletion"),
        identityPolicies: [allowEverythingPolicy()],
        resourcePolicy: source.keyPolicy(RDS_KEY, "us-east-1"),
      },
      "resource",
    );
  });
});

describe("RDS: the source copier", () => {
  test.each(["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"])("can %s its own RDS key through RDS only", async (action) => {
    // GIVEN the copier and its account's RDS key
    const copier = roleArn(SOURCE, COPIER);
    const request = {
      principal: copier,
      action,
      resource: source.keyArn(RDS_KEY, "us-east-1"),
      resourceAccount: SOURCE,
      identityPolicies: identityOf(source, COPIER),
      resourcePolicy: source.keyPolicy(RDS_KEY, "us-east-1"),
    };
    // WHEN RDS uses the key for it THEN it is allowed; WHEN it calls KMS directly THEN it is denied
    await expectAllowed({ ...request, description: "copier through RDS", context: context(SOURCE, copier, action, "rds.us-east-1.amazonaws.com") });
    await expectDenied({ ...request, description: "copier directly", context: context(SOURCE, copier, action) }, "identity");
  });
});
