/**
 * The source plans' copies into the DR account's logically air-gapped vault (drAccount.protection.airGappedVault):
 * the copy actions of the source stacks, the copy guardrail SCP of the org stack, the configuration rules, and the
 * AWS Backup limits SourceBackupPlan checks. The stacks meet through names only: the source and org stacks are
 * synthesized without the DR stack.
 */
import { TerraformStack, Testing } from "cdktf";
import { configProblems, parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { backupCopyGuardrailVaultArns } from "../../modules/config/naming";
import { SourceBackupPlan } from "../../modules/backup/source-backup-plan";
import { AirGappedVault } from "../../modules/dr-account/air-gapped-vault";
import { OrgManagementStack, organizationsWithWork } from "../../stacks/org-management-stack";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { SourceAccountStack } from "../../stacks/source-account-stack";
import { reviewNotices } from "../../stacks/synthesize";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DR_VAULT = (region: string) => `arn:aws:backup:${region}:222222222222:backup-vault:snapshot-dr-dr`;
const AIR_GAPPED_VAULT = (region: string) => `arn:aws:backup:${region}:222222222222:backup-vault:snapshot-dr-dr-air-gapped`;

const raw = (airGappedVault: Json, backup: Json = {}, sourceAccounts?: Json[]) => ({
  organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999", rootId: "r-ab12" }],
  drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1", "us-west-2"], protection: { airGappedVault } },
  sourceAccounts: sourceAccounts ?? [
    { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] },
    { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["us-west-2", "us-east-1"] },
  ],
  backup: {
    enabled: true,
    rules: [
      { name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } },
      { name: "monthly", schedule: "cron(0 6 1 * ? *)", lifecycle: { deleteAfterDays: 30 }, drCopyLifecycle: { deleteAfterDays: 180 }, copyToRegion: { region: "us-east-1" } },
    ],
    ...backup,
  },
});

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const synthSource = (config: SnapshotDrConfig, index = 0): Json => JSON.parse(Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[index])));
const planOf = (json: Json, region: string) => resourcesOf(json, "aws_backup_plan").find((plan) => plan.provider === `aws.${region}`)!;
const problemsOf = (data: Json) => configProblems(data).problems.map((p) => `${p.path}: ${p.message}`);

describe("source plans copy into the air-gapped vault as well (copyFromPlans, default)", () => {
  test("every rule copies to the DR vault and to the air-gapped vault of the same DR region, with the same lifecycle", () => {
    // GIVEN the air-gapped vault enabled, two rules (one with its own DR copy lifecycle and a copy to us-east-1)
    const config = parseConfig(raw({ enabled: true, minRetentionDays: 14, maxRetentionDays: 365 }));
    // WHEN the stack of 111111111111 (us-east-1, a copy region; eu-west-1, not one) is synthesized
    const json = synthSource(config);
    // THEN in us-east-1 each rule copies to us-east-1's DR vault and air-gapped vault with the DR copy's lifecycle
    const [daily, monthly] = planOf(json, "us-east-1").rule;
    expect(daily.copy_action).toEqual([
      { destination_vault_arn: DR_VAULT("us-east-1"), lifecycle: { delete_after: 35 } },
      { destination_vault_arn: AIR_GAPPED_VAULT("us-east-1"), lifecycle: { delete_after: 35 } },
    ]);
    expect(monthly.copy_action).toEqual([
      { destination_vault_arn: DR_VAULT("us-east-1"), lifecycle: { delete_after: 180 } },
      { destination_vault_arn: AIR_GAPPED_VAULT("us-east-1"), lifecycle: { delete_after: 180 } },
    ]);
    // and eu-west-1's plan copies to the first copy region's vaults, plus its own vault in us-east-1 for the monthly rule
    const [euDaily, euMonthly] = planOf(json, "eu-west-1").rule;
    expect(euDaily.copy_action.map((c: Json) => c.destination_vault_arn)).toEqual([DR_VAULT("us-east-1"), AIR_GAPPED_VAULT("us-east-1")]);
    expect(euMonthly.copy_action.map((c: Json) => c.destination_vault_arn)).toEqual([
      DR_VAULT("us-east-1"),
      AIR_GAPPED_VAULT("us-east-1"),
      "arn:aws:backup:us-east-1:111111111111:backup-vault:snapshot-dr-source",
    ]);
  });

  test("a source region that is a copy region copies into the air-gapped vault of that region", () => {
    // GIVEN 333333333333 in us-west-2 WHEN its stack is synthesized THEN its copies stay in us-west-2
    const json = synthSource(parseConfig(raw({ enabled: true })), 1);
    expect(planOf(json, "us-west-2").rule[0].copy_action.map((c: Json) => c.destination_vault_arn)).toEqual([DR_VAULT("us-west-2"), AIR_GAPPED_VAULT("us-west-2")]);
  });

  test("copyFromPlans: false leaves the plans copying to the DR vault only", () => {
    // GIVEN the vault enabled but copyFromPlans off WHEN the stack is synthesized THEN no copy action names the air-gapped vault
    const json = synthSource(parseConfig(raw({ enabled: true, copyFromPlans: false })));
    expect(JSON.stringify(resourcesOf(json, "aws_backup_plan"))).not.toContain("dr-air-gapped");
    expect(planOf(json, "us-east-1").rule[0].copy_action).toEqual([{ destination_vault_arn: DR_VAULT("us-east-1"), lifecycle: { delete_after: 35 } }]);
  });

  test("without the vault (the default) nothing changes", () => {
    // GIVEN airGappedVault left out WHEN the stack is synthesized THEN no copy action names the air-gapped vault
    expect(JSON.stringify(synthSource(parseConfig(raw({}))))).not.toContain("dr-air-gapped");
  });
});

