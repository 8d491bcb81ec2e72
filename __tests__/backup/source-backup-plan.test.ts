import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { backupVaultArn } from "../../modules/backup/backup-arns";
import { arnPatternMayMatchService, BACKUP_RESOURCE_TYPES, backupResourceArnPattern } from "../../modules/backup/backup-resource-types";
import { SourceBackupPlan, SourceBackupPlanProps, SourceBackupRule } from "../../modules/backup/source-backup-plan";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SOURCE_ACCOUNT = "111111111111";
const DR_ACCOUNT = "222222222222";
const SOURCE_KEY = `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/0f0f0f0f-1111-4222-a333-444455556666`;
const DR_VAULT_EAST = `arn:aws:backup:us-east-1:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
const DR_VAULT_WEST = `arn:aws:backup:us-west-2:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
const OWN_VAULT_WEST = `arn:aws:backup:us-west-2:${SOURCE_ACCOUNT}:backup-vault:snapshot-dr-source`;

const toDr = (region = "us-east-1", lifecycle?: { deleteAfterDays: number; coldStorageAfterDays?: number }) => ({
  accountId: DR_ACCOUNT,
  region,
  vaultName: "snapshot-dr",
  ...(lifecycle ? { lifecycle } : {}),
});
const toOwnRegion = (region = "us-west-2") => ({ accountId: SOURCE_ACCOUNT, region, vaultName: "snapshot-dr-source" });

const daily = (overrides: Partial<SourceBackupRule> = {}): SourceBackupRule => ({
  ruleName: "daily",
  schedule: "cron(0 5 ? * * *)",
  lifecycle: { deleteAfterDays: 35 },
  copyActions: [toDr()],
  ...overrides,
});

