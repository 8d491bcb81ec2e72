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
    // THEN one vault per copy region, prevent_destroy, under the backup-dr key, with a compliance lock
    const vaults = resourcesOf(json, "aws_backup_vault");
    expect(vaults.map((vault) => `${vault.provider} ${vault.name}`).sort()).toEqual(["aws.us-east-1 snapshot-dr-dr", "aws.us-west-2 snapshot-dr-dr"]);
    for (const vault of vaults) {
      expect(vault.lifecycle).toEqual({ prevent_destroy: true });
      expect(vault.force_destroy).toBeUndefined();
      expect(vault.kms_key_arn).toMatch(/^\$\{aws_kms_key\.backup_dr_key_us_(east_1|west_2)\.arn\}$/);
    }
    for (const lock of resourcesOf(json, "aws_backup_vault_lock_configuration")) {
      expect(lock).toMatchObject({ min_retention_days: 14, max_retention_days: 400, changeable_for_days: 3 });
    }
    // and the vault policy lets the organization copy in and keeps recovery points from everyone but the break-glass role and Terraform
    const policy = JSON.parse(resourcesOf(json, "aws_backup_vault_policy")[0].policy);
    expect(policy.Statement[0].Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": ["o-aaaaaaaaaa"] } });
    expect(JSON.stringify(policy)).toContain("arn:aws:iam::222222222222:role/BreakGlass");
    expect(JSON.stringify(policy)).toContain("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole");
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
    expect(resourcesOf(json, "aws_backup_global_settings").map((s) => s.global_settings.isCrossAccountBackupEnabled)).toEqual(["true", "true", "true"]);
    const targets = resourcesOf(json, "aws_organizations_policy_attachment").map((a) => a.target_id).sort();
    expect(targets).toEqual(["111111111111", "222222222222"]);
    // and the reviewer is told the one step Terraform cannot take
    expect(reviewNotices(app).join("\n")).toContain("aws organizations enable-aws-service-access --service-principal backup.amazonaws.com");
  });

  test("the app has an org stack only when an organization has something to deploy", () => {
    // GIVEN backup on, then off WHEN the apps are built THEN org-o-aaaaaaaaaa exists only in the first
    const stackNames = (c: SnapshotDrConfig) => buildApp(c, { outdir: Testing.app().outdir }).node.children.map((child) => child.node.id);
    expect(stackNames(config)).toContain("org-o-aaaaaaaaaa");
    expect(stackNames(parseConfig({ ...structuredClone(RAW), backup: { enabled: false } }))).not.toContain("org-o-aaaaaaaaaa");
  });
});
