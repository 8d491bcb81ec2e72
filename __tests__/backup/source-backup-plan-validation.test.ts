import { SourceBackupPlan, SourceBackupPlanProps } from "../../modules/backup/source-backup-plan";
import { daily, DR_ACCOUNT, DR_VAULT_EAST, freshSourceStackEachTest, only, OWN_VAULT_WEST, props, SOURCE_ACCOUNT, stack, synth, toDr, toOwnRegion } from "./source-backup-plan-fixtures";

/** SourceBackupPlan's checks of names, schedules, windows, lifecycles, copy destinations, selections, role and key. */

describe("SourceBackupPlan", () => {
  freshSourceStackEachTest();

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