describe("SourceBackupPlan", () => {
  let stack: TerraformStack;
  let provider: AwsProvider;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "source");
    provider = new AwsProvider(stack, "aws", { region: "us-east-1", alias: "us-east-1" });
  });

  const props = (overrides: Partial<SourceBackupPlanProps> = {}): SourceBackupPlanProps => ({
    provider,
    partition: "aws",
    accountId: SOURCE_ACCOUNT,
    region: "us-east-1",
    planName: "snapshot-dr",
    vaultName: "snapshot-dr-source",
    kmsKeyArn: SOURCE_KEY,
    rules: [daily()],
    selection: { by: "resources", resourceTypes: ["EBS"], requiredTags: { "snapshot-dr": "protect" } },
    role: { kind: "create", roleName: "snapshot-dr-backup" },
    ...overrides,
  });
  const synth = (): Json => JSON.parse(Testing.synth(stack));
  const only = (json: Json, type: string): Json => {
    const resources = Object.values(json.resource[type] ?? {}) as Json[];
    expect(resources).toHaveLength(1);
    return resources[0];
  };

  describe("synthesized", () => {
    test("a source vault encrypted with the source key, kept by prevent_destroy", () => {
      // GIVEN the defaults WHEN synthesized THEN the vault has the key and prevent_destroy, no force_destroy
      new SourceBackupPlan(stack, "plan", props());
      expect(only(synth(), "aws_backup_vault")).toEqual({
        provider: "aws.us-east-1",
        name: "snapshot-dr-source",
        kms_key_arn: SOURCE_KEY,
        lifecycle: { prevent_destroy: true },
      });
    });

    test("a rule with schedule, windows, lifecycle, recovery point tags and a copy to the DR vault by derived ARN", () => {
      // GIVEN a rule with tags and a copy to the DR vault with its own retention
      const construct = new SourceBackupPlan(
        stack,
        "plan",
        props({ rules: [daily({ recoveryPointTags: { "snapshot-dr:copy": "true" }, copyActions: [toDr("us-east-1", { deleteAfterDays: 90 })] })] }),
      );
      // WHEN synthesized
      const plan = only(synth(), "aws_backup_plan");
      // THEN the plan has one rule targeting the source vault, copying to arn:aws:backup:us-east-1:<DR>:backup-vault:snapshot-dr
      expect(plan.name).toBe("snapshot-dr");
      expect(plan.rule).toEqual([
        {
          rule_name: "daily",
          target_vault_name: expect.stringMatching(/^\$\{aws_backup_vault\.plan_vault_[A-Z0-9]+\.name\}$/),
          schedule: "cron(0 5 ? * * *)",
          start_window: 60,
          completion_window: 180,
          lifecycle: { delete_after: 35 },
          copy_action: [{ destination_vault_arn: DR_VAULT_EAST, lifecycle: { delete_after: 90 } }],
          recovery_point_tags: { "snapshot-dr:copy": "true" },
        },
      ]);
      expect(construct.copyDestinationArns).toEqual([DR_VAULT_EAST]);
    });

    test("a rule may also copy to a vault of another region of the source account, with cold storage", () => {
      // GIVEN an EBS-only selection, copies to the DR vault in the same region and to an own vault in us-west-2
      const construct = new SourceBackupPlan(
        stack,
        "plan",
        props({
          rules: [
            daily({
              lifecycle: { deleteAfterDays: 120, coldStorageAfterDays: 30 },
              copyActions: [toDr(), { ...toOwnRegion(), lifecycle: { deleteAfterDays: 200, coldStorageAfterDays: 100 } }],
            }),
          ],
        }),
      );
      // WHEN synthesized THEN both copy actions are there, the cross-region one with its cold storage
      const rule = only(synth(), "aws_backup_plan").rule[0];
      expect(rule.lifecycle).toEqual({ delete_after: 120, cold_storage_after: 30 });
      expect(rule.copy_action).toEqual([
        { destination_vault_arn: DR_VAULT_EAST },
        { destination_vault_arn: OWN_VAULT_WEST, lifecycle: { delete_after: 200, cold_storage_after: 100 } },
      ]);
      expect(construct.copyDestinationArns).toEqual([DR_VAULT_EAST, OWN_VAULT_WEST]);
    });

    test("selection by resource types and required tags: resources AND a StringEquals condition", () => {
      // GIVEN EBS and EFS with a required tag WHEN synthesized
      new SourceBackupPlan(stack, "plan", props({ selection: { by: "resources", resourceTypes: ["EFS", "EBS"], requiredTags: { "snapshot-dr": "protect" } } }));
      const selection = only(synth(), "aws_backup_selection");
      // THEN the resources are the types' ARN patterns and the tag is an AND condition
      expect(selection).toMatchObject({
        name: "snapshot-dr",
        plan_id: expect.stringMatching(/^\$\{aws_backup_plan\.plan_[A-Z0-9]+\.id\}$/),
        iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.plan_backup-role_[A-Z0-9]+\.arn\}$/),
        resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:elasticfilesystem:*:*:file-system/*"],
        condition: [{ string_equals: [{ key: "aws:ResourceTag/snapshot-dr", value: "protect" }] }],
      });
      expect(selection).not.toHaveProperty("selection_tag");
    });

    test("selection by tags: selection_tag STRINGEQUALS", () => {
      // GIVEN a tag selection and a plan that copies only cross-account in its own region WHEN synthesized
      new SourceBackupPlan(stack, "plan", props({ selection: { by: "tags", tags: { "snapshot-dr": "protect" } }, selectionName: "tagged" }));
      const selection = only(synth(), "aws_backup_selection");
      // THEN the selection is one STRINGEQUALS tag, without resources
      expect(selection.name).toBe("tagged");
      expect(selection.selection_tag).toEqual([{ type: "STRINGEQUALS", key: "snapshot-dr", value: "protect" }]);
      expect(selection).not.toHaveProperty("resources");
    });

    test("the service role trusts AWS Backup and has the two AWS managed policies; the selection waits for them", () => {
      // GIVEN a created role WHEN synthesized
      new SourceBackupPlan(stack, "plan", props());
      const json = synth();
      // THEN the role trusts backup.amazonaws.com
      const role = only(json, "aws_iam_role");
      expect(role.name).toBe("snapshot-dr-backup");
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      // AND has AWSBackupServiceRolePolicyForBackup and ...ForRestores
      const attachments = Object.values(json.resource.aws_iam_role_policy_attachment) as Json[];
      expect(attachments.map((a) => a.policy_arn)).toEqual([
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ]);
      // AND the selection depends on the role and both attachments
      expect(only(json, "aws_backup_selection").depends_on).toHaveLength(3);
    });

    test("an existing role (created by another region's plan) is used as is", () => {
      // GIVEN the role's derived ARN WHEN synthesized THEN no role is created and the selection uses the ARN
      const roleArn = `arn:aws:iam::${SOURCE_ACCOUNT}:role/snapshot-dr-backup`;
      const construct = new SourceBackupPlan(stack, "plan", props({ role: { kind: "existing", roleArn } }));
      const json = synth();
      expect(json.resource.aws_iam_role).toBeUndefined();
      expect(only(json, "aws_backup_selection").iam_role_arn).toBe(roleArn);
      expect(construct.role).toBeUndefined();
    });

    test("another region's plan in the same stack reuses the role by token, so its selection waits for the role", () => {
      // GIVEN a plan that creates the role and a plan of another region given its roleArn
      const first = new SourceBackupPlan(stack, "plan", props());
      const westProvider = new AwsProvider(stack, "aws-west", { region: "us-west-2", alias: "us-west-2" });
      new SourceBackupPlan(stack, "plan-west", props({ provider: westProvider, region: "us-west-2", role: { kind: "existing", roleArn: first.roleArn } }));
      // WHEN synthesized THEN one role, and both selections refer to it
      const json = synth();
      expect(Object.keys(json.resource.aws_iam_role)).toHaveLength(1);
      const roleArns = (Object.values(json.resource.aws_backup_selection) as Json[]).map((selection) => selection.iam_role_arn);
      expect(new Set(roleArns).size).toBe(1);
      expect(roleArns[0]).toMatch(/^\$\{aws_iam_role\.plan_backup-role_[A-Z0-9]+\.arn\}$/);
    });

    test("uses the partition in the managed policy ARNs and derived vault ARNs", () => {
      // GIVEN GovCloud WHEN synthesized THEN every ARN is arn:aws-us-gov
      new SourceBackupPlan(
        stack,
        "plan",
        props({ partition: "aws-us-gov", region: "us-gov-west-1", kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/k", rules: [daily({ copyActions: [toDr("us-gov-west-1")] })] }),
      );
      const json = synth();
      expect(only(json, "aws_backup_plan").rule[0].copy_action[0].destination_vault_arn).toBe(`arn:aws-us-gov:backup:us-gov-west-1:${DR_ACCOUNT}:backup-vault:snapshot-dr`);
      expect((Object.values(json.resource.aws_iam_role_policy_attachment) as Json[])[0].policy_arn).toBe(
        "arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      );
    });
  });

  describe("seed 003: RDS/Aurora and DynamoDB copy restrictions", () => {
    const rdsMessage =
      "RDS/Aurora: Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan. " +
      `Plan 'snapshot-dr' may select RDS or Aurora and copies cross-account (rule 'daily' to ${DR_VAULT_WEST}) and cross-Region (rule 'daily' to ${DR_VAULT_WEST}): ` +
      "split the plan, select no RDS/Aurora resources, or set rdsCrossRegionAndAccountSupported";

    test("rejects RDS copied cross-account into another region (one copy that is both)", () => {
      // GIVEN an RDS selection and a copy to the DR vault of us-west-2 WHEN built THEN AWS's wording
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceTypes: ["RDS"] }, rules: [daily({ copyActions: [toDr("us-west-2")] })] }))).toThrow(
        rdsMessage,
      );
    });

    test("rejects Aurora copied cross-account by one rule and cross-region by another", () => {
      // GIVEN an Aurora selection, a rule copying to the DR vault in-region and one copying to an own vault elsewhere
      const rules = [daily(), daily({ ruleName: "weekly", schedule: "cron(0 6 ? * 1 *)", copyActions: [toOwnRegion()] })];
      // WHEN built THEN it fails naming both copies
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceTypes: ["Aurora"] }, rules }))).toThrow(
        `RDS/Aurora: Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan. Plan 'snapshot-dr' may select RDS or Aurora and copies cross-account (rule 'daily' to ${DR_VAULT_EAST}) and cross-Region (rule 'weekly' to ${OWN_VAULT_WEST}): split the plan, select no RDS/Aurora resources, or set rdsCrossRegionAndAccountSupported`,
      );
    });

    test("rejects a tag selection (which may include RDS) copied cross-account and cross-region", () => {
      // GIVEN a tag selection copying to the DR vault of us-west-2 WHEN built THEN the RDS restriction applies first
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "tags", tags: { dr: "yes" } }, rules: [daily({ copyActions: [toDr("us-west-2")] })] }))).toThrow(
        rdsMessage,
      );
    });

    test("allows RDS copied cross-account only, and cross-account plus cross-region when declared supported", () => {
      // GIVEN an RDS selection WHEN copied cross-account in-region THEN it is fine
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceTypes: ["RDS"] } }))).not.toThrow();
      // WHEN it copies to another region's DR vault with rdsCrossRegionAndAccountSupported THEN it is fine too
      expect(
        () =>
          new SourceBackupPlan(
            stack,
            "q",
            props({ selection: { by: "resources", resourceTypes: ["RDS"] }, rules: [daily({ copyActions: [toDr("us-west-2")] })], rdsCrossRegionAndAccountSupported: true }),
          ),
      ).not.toThrow();
    });

    test("allows EBS copied cross-account and cross-region in one plan", () => {
      // GIVEN an EBS selection copying to the DR vaults of both regions WHEN built THEN it is fine
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [toDr("us-east-1"), toDr("us-west-2")] })] }))).not.toThrow();
    });

    test("rejects a cross-region copy of a selection with DynamoDB, with AWS's wording", () => {
      // GIVEN a DynamoDB selection copying to the DR vault of us-west-2 WHEN built THEN it fails
      expect(
        () => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceTypes: ["DynamoDB", "EBS"] }, rules: [daily({ copyActions: [toDr("us-west-2")] })] })),
      ).toThrow(
        `DynamoDB does not support cross-Region backup. Plan 'snapshot-dr' may select DynamoDB tables and rule 'daily' copies to us-west-2 (${DR_VAULT_WEST}): select resource types without DynamoDB, or copy within us-east-1`,
      );
    });

    test("rejects a cross-region copy of an ARN pattern that may match DynamoDB tables", () => {
      // GIVEN a pattern over every service of the partition WHEN copied cross-region THEN the DynamoDB rule applies
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceArnPatterns: ["arn:aws:*"] }, rules: [daily({ copyActions: [toOwnRegion()] })] }))).toThrow(
        /^DynamoDB does not support cross-Region backup\./,
      );
    });

    test("allows DynamoDB copied cross-account within the region", () => {
      // GIVEN a DynamoDB selection copying to the DR vault of the same region WHEN built THEN it is fine
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceTypes: ["DynamoDB"] } }))).not.toThrow();
    });
  });

  describe("validation", () => {
    test("rejects the default vault as source, with AWS's rule", () => {
      // GIVEN the default vault WHEN built THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ vaultName: "Default" }))).toThrow(
        "Source backup vault 'Default' is the default vault: You must use vaults other than your default vaults to perform cross-account backup.",
      );
    });

    test("rejects the default vault as copy destination, with AWS's copy job error", () => {
      // GIVEN a copy to the DR account's default vault WHEN built THEN AWS's wording is quoted
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [{ accountId: DR_ACCOUNT, region: "us-east-1", vaultName: "Default" }] })] }))).toThrow(
        "Backup rule 'daily': copy destination vault 'Default' is the default vault: Copy job failed because the destination Backup vault is encrypted with the default Backup service managed key. " +
          "The contents of this vault cannot be copied. Only the contents of a Backup vault encrypted by a customer master key (CMK) may be copied.",
      );
    });

    test("rejects plan, rule and selection names outside AWS's pattern", () => {
      // GIVEN a space in each name WHEN built THEN each fails naming the pattern
      expect(() => new SourceBackupPlan(stack, "p", props({ planName: "snapshot dr" }))).toThrow("Expected backup plan name to match ^[a-zA-Z0-9\\-\\_\\.]{1,50}$, got 'snapshot dr'");
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ ruleName: "daily rule" })] }))).toThrow(
        "Expected backup rule name to match ^[a-zA-Z0-9\\-\\_\\.]{1,50}$, got 'daily rule'",
      );
      expect(() => new SourceBackupPlan(stack, "r", props({ selectionName: "x".repeat(51) }))).toThrow(
        `Expected backup selection name to match ^[a-zA-Z0-9\\-\\_\\.]{1,50}$, got '${"x".repeat(51)}'`,
      );
    });

    test("rejects a plan without rules and two rules of one name", () => {
      // GIVEN no rule, then a duplicated rule WHEN built THEN each fails
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [] }))).toThrow("Backup plan 'snapshot-dr' needs at least one rule");
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily(), daily()] }))).toThrow("Backup rule name 'daily' is used twice in plan 'snapshot-dr'");
    });

    test("rejects a schedule that is not a six-field cron expression", () => {
      // GIVEN a rate expression WHEN built THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ schedule: "rate(1 day)" })] }))).toThrow(
        "Backup rule 'daily': expected a six-field cron expression, cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), got 'rate(1 day)'",
      );
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ schedule: "cron(0 5 * * ?)" })] }))).toThrow(/got 'cron\(0 5 \* \* \?\)'$/);
    });

    test("rejects a start window under 60 minutes", () => {
      // GIVEN 30 minutes WHEN built THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ startWindowMinutes: 30 })] }))).toThrow(
        "Backup rule 'daily': the start window must be a whole number of minutes from 60 to 52560000, got 30",
      );
    });

    test("rejects a completion window less than 60 minutes after the start window", () => {
      // GIVEN start 120 and completion 150 WHEN built THEN it fails; 180 is fine
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ startWindowMinutes: 120, completionWindowMinutes: 150 })] }))).toThrow(
        "Backup rule 'daily': the completion window must be a whole number of minutes, at least 60 more than the start window (120) and at most 52560000, got 150",
      );
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ startWindowMinutes: 120, completionWindowMinutes: 180 })] }))).not.toThrow();
    });

    test("the default completion window follows a longer start window", () => {
      // GIVEN a start window of 480 minutes and no completion window WHEN synthesized THEN completion is 600
      new SourceBackupPlan(stack, "p", props({ rules: [daily({ startWindowMinutes: 480 })] }));
      expect(only(synth(), "aws_backup_plan").rule[0]).toMatchObject({ start_window: 480, completion_window: 600 });
    });

    test("rejects delete_after less than 90 days after cold_storage_after", () => {
      // GIVEN cold storage after 30 days and deletion after 100 WHEN built THEN it fails with the 90-day rule; 120 is fine
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ lifecycle: { deleteAfterDays: 100, coldStorageAfterDays: 30 } })] }))).toThrow(
        "Backup rule 'daily': delete_after (100 days) must be at least 90 days after cold_storage_after (30 days): backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days",
      );
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ lifecycle: { deleteAfterDays: 120, coldStorageAfterDays: 30 } })] }))).not.toThrow();
    });

    test("applies the 90-day rule to a copy's lifecycle too", () => {
      // GIVEN a cross-region copy with cold storage after 10 days and deletion after 50 WHEN built THEN it fails
      expect(
        () => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [{ ...toOwnRegion(), lifecycle: { deleteAfterDays: 50, coldStorageAfterDays: 10 } }] })] })),
      ).toThrow(
        `Backup rule 'daily': copy to ${OWN_VAULT_WEST}: delete_after (50 days) must be at least 90 days after cold_storage_after (10 days): backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days`,
      );
    });

    test("rejects delete_after outside 1 to 36,500 days", () => {
      // GIVEN zero days, then 36,501 WHEN built THEN each fails
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ lifecycle: { deleteAfterDays: 0 } })] }))).toThrow(
        "Backup rule 'daily': delete_after must be a whole number of days from 1 to 36500, got 0",
      );
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ lifecycle: { deleteAfterDays: 36_501 } })] }))).toThrow(
        "Backup rule 'daily': delete_after must be a whole number of days from 1 to 36500, got 36501",
      );
    });

    test("rejects cold storage on a cross-account copy", () => {
      // GIVEN a copy to the DR vault with cold storage WHEN built THEN it fails with a clear message
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [toDr("us-east-1", { deleteAfterDays: 200, coldStorageAfterDays: 30 })] })] }))).toThrow(
        `Backup rule 'daily': the copy to ${DR_VAULT_EAST} is cross-account and cannot move to cold storage: remove coldStorageAfterDays from its lifecycle`,
      );
    });

    test("rejects a copy whose retention is outside the destination vault lock", () => {
      // GIVEN a DR vault locked to 30..3650 days and a rule keeping recovery points 14 days WHEN built THEN it fails
      const locked = { ...toDr(), vaultLock: { minRetentionDays: 30, maxRetentionDays: 3650 } };
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ lifecycle: { deleteAfterDays: 14 }, copyActions: [locked] })] }))).toThrow(
        `Backup rule 'daily': the copy to ${DR_VAULT_EAST} is kept 14 days, outside the destination vault lock's 30 to 3650 days: ` +
          "the vault fails a copy job whose retention period is outside its minimum and maximum retention periods",
      );
      // WHEN the copy's own lifecycle keeps it 35 days THEN it fits
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ lifecycle: { deleteAfterDays: 14 }, copyActions: [{ ...locked, lifecycle: { deleteAfterDays: 35 } }] })] }))).not.toThrow();
      // AND a lock without maximum reads "unlimited"
      expect(() => new SourceBackupPlan(stack, "r", props({ rules: [daily({ copyActions: [{ ...toDr(), vaultLock: { minRetentionDays: 90 } }] })] }))).toThrow(
        /is kept 35 days, outside the destination vault lock's 90 to unlimited days/,
      );
    });

    test("rejects a copy into the plan's own vault", () => {
      // GIVEN a copy destination equal to the source vault WHEN built THEN it fails
      const own = `arn:aws:backup:us-east-1:${SOURCE_ACCOUNT}:backup-vault:snapshot-dr-source`;
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [toOwnRegion("us-east-1")] })] }))).toThrow(
        `Backup rule 'daily': copies into the plan's own vault ${own}`,
      );
    });

    test("rejects malformed copy destinations", () => {
      // GIVEN a short account ID, then an invalid region WHEN built THEN each fails naming the rule
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ copyActions: [{ ...toDr(), accountId: "2222" }] })] }))).toThrow(
        "Expected Backup rule 'daily': copy destination account ID to be 12 digits, got '2222'",
      );
      expect(() => new SourceBackupPlan(stack, "q", props({ rules: [daily({ copyActions: [{ ...toDr(), region: "US-EAST-1" }] })] }))).toThrow(
        "Expected Backup rule 'daily': copy destination region to be a region name such as us-east-1, got 'US-EAST-1'",
      );
    });

    test("rejects recovery point tags AWS reserves", () => {
      // GIVEN an aws: tag key WHEN built THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ rules: [daily({ recoveryPointTags: { "aws:backup": "x" } })] }))).toThrow(
        "Expected Backup rule 'daily': recovery point tag key to be 1 to 128 characters not starting with aws:, got 'aws:backup'",
      );
    });

    test("rejects empty selections, unknown resource types and foreign ARN patterns", () => {
      // GIVEN each malformed selection WHEN built THEN each fails
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "tags", tags: {} } }))).toThrow("The selection of plan 'snapshot-dr' needs at least one tag");
      expect(() => new SourceBackupPlan(stack, "q", props({ selection: { by: "resources" } }))).toThrow(
        "The selection of plan 'snapshot-dr' needs at least one resource type or ARN pattern",
      );
      const unknown = { by: "resources", resourceTypes: ["Redshift"] } as unknown as SourceBackupPlanProps["selection"];
      expect(() => new SourceBackupPlan(stack, "r", props({ selection: unknown }))).toThrow(
        "Unknown backup resource type 'Redshift': expected one of EBS, EC2, RDS, Aurora, DynamoDB, EFS, FSx, StorageGateway, S3",
      );
      expect(() => new SourceBackupPlan(stack, "s", props({ selection: { by: "resources", resourceArnPatterns: ["arn:aws-cn:ec2:*:*:volume/*"] } }))).toThrow(
        "Expected a selection ARN pattern to start with arn:aws: or be *, got 'arn:aws-cn:ec2:*:*:volume/*'",
      );
    });

    test("rejects more than 30 ARN patterns with wildcards, with AWS's wording", () => {
      // GIVEN 31 wildcard patterns WHEN built THEN it fails
      const patterns = Array.from({ length: 31 }, (_, i) => `arn:aws:ec2:*:*:volume/vol-${i}*`);
      expect(() => new SourceBackupPlan(stack, "p", props({ selection: { by: "resources", resourceArnPatterns: patterns } }))).toThrow(
        "The selection of plan 'snapshot-dr' has 31 ARNs, 31 with wildcards: the maximum number of ARNs is 500 without wildcards, or 30 ARNs with wildcards",
      );
    });

    test("rejects an existing role of another account", () => {
      // GIVEN the DR account's role WHEN used as the source plan's role THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ role: { kind: "existing", roleArn: `arn:aws:iam::${DR_ACCOUNT}:role/snapshot-dr-backup` } }))).toThrow(
        `Expected the backup role to be a role of the source account ${SOURCE_ACCOUNT}, got 'arn:aws:iam::${DR_ACCOUNT}:role/snapshot-dr-backup'`,
      );
    });

    test("rejects a source key alias", () => {
      // GIVEN the AWS managed backup alias WHEN built THEN it fails
      expect(() => new SourceBackupPlan(stack, "p", props({ kmsKeyArn: "alias/aws/backup" }))).toThrow(
        "Expected the source vault's KMS key to be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), got 'alias/aws/backup'",
      );
    });
  });
});

describe("backup resource types and ARNs", () => {
  test("every resource type has an ARN pattern in the partition", () => {
    // GIVEN each type WHEN its pattern is built for aws-cn THEN it starts with arn:aws-cn:<service>:
    for (const [type, info] of Object.entries(BACKUP_RESOURCE_TYPES)) {
      expect(backupResourceArnPattern(type as keyof typeof BACKUP_RESOURCE_TYPES, "aws-cn")).toMatch(new RegExp(`^arn:aws-cn:${info.service}:`));
    }
  });

  test("arnPatternMayMatchService is conservative", () => {
    // GIVEN patterns WHEN asked whether they may select RDS THEN only the EBS pattern may not
    expect(arnPatternMayMatchService("arn:aws:rds:*:*:db:*", "rds", "aws")).toBe(true);
    expect(arnPatternMayMatchService("arn:aws:*", "rds", "aws")).toBe(true);
    expect(arnPatternMayMatchService("arn:*", "rds", "aws")).toBe(true);
    expect(arnPatternMayMatchService("arn:aws:rds:us-east-1:111111111111:cluster:orders", "rds", "aws")).toBe(true);
    expect(arnPatternMayMatchService("arn:aws:ec2:*:*:volume/*", "rds", "aws")).toBe(false);
    expect(arnPatternMayMatchService("arn:aws:dynamodb:us-east-1:111111111111:table/orders", "rds", "aws")).toBe(false);
  });

  test("backupVaultArn derives arn:<partition>:backup:<region>:<account>:backup-vault:<name>", () => {
    // GIVEN a DR vault's names WHEN its ARN is derived THEN it is AWS's vault ARN
    expect(backupVaultArn({ partition: "aws", region: "us-west-2", accountId: DR_ACCOUNT, vaultName: "snapshot-dr" })).toBe(DR_VAULT_WEST);
  });
});
