import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SourceBackupPlan } from "../../modules/backup/source-backup-plan";
import {
  daily,
  DR_ACCOUNT,
  DR_VAULT_EAST,
  DR_VAULT_WEST,
  freshSourceStackEachTest,
  type Json,
  only,
  OWN_VAULT_WEST,
  props,
  SOURCE_ACCOUNT,
  SOURCE_KEY,
  stack,
  synth,
  toDr,
  toOwnRegion,
} from "./source-backup-plan-fixtures";

/**
 * What SourceBackupPlan synthesizes (vault, plan, selection, role) and seed 003's copy restrictions of RDS/Aurora
 * and DynamoDB. Its other validations: source-backup-plan-validation.test.ts.
 */

describe("SourceBackupPlan", () => {
  freshSourceStackEachTest();

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
});