describe("the copy guardrail SCP allows the air-gapped vaults", () => {
  const guardrailOf = (config: SnapshotDrConfig) => {
    const json: Json = JSON.parse(Testing.synth(new OrgManagementStack(Testing.app(), config, organizationsWithWork(config)[0])));
    const scp = resourcesOf(json, "aws_organizations_policy").find((policy) => policy.name === "snapshot-dr-backup-copies-only-to-dr-vaults")!;
    return JSON.parse(scp.content).Statement.find((s: Json) => s.Sid === "DenyCopyToUnlistedVaults").Condition["ForAnyValue:ArnNotLike"]["backup:CopyTargets"] as string[];
  };

  test("one ARN per copy region, next to the DR vaults", () => {
    // GIVEN the air-gapped vault enabled WHEN the org stack is synthesized
    const allowed = guardrailOf(parseConfig(raw({ enabled: true })));
    // THEN the guardrail lets copies go to both vaults of both copy regions (and the accounts' own us-east-1 vault)
    expect(allowed).toEqual([
      "arn:aws:backup:us-east-1:*:backup-vault:snapshot-dr-source",
      DR_VAULT("us-east-1"),
      AIR_GAPPED_VAULT("us-east-1"),
      DR_VAULT("us-west-2"),
      AIR_GAPPED_VAULT("us-west-2"),
    ]);
  });

  test("its size does not grow with the number of accounts", () => {
    // GIVEN 2 and then 40 accounts that back up WHEN the allowed vaults are derived THEN they are the same list
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(100000000000 + i), organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }));
    const few = backupCopyGuardrailVaultArns(parseConfig(raw({ enabled: true }, {}, accounts(2))), "o-aaaaaaaaaa");
    expect(backupCopyGuardrailVaultArns(parseConfig(raw({ enabled: true }, {}, accounts(40))), "o-aaaaaaaaaa")).toEqual(few);
  });

  test("the vault disabled: the guardrail does not allow it", () => {
    // GIVEN no air-gapped vault WHEN the org stack is synthesized THEN the guardrail names no air-gapped vault
    expect(guardrailOf(parseConfig(raw({}))).some((arn) => arn.includes("air-gapped"))).toBe(false);
  });

  test("copyFromPlans: false still allows the vault (it exists, and copies into it are legitimate)", () => {
    expect(guardrailOf(parseConfig(raw({ enabled: true, copyFromPlans: false })))).toContain(AIR_GAPPED_VAULT("us-west-2"));
  });
});

