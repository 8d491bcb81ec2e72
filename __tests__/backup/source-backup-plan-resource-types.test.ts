import { backupVaultArn } from "../../modules/backup/backup-arns";
import { arnPatternMayMatchService, BACKUP_RESOURCE_TYPES, backupResourceArnPattern } from "../../modules/backup/backup-resource-types";
import { DR_ACCOUNT, DR_VAULT_WEST } from "./source-backup-plan-fixtures";

/** The ARN patterns of the backup resource types a source plan selects, and the derived ARN of a DR vault. */

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
