import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { OrgManagementStack, organizationsWithWork } from "../../stacks/org-management-stack";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { SourceAccountStack } from "../../stacks/source-account-stack";
import { reviewNotices } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RAW = {
  organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999", deployRoleName: "SnapshotDrDeploy" }],
  drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [
    { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] },
    { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["us-west-2"], backup: { enabled: false } },
  ],
  backup: {
    enabled: true,
    vaultLock: { minRetentionDays: 14, maxRetentionDays: 400 },
    breakGlassRoleArn: "arn:aws:iam::222222222222:role/BreakGlass",
  },
};

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});

describe("AWS Backup wiring (backup.enabled)", () => {
  let config: SnapshotDrConfig;
  beforeEach(() => {
    config = parseConfig(structuredClone(RAW));
  });

  test("DR: a locked vault under its own key in every copy region, never the default vault", () => {
    // GIVEN backup on WHEN the DR stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    // THEN one vault per copy region, prevent_destroy, under the backup-dr key, with a governance lock (no changeable_for_days)
    const vaults = resourcesOf(json, "aws_backup_vault");
    expect(vaults.map((vault) => `${vault.provider} ${vault.name}`).sort()).toEqual(["aws.us-east-1 snapshot-dr-dr", "aws.us-west-2 snapshot-dr-dr"]);
    for (const vault of vaults) {
      expect(vault.lifecycle).toEqual({ prevent_destroy: true });
      expect(vault.force_destroy).toBeUndefined();
      expect(vault.kms_key_arn).toMatch(/^\$\{aws_kms_key\.backup_dr_key_us_(east_1|west_2)\.arn\}$/);
    }
    for (const lock of resourcesOf(json, "aws_backup_vault_lock_configuration")) {
      expect(lock).toEqual({ provider: expect.any(String), backup_vault_name: expect.any(String), min_retention_days: 14, max_retention_days: 400 });
    }
    // and the vault policy lets only the account that backs up copy in (not 333333333333, whose backup is off)
    const policy = JSON.parse(resourcesOf(json, "aws_backup_vault_policy")[0].policy);
    expect(policy.Statement[0]).toEqual(
      expect.objectContaining({
        Sid: "CopyIntoVaultFromAccounts",
        Principal: "*",
        Condition: { StringEquals: { "aws:PrincipalAccount": ["111111111111"], "aws:PrincipalOrgID": "o-aaaaaaaaaa" } },
      }),
    );
    // and keeps recovery points, lock and notifications from everyone but the break-glass role and Terraform
    expect(policy.Statement[1]).toEqual(
      expect.objectContaining({
        Sid: "DenyVaultChangesExceptExemptRoles",
        Effect: "Deny",
        Condition: { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::222222222222:role/BreakGlass", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"] } },
      }),
    );
    expect(policy.Statement[1].Action).toEqual(expect.arrayContaining(["backup:PutBackupVaultLockConfiguration", "backup:DeleteBackupVaultNotifications"]));
  });

  test("DR: organization-wide copies only when asked for", () => {
    // GIVEN copySources: {type: organization} WHEN the DR stack is synthesized
    const organizationWide = parseConfig({ ...structuredClone(RAW), backup: { ...RAW.backup, copySources: { type: "organization" } } });
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), organizationWide)));
    // THEN every principal of the DR organization may copy in
    const policy = JSON.parse(resourcesOf(json, "aws_backup_vault_policy")[0].policy);
    expect(policy.Statement[0].Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": ["o-aaaaaaaaaa"] } });
  });

  test("DR: without a break-glass role the Deny exempts the deploy role alone", () => {
    // GIVEN no breakGlassRoleArn WHEN the DR stack is synthesized
    const { breakGlassRoleArn: _, ...backup } = RAW.backup;
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), parseConfig({ ...structuredClone(RAW), backup }))));
    // THEN the vault policy still denies the destructive actions to everyone but Terraform's role
    const policy = JSON.parse(resourcesOf(json, "aws_backup_vault_policy")[0].policy);
    expect(policy.Statement[1].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"] } });
  });

  test("DR: the lock's maximum defaults to the longest DR copy retention of the rules", () => {
    // GIVEN two rules whose DR copies are kept 35 and 90 days, and no maxRetentionDays
    const rules = [
      { name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } },
      { name: "weekly", schedule: "cron(0 6 ? * 1 *)", lifecycle: { deleteAfterDays: 30 }, drCopyLifecycle: { deleteAfterDays: 90 } },
    ];
    const withRules = parseConfig({ ...structuredClone(RAW), backup: { enabled: true, rules } });
    // WHEN the DR stack is synthesized THEN every lock is governance, 7 to 90 days
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), withRules)));
    for (const lock of resourcesOf(json, "aws_backup_vault_lock_configuration")) {
      expect(lock).toMatchObject({ min_retention_days: 7, max_retention_days: 90 });
      expect(lock).not.toHaveProperty("changeable_for_days");
    }
  });

  test("DR: a compliance lock carries its days and a Review notice per vault", () => {
    // GIVEN compliance mode with changeableForDays: 10 WHEN the DR stack is synthesized
    const compliance = parseConfig({ ...structuredClone(RAW), backup: { ...RAW.backup, vaultLock: { mode: "compliance", minRetentionDays: 14, maxRetentionDays: 400, changeableForDays: 10 } } });
    const app = Testing.app();
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(app, compliance)));
    // THEN each lock is changeable for 10 days, and the reviewer is told so for each vault, counted from the first apply
    for (const lock of resourcesOf(json, "aws_backup_vault_lock_configuration")) expect(lock.changeable_for_days).toBe(10);
    const notices = reviewNotices(app).filter((notice) => notice.includes("COMPLIANCE-mode"));
    expect(notices).toHaveLength(2);
    expect(notices.join("\n")).toContain("only during the 10 days after the first apply");
    expect(notices.join("\n")).toContain("--backup-vault-name snapshot-dr-dr --region us-west-2");
  });

  test("source: each region's plan copies to the DR vault of its region, or of the first copy region", () => {
    // GIVEN an account in us-east-1 (a copy region) and eu-west-1 (not one) WHEN its stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0])));
    // THEN both plans copy to us-east-1's DR vault, and one backup role serves both
    const plans = resourcesOf(json, "aws_backup_plan");
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan.rule[0].copy_action).toEqual([
        { destination_vault_arn: "arn:aws:backup:us-east-1:222222222222:backup-vault:snapshot-dr-dr", lifecycle: { delete_after: 35 } },
      ]);
    }
    expect(resourcesOf(json, "aws_iam_role").filter((role) => role.name === "snapshot-dr-backup")).toHaveLength(1);
    expect(resourcesOf(json, "aws_backup_vault").map((vault) => vault.name)).toEqual(["snapshot-dr-source", "snapshot-dr-source"]);
  });

  test("an account with backup switched off gets no plan", () => {
    // GIVEN sourceAccounts[1].backup.enabled: false WHEN its stack is synthesized THEN there is no backup resource
    const synthesized = Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[1]));
    expect(synthesized).not.toContain("aws_backup_plan");
  });

  test("org: the management account's stack assumes its own role, enables cross-account backup in every region, and attaches the SCPs", () => {
    // GIVEN backup on WHEN the org stack is synthesized
    const app = Testing.app();
    const [organization] = organizationsWithWork(config);
    const json: Json = JSON.parse(Testing.synth(new OrgManagementStack(app, config, organization)));
    // THEN its providers assume SnapshotDrDeploy in 999999999999 in both copy regions and eu-west-1
    expect(json.provider.aws.map((p: Json) => `${p.alias} ${p.assume_role[0].role_arn}`)).toEqual([
      "us-east-1 arn:aws:iam::999999999999:role/SnapshotDrDeploy",
      "us-west-2 arn:aws:iam::999999999999:role/SnapshotDrDeploy",
      "eu-west-1 arn:aws:iam::999999999999:role/SnapshotDrDeploy",
    ]);
    expect(resourcesOf(json, "aws_backup_global_settings").map((s) => s.global_settings)).toEqual(Array(3).fill({ isCrossAccountBackupEnabled: "true" }));
    const targets = resourcesOf(json, "aws_organizations_policy_attachment").map((a) => a.target_id).sort();
    expect(targets).toEqual(["111111111111", "222222222222", "222222222222"]); // the two DR guardrails (which also deny leaving)
    // and the reviewer is told the one step Terraform cannot take
    expect(reviewNotices(app).join("\n")).toContain("aws organizations enable-aws-service-access --service-principal backup.amazonaws.com");
  });

  test("org: backup.globalSettings reaches the management account's global settings", () => {
    // GIVEN multi-party approval switched on in the configuration WHEN the org stack is synthesized
    const withMpa = parseConfig({ ...structuredClone(RAW), backup: { ...RAW.backup, globalSettings: { multiPartyApprovalEnabled: true } } });
    const json: Json = JSON.parse(Testing.synth(new OrgManagementStack(Testing.app(), withMpa, organizationsWithWork(withMpa)[0])));
    // THEN it is sent in every region, and only delegated administration is left as AWS has it
    for (const settings of resourcesOf(json, "aws_backup_global_settings")) {
      expect(settings.global_settings).toEqual({ isCrossAccountBackupEnabled: "true", isMpaEnabled: "true" });
      expect(settings.lifecycle).toEqual({ ignore_changes: ['global_settings["isDelegatedAdministratorEnabled"]'] });
    }
  });

  test("the app has an org stack only when an organization has something to deploy", () => {
    // GIVEN backup on, then off with the DR guardrails off WHEN the apps are built THEN org-o-aaaaaaaaaa exists only in the first
    const stackNames = (c: SnapshotDrConfig) => buildApp(c, { outdir: Testing.app().outdir }).node.children.map((child) => child.node.id);
    expect(stackNames(config)).toContain("org-o-aaaaaaaaaa");
    expect(stackNames(parseConfig({ ...structuredClone(RAW), backup: { enabled: false }, drAccount: { ...RAW.drAccount, guardrails: { enabled: false } } }))).not.toContain("org-o-aaaaaaaaaa");
  });
});
