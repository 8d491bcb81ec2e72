import { Testing } from "cdktf";
import { ConfigError, parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { LockedRecycleBinRule } from "../../modules/dr-account/locked-recycle-bin-rule";
import { validationProblems } from "../../stacks/synthesize";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { DrAccountStack } from "../../stacks/dr-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** DR copies in us-east-1 and us-west-2; sources in us-east-1 and eu-west-1: the DR stack has three regions. */
const RAW = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1", "us-west-2"], copyRetention: { interval: 5, unit: "WEEKS" } },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] }],
};

const withProtection = (protection: Json): SnapshotDrConfig =>
  parseConfig({ ...structuredClone(RAW), drAccount: { ...RAW.drAccount, protection } });
const synthDr = (config: SnapshotDrConfig): Json => JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const regionOf = (resource: Json) => String(resource.provider).replace("aws.", "");

describe("the DR account's locked copies", () => {
  test("a locked Region-level Recycle Bin rule for EBS snapshots in every region of the DR stack", () => {
    // GIVEN the defaults WHEN the DR stack is synthesized
    const rules = resourcesOf(synthDr(parseConfig(structuredClone(RAW))), "aws_rbin_rule");
    // THEN each of the three regions has one rule: EBS snapshots, 14 days, locked with a 7-day unlock delay, no tag filter
    expect(rules.map(regionOf).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    for (const rule of rules) {
      expect(rule).toEqual(
        expect.objectContaining({
          resource_type: "EBS_SNAPSHOT",
          retention_period: { retention_period_unit: "DAYS", retention_period_value: 14 },
          lock_configuration: { unlock_delay: { unlock_delay_unit: "DAYS", unlock_delay_value: 7 } },
        }),
      );
      expect(rule.resource_tags).toBeUndefined();
    }
  });

  test("EBS snapshot block public access in block-all-sharing mode in every region", () => {
    // GIVEN the defaults WHEN synthesized THEN the three regions block all public sharing
    const settings = resourcesOf(synthDr(parseConfig(structuredClone(RAW))), "aws_ebs_snapshot_block_public_access");
    expect(settings.map((s) => [regionOf(s), s.state]).sort()).toEqual([
      ["eu-west-1", "block-all-sharing"],
      ["us-east-1", "block-all-sharing"],
      ["us-west-2", "block-all-sharing"],
    ]);
  });

  test("the snapshot lock function in each copy region, on copy events and hourly, in governance mode by default", () => {
    // GIVEN copies kept 5 weeks WHEN synthesized
    const json = synthDr(parseConfig(structuredClone(RAW)));
    // THEN the lock function runs in the two copy regions with governance mode and a 35-day retention
    const functions = resourcesOf(json, "aws_lambda_function").filter((f) => f.function_name === "snapshot-dr-snapshot-lock");
    expect(functions.map(regionOf).sort()).toEqual(["us-east-1", "us-west-2"]);
    expect(functions[0].environment.variables).toEqual({ DR_ACCOUNT_ID: "222222222222", LOCK_MODE: "governance", RETENTION_DAYS: "35", END_BEFORE_EXPIRY_DAYS: "1" });
    // AND EventBridge invokes it on every succeeded copySnapshot notification and every hour
    const rules = resourcesOf(json, "aws_cloudwatch_event_rule").filter((r) => String(r.name).startsWith("snapshot-dr-snapshot-lock"));
    const onCopy = rules.find((r) => r.event_pattern)!;
    expect(JSON.parse(onCopy.event_pattern)).toEqual({
      source: ["aws.ec2"],
      "detail-type": ["EBS Snapshot Notification"],
      detail: { event: ["copySnapshot"], result: ["succeeded"] },
    });
    expect(rules.filter((r) => r.schedule_expression === "rate(1 hour)")).toHaveLength(2);
  });

  test("the lock role may lock DLM copies in the copy regions, and neither unlock nor delete", () => {
    // GIVEN the defaults WHEN synthesized
    const json = synthDr(parseConfig(structuredClone(RAW)));
    const role = resourcesOf(json, "aws_iam_role").find((r) => r.name === "snapshot-dr-snapshot-lock")!;
    const policy = JSON.parse(resourcesOf(json, "aws_iam_role_policy").find((p) => p.name === "snapshot-lock")!.policy);
    // THEN Lambda assumes it, and its only EC2 write is LockSnapshot on tagged DLM snapshots of the copy regions
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
    const lock = policy.Statement.find((s: Json) => s.Sid === "LockDlmCopies");
    expect(lock).toEqual({
      Sid: "LockDlmCopies",
      Effect: "Allow",
      Action: "ec2:LockSnapshot",
      Resource: ["arn:aws:ec2:us-east-1::snapshot/*", "arn:aws:ec2:us-west-2::snapshot/*"],
      Condition: { Null: { "aws:ResourceTag/aws:dlm:lifecycle-policy-id": "false" } },
    });
    const actions = policy.Statement.flatMap((s: Json) => [s.Action].flat());
    expect(actions.filter((a: string) => a.startsWith("ec2:"))).toEqual(["ec2:DescribeSnapshots", "ec2:DescribeLockedSnapshots", "ec2:LockSnapshot"]);
  });

  test("compliance mode with a cooling-off period, and every lock switched off", () => {
    // GIVEN compliance with 12 hours of cooling-off WHEN synthesized THEN the function carries both
    const compliance = synthDr(withProtection({ snapshotLock: { mode: "compliance", coolOffHours: 12 } }));
    const lock = resourcesOf(compliance, "aws_lambda_function").find((f) => f.function_name === "snapshot-dr-snapshot-lock")!;
    expect(lock.environment.variables).toEqual(expect.objectContaining({ LOCK_MODE: "compliance", COOL_OFF_HOURS: "12" }));
    // AND with everything off there is no rule, setting or lock function
    const off = synthDr(withProtection({ recycleBin: { enabled: false }, snapshotLock: { enabled: false }, blockPublicSharing: false }));
    expect([resourcesOf(off, "aws_rbin_rule"), resourcesOf(off, "aws_ebs_snapshot_block_public_access")]).toEqual([[], []]);
    expect(resourcesOf(off, "aws_lambda_function").filter((f) => f.function_name === "snapshot-dr-snapshot-lock")).toEqual([]);
  });
});

describe("the logically air-gapped vault (AWS Backup only)", () => {
  const withBackup = (airGappedVault: Json) =>
    parseConfig({ ...structuredClone(RAW), backup: { enabled: true }, organizations: [{ id: "o-bbbbbbbbbb", managementAccountId: "888888888888" }], sourceAccounts: [{ ...RAW.sourceAccounts[0], organizationId: "o-bbbbbbbbbb", regions: ["us-east-1"] }], drAccount: { ...RAW.drAccount, protection: { airGappedVault } } });

  test("is off by default, and on creates one per copy region, kept, open to the accounts that back up", () => {
    // GIVEN AWS Backup on WHEN synthesized without, then with the switch
    expect(resourcesOf(synthDr(withBackup({})), "aws_backup_logically_air_gapped_vault")).toEqual([]);
    const json = synthDr(withBackup({ enabled: true, minRetentionDays: 14, maxRetentionDays: 90 }));
    // THEN each copy region has the vault with its retention range and prevent_destroy
    const vaults = resourcesOf(json, "aws_backup_logically_air_gapped_vault");
    expect(vaults.map((v) => [regionOf(v), v.name, v.min_retention_days, v.max_retention_days, v.lifecycle]).sort()).toEqual([
      ["us-east-1", "snapshot-dr-dr-air-gapped", 14, 90, { prevent_destroy: true }],
      ["us-west-2", "snapshot-dr-dr-air-gapped", 14, 90, { prevent_destroy: true }],
    ]);
    // AND its access policy lets the backing-up account of the organization copy in, and denies changes to all but the deploy role
    const policies = resourcesOf(json, "aws_backup_vault_policy").filter((p) => String(p.backup_vault_name).includes("aws_backup_logically_air_gapped_vault"));
    expect(policies).toHaveLength(2);
    expect(JSON.parse(policies[0].policy).Statement).toEqual([
      expect.objectContaining({
        Sid: "CopyIntoVaultFromAccounts",
        Action: "backup:CopyIntoBackupVault",
        Principal: "*",
        Condition: { StringEquals: { "aws:PrincipalAccount": ["111111111111"], "aws:PrincipalOrgID": "o-bbbbbbbbbb" } },
      }),
      expect.objectContaining({ Sid: "DenyVaultChangesExceptExemptRoles", Effect: "Deny" }),
    ]);
  });

  test("refuses a maximum retention under the minimum", () => {
    // GIVEN max 5 < min 7 WHEN parsed THEN the field and the rule are named
    expect(() => withBackup({ enabled: true, minRetentionDays: 7, maxRetentionDays: 5 })).toThrow(/drAccount\.protection\.airGappedVault\.maxRetentionDays: must be at least minRetentionDays \(7\)/);
  });
});

describe("what the configuration refuses", () => {
  test("AWS's ranges of the Recycle Bin and of the cooling-off period, and a cooling-off period in governance mode", () => {
    // GIVEN values outside AWS's ranges WHEN parsed THEN each is named with its rule, all at once
    const parse = () => withProtection({ recycleBin: { retentionDays: 366, unlockDelayDays: 6 }, snapshotLock: { coolOffHours: 24 } });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/drAccount\.protection\.recycleBin\.retentionDays: must be at most 365 \(the Recycle Bin retention period\)/);
    expect(parse).toThrow(/drAccount\.protection\.recycleBin\.unlockDelayDays: must be at least 7 \(the Recycle Bin unlock delay\)/);
    expect(parse).toThrow(/drAccount\.protection\.snapshotLock\.coolOffHours: a cooling-off period is for compliance mode only/);
    expect(() => withProtection({ snapshotLock: { mode: "compliance", coolOffHours: 73 } })).toThrow(/must be at most 72 \(the LockSnapshot cooling-off period\)/);
  });

  test("a copy retention too short for a lock that ends before DLM expires the copy", () => {
    // GIVEN copies kept 2 days and locks ending 1 day early WHEN the app is validated THEN the problem names both fields
    const config = parseConfig({ ...structuredClone(RAW), drAccount: { ...RAW.drAccount, copyRetention: { interval: 1, unit: "DAYS" } } });
    const problems = validationProblems(buildApp(config, { outdir: Testing.app().outdir }));
    expect(problems).toEqual([
      "[dr-222222222222/protection] drAccount.copyRetention (1 DAYS) must exceed drAccount.protection.snapshotLock.endBeforeExpiryDays (1) by at least a day: a snapshot lock lasts at least 1 day and must end before DLM expires the copy",
    ]);
  });

  test("the construct checks its ranges itself", () => {
    // GIVEN a rule with a 31-day unlock delay WHEN constructed THEN the range is named
    const stack = new DrAccountStack(Testing.app(), parseConfig(structuredClone(RAW)));
    expect(() => new LockedRecycleBinRule(stack, "bad", { provider: stack.homeProvider, description: "x", retentionDays: 14, unlockDelayDays: 31 })).toThrow(
      "Expected the Recycle Bin unlock delay to be a whole number of days from 7 to 30, got 31",
    );
  });
});
