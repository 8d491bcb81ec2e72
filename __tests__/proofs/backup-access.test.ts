import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { allowEverythingPolicy, expectAllowed, expectDenied } from "../../scripts/review/policy-simulator";
import { expectScpDecision } from "../../scripts/review/scp-simulator";
import { SynthesizedApp, SynthesizedStack, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";

/**
 * Proofs of the AWS Backup flow (seeds 002, 003) over the synthesized JSON: the DR vaults' access policies,
 * and the guardrail SCPs of the org stack as attached to their targets.
 */
const ORG = "o-aaaaaaaaaa";
const DR = "222222222222";
const SOURCE = "111111111111";
const MANAGEMENT = "999999999999";
const OUTSIDER = "777777777777";
const SOURCE_ROLE = `arn:aws:iam::${SOURCE}:role/snapshot-dr-backup`;
const LISTED_OU = `${ORG}/r-ab12/ou-ab12-11111111/`;
const UNLISTED_OU = `${ORG}/r-ab12/ou-ab12-99999999/`;

const raw = (copySources: Record<string, unknown>) => ({
  organizations: [{ id: ORG, managementAccountId: MANAGEMENT, deployRoleName: "SnapshotDrDeploy" }],
  drAccount: { id: DR, organizationId: ORG, copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [
    { id: SOURCE, organizationId: ORG, regions: ["us-east-1", "eu-west-1"] },
    { id: "333333333333", organizationId: ORG, regions: ["us-west-2"] },
  ],
  backup: { enabled: true, copySources },
});

const vaultArn = (region: string, account = DR, name = "snapshot-dr-dr") => `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
const recoveryPoint = `arn:aws:backup:us-east-1:${SOURCE}:recovery-point:0f0f0f0f-1111-4222-a333-444455556666`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The vault policy of the DR vault in a region, as synthesized. */
function vaultPolicy(dr: SynthesizedStack, region: string): Json {
  const policies = Object.values(dr.json.resource.aws_backup_vault_policy as Record<string, Json>).filter((p) => p.provider === `aws.${region}`);
  expect(policies).toHaveLength(1);
  return JSON.parse(policies[0].policy);
}

/** The SCPs of the org stack attached to a target, as synthesized. */
function scpsAttachedTo(org: SynthesizedStack, targetId: string): { name: string; policy: Json }[] {
  const policies = org.json.resource.aws_organizations_policy as Record<string, Json>;
  const attachments = Object.values(org.json.resource.aws_organizations_policy_attachment as Record<string, Json>);
  return attachments
    .filter((attachment) => attachment.target_id === targetId)
    .map((attachment) => {
      const id = /^\$\{aws_organizations_policy\.([^.]+)\.id\}$/.exec(attachment.policy_id)![1];
      return { name: policies[id].name, policy: JSON.parse(policies[id].content) };
    });
}

describe("AWS Backup: the DR vault open to the organization", () => {
  let app: SynthesizedApp;
  let config: SnapshotDrConfig;
  beforeAll(() => {
    config = parseConfig(raw({ type: "organization" }));
    app = synthesizeToTemp(config, "backup-access-org");
  });
  afterAll(() => app?.cleanup());

  const copyInto = (region: string, principal: string, orgId: string | undefined) => ({
    principal,
    action: "backup:CopyIntoBackupVault",
    resource: vaultArn(region),
    resourceAccount: DR,
    context: { "aws:PrincipalAccount": principal.split(":")[4], "aws:PrincipalArn": principal, ...(orgId ? { "aws:PrincipalOrgID": orgId } : {}) },
    identityPolicies: [allowEverythingPolicy()],
  });

  test.each(["us-east-1", "us-west-2"])("a source account of the organization can copy into the %s vault", async (region) => {
    // GIVEN the vault policy of the DR stack WHEN the source's backup role copies in THEN it is allowed
    await expectAllowed({ description: "source copies in", ...copyInto(region, SOURCE_ROLE, ORG), resourcePolicy: vaultPolicy(app.dr(DR), region) });
  });

  test("an account outside the organization cannot copy in", async () => {
    // GIVEN a role of another organization that may do anything WHEN it copies in THEN the vault policy denies it
    const outsider = `arn:aws:iam::${OUTSIDER}:role/snapshot-dr-backup`;
    await expectDenied({ description: "outsider copies in", ...copyInto("us-east-1", outsider, "o-zzzzzzzzzz"), resourcePolicy: vaultPolicy(app.dr(DR), "us-east-1") }, "resource");
  });

  test("the DR account cannot leave the organization", async () => {
    // GIVEN the SCPs the org stack attaches to the DR account (the DR guardrails, which deny leaving among the rest)
    const scps = scpsAttachedTo(app.stacks.get(`org-${ORG}`)!, DR);
    expect(scps.map((scp) => scp.name)).toEqual(["snapshot-dr-dr-copies-guardrail", "snapshot-dr-dr-keys-and-automation-guardrail"]);
    // WHEN an administrator of the DR account leaves THEN the SCP denies it
    const admin = `arn:aws:iam::${DR}:role/Admin`;
    await expectScpDecision(
      {
        description: "DR admin leaves the organization",
        principal: admin,
        action: "organizations:LeaveOrganization",
        resource: "*",
        resourceAccount: DR,
        context: { "aws:PrincipalArn": admin, "aws:PrincipalAccount": DR },
        scps,
      },
      "ExplicitlyDenied",
    );
  });

  describe("the copy guardrail on the source accounts", () => {
    const copyFrom = (description: string, targets: string[] | undefined) => ({
      description,
      principal: SOURCE_ROLE,
      action: "backup:CopyFromBackupVault",
      resource: recoveryPoint,
      resourceAccount: SOURCE,
      context: { "aws:PrincipalArn": SOURCE_ROLE, "aws:PrincipalAccount": SOURCE, ...(targets ? { "backup:CopyTargets": targets } : {}) },
      scps: scpsAttachedTo(app.stacks.get(`org-${ORG}`)!, SOURCE),
    });

    test("is attached to every source account", () => {
      // GIVEN the org stack WHEN its attachments are read THEN both sources carry the copy guardrail
      for (const account of [SOURCE, "333333333333"]) {
        expect(scpsAttachedTo(app.stacks.get(`org-${ORG}`)!, account).map((scp) => scp.name)).toEqual(["snapshot-dr-backup-copies-only-to-dr-vaults"]);
      }
    });

    test.each(["us-east-1", "us-west-2"])("a copy to the DR vault in %s is allowed", async (region) => {
      // GIVEN the guardrail WHEN the source copies into a configured DR vault THEN it is allowed
      await expectScpDecision(copyFrom("copy to a DR vault", [vaultArn(region)]), "Allowed");
    });

    test("a copy to a vault that is not configured is denied", async () => {
      // GIVEN the guardrail WHEN the source copies into another account's vault THEN it is denied
      await expectScpDecision(copyFrom("copy elsewhere", [vaultArn("us-east-1", OUTSIDER, "exfiltration")]), "ExplicitlyDenied");
    });

    test("a mixed target list is denied", async () => {
      // GIVEN the guardrail WHEN one target is a DR vault and one is not THEN it is denied
      await expectScpDecision(copyFrom("mixed targets", [vaultArn("us-east-1"), vaultArn("us-east-1", OUTSIDER, "exfiltration")]), "ExplicitlyDenied");
    });

    test("a copy that names no target is denied", async () => {
      // GIVEN the guardrail WHEN the request carries no copy targets THEN it is denied
      await expectScpDecision(copyFrom("no targets", undefined), "ExplicitlyDenied");
    });
  });
});

describe("AWS Backup: the DR vault open to listed OUs", () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthesizeToTemp(parseConfig(raw({ type: "organizationalUnits", orgPaths: [LISTED_OU] })), "backup-access-ou");
  });
  afterAll(() => app?.cleanup());

  const copyInto = (orgPath: string) => ({
    principal: SOURCE_ROLE,
    action: "backup:CopyIntoBackupVault",
    resource: vaultArn("us-east-1"),
    resourceAccount: DR,
    context: { "aws:PrincipalAccount": SOURCE, "aws:PrincipalArn": SOURCE_ROLE, "aws:PrincipalOrgID": ORG, "aws:PrincipalOrgPaths": [orgPath] },
    identityPolicies: [allowEverythingPolicy()],
  });

  test("an account of a listed OU can copy in", async () => {
    // GIVEN the vault policy WHEN an account of the listed OU copies in THEN it is allowed
    await expectAllowed({ description: "listed OU", ...copyInto(LISTED_OU), resourcePolicy: vaultPolicy(app.dr(DR), "us-east-1") });
  });

  test("an account of an OU that is not listed cannot", async () => {
    // GIVEN the vault policy WHEN an account of another OU of the same organization copies in THEN it is denied
    await expectDenied({ description: "unlisted OU", ...copyInto(UNLISTED_OU), resourcePolicy: vaultPolicy(app.dr(DR), "us-east-1") }, "resource");
  });
});

describe("AWS Backup: the DR vault by default (listed accounts), with its Deny", () => {
  let app: SynthesizedApp;
  const UNLISTED = "444444444444"; // an account of the organization that the configuration does not list
  const BREAK_GLASS = `arn:aws:iam::${DR}:role/BreakGlass`;
  const DEPLOYER = `arn:aws:iam::${DR}:role/OrganizationAccountAccessRole`;
  const DR_ADMIN = `arn:aws:iam::${DR}:role/Admin`;
  const drRecoveryPoint = `arn:aws:backup:us-east-1:${DR}:recovery-point:0f0f0f0f-1111-4222-a333-444455556666`;
  beforeAll(() => {
    const { copySources: _, ...backup } = raw({}).backup;
    app = synthesizeToTemp(parseConfig({ ...raw({}), backup: { ...backup, breakGlassRoleArn: BREAK_GLASS } }), "backup-access-accounts");
  });
  afterAll(() => app?.cleanup());

  const copyInto = (account: string) => {
    const principal = `arn:aws:iam::${account}:role/snapshot-dr-backup`;
    return {
      description: `${account} copies in`,
      principal,
      action: "backup:CopyIntoBackupVault",
      resource: vaultArn("us-east-1"),
      resourceAccount: DR,
      context: { "aws:PrincipalAccount": account, "aws:PrincipalArn": principal, "aws:PrincipalOrgID": ORG },
      identityPolicies: [allowEverythingPolicy()],
      resourcePolicy: vaultPolicy(app.dr(DR), "us-east-1"),
    };
  };
  const drCall = (principal: string, action: string) => ({
    description: `${principal} ${action}`,
    principal,
    action,
    resource: action.includes("RecoveryPoint") ? drRecoveryPoint : vaultArn("us-east-1"),
    resourceAccount: DR,
    context: { "aws:PrincipalAccount": DR, "aws:PrincipalArn": principal, "aws:PrincipalOrgID": ORG },
    identityPolicies: [allowEverythingPolicy()],
    resourcePolicy: vaultPolicy(app.dr(DR), "us-east-1"),
  });

  test("the listed source accounts can copy in; an unlisted account of the same organization cannot", async () => {
    // GIVEN the default copy sources WHEN each listed account's backup role copies in THEN it is allowed
    for (const account of [SOURCE, "333333333333"]) await expectAllowed(copyInto(account));
    // WHEN a role of an unlisted account of the organization, allowed everything by its IAM, copies in THEN the vault policy denies it
    await expectDenied(copyInto(UNLISTED), "resource");
  });

  test.each([
    "backup:PutBackupVaultLockConfiguration",
    "backup:DeleteBackupVaultLockConfiguration",
    "backup:PutBackupVaultNotifications",
    "backup:DeleteBackupVaultNotifications",
    "backup:DeleteRecoveryPoint",
    "backup:PutBackupVaultAccessPolicy",
  ])("a DR administrator is explicitly denied %s; the break-glass role is not", async (action) => {
    // GIVEN an administrator whose IAM allows everything WHEN it calls the action THEN the vault's Deny refuses it
    const denied = await expectDenied(drCall(DR_ADMIN, action));
    expect(denied.decision).toBe("ExplicitlyDenied");
    // AND the break-glass role may
    await expectAllowed(drCall(BREAK_GLASS, action));
  });

  test("Terraform's deploy role can still update the vault's policy, lock and notifications", async () => {
    // GIVEN the deploy role WHEN it applies the vault's settings THEN nothing denies it
    for (const action of ["backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration", "backup:PutBackupVaultNotifications"]) {
      await expectAllowed(drCall(DEPLOYER, action));
    }
  });
});