describe("configuration rules of the air-gapped copies", () => {
  test("a DR copy kept outside the air-gapped vault's retention range is refused, naming the rule's field", () => {
    // GIVEN the vault keeps 40 to 150 days, the daily rule's copy 35 days and the monthly rule's 180 days
    const problems = problemsOf(raw({ enabled: true, minRetentionDays: 40, maxRetentionDays: 150 }));
    // THEN both are reported, each at the field that sets its retention
    expect(problems).toEqual(
      expect.arrayContaining([
        "backup.rules[0].lifecycle.deleteAfterDays: the copy into the air-gapped vault is kept 35 days, outside drAccount.protection.airGappedVault's 40 to 150 days: the vault fails a copy job whose retention period is outside its minimum and maximum retention periods (or set drAccount.protection.airGappedVault.copyFromPlans: false)",
        "backup.rules[1].drCopyLifecycle.deleteAfterDays: the copy into the air-gapped vault is kept 180 days, outside drAccount.protection.airGappedVault's 40 to 150 days: the vault fails a copy job whose retention period is outside its minimum and maximum retention periods (or set drAccount.protection.airGappedVault.copyFromPlans: false)",
      ]),
    );
  });

  test("copyFromPlans: false lifts the retention rule", () => {
    expect(problemsOf(raw({ enabled: true, copyFromPlans: false, minRetentionDays: 40, maxRetentionDays: 150 }))).toEqual([]);
  });

  test("the vault's minimum retention is at least 7 days", () => {
    expect(problemsOf(raw({ enabled: true, minRetentionDays: 5 }))).toEqual(["drAccount.protection.airGappedVault.minRetentionDays: must be at least 7 (the minimum retention of a logically air-gapped vault)"]);
  });

  test("Aurora copied across regions into the air-gapped vault is refused", () => {
    // GIVEN Aurora selected (cross-region and cross-account RDS copies supported) and eu-west-1, not a copy region
    const data = raw({ enabled: true }, { selection: { resourceTypes: ["Aurora"] }, rdsCrossRegionAndAccountSupported: true, rules: [{ name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } }] });
    // THEN eu-west-1 is reported with AWS's limitation
    expect(problemsOf(data)).toEqual([
      "sourceAccounts[0].regions[1]: Cross-Region copy to or from a logically air-gapped vault is not currently available for backups that contain Amazon Aurora, Amazon DocumentDB, and Amazon Neptune (eu-west-1 has no air-gapped vault, so its Aurora copies would go to us-east-1; set drAccount.protection.airGappedVault.copyFromPlans: false or add eu-west-1 to drAccount.copyRegions)",
    ]);
  });
});

test("the DR stack tells the reviewer that what is copied into the air-gapped vault cannot be deleted", () => {
  // GIVEN the vault enabled WHEN the DR stack is built THEN one notice per copy region names the vault and its retention range
  const app = Testing.app();
  new DrAccountStack(app, parseConfig(raw({ enabled: true, minRetentionDays: 14, maxRetentionDays: 365 })));
  const notices = reviewNotices(app).filter((notice) => notice.includes("logically air-gapped vault"));
  expect(notices).toHaveLength(2);
  expect(notices[0]).toContain(
    "The logically air-gapped vault snapshot-dr-dr-air-gapped is locked in COMPLIANCE mode by AWS Backup: every recovery point copied into it stays, and is billed, for its whole retention (14 to 365 days)",
  );
});

describe("AWS Backup limits checked by the constructs", () => {
  test("a backup rule with more than 5 copy actions is refused", () => {
    // GIVEN a plan whose rule copies to 6 vaults WHEN it is constructed THEN AWS Backup's limit is named
    const scope = new TerraformStack(Testing.app(), "limits");
    const provider = new AwsProvider(scope, "aws", { region: "us-east-1" });
    const destinations = Array.from({ length: 6 }, (_, i) => ({ accountId: "222222222222", region: "us-east-1", vaultName: `vault-${i}` }));
    expect(
      () =>
        new SourceBackupPlan(scope, "plan", {
          provider,
          partition: "aws",
          accountId: "111111111111",
          region: "us-east-1",
          planName: "plan",
          vaultName: "source",
          kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          rules: [{ ruleName: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 }, copyActions: destinations }],
          selection: { by: "resources", resourceTypes: ["EBS"] },
          role: { kind: "create", roleName: "backup" },
        }),
    ).toThrow("Backup rule 'daily' has 6 copy actions: AWS Backup allows at most 5 copy actions per backup rule");
  });

  test("the air-gapped vault refuses a minimum retention below 7 days", () => {
    const scope = new TerraformStack(Testing.app(), "vault");
    const provider = new AwsProvider(scope, "aws", { region: "us-east-1" });
    expect(
      () =>
        new AirGappedVault(scope, "vault", {
          provider,
          partition: "aws",
          vaultName: "snapshot-dr-dr-air-gapped",
          minRetentionDays: 3,
          maxRetentionDays: 30,
          copySources: { kind: "accounts", accountIds: ["111111111111"], organizationId: "o-aaaaaaaaaa" },
          recoveryPointProtection: { deployRoleArn: "arn:aws:iam::222222222222:role/Deploy" },
        }),
    ).toThrow("The air-gapped vault's minRetentionDays must be at least 7, got 3");
  });
});
