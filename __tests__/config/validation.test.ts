import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, loadConfig, parseConfig } from "../../modules/config/load-config";
import type { RawConfig } from "../../modules/config/schema";
import { Mutable, problemsOf as problemsOfConfig } from "./support/problems";

/** A minimal valid configuration; each test breaks one thing in a copy of it. */
function validConfig(): RawConfig {
  return {
    organizations: [
      { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
      { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
    ],
    drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
    sourceAccounts: [
      { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
      { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["eu-west-1"] },
    ],
  };
}


/** Turns AWS Backup on, with the DR account in the sources' organization (AWS Backup copies within one). */
function withBackup(config: Mutable, backup: Record<string, unknown>): void {
  config.drAccount.organizationId = "o-aaaaaaaaaa";
  config.backup = { enabled: true, ...backup };
}

/** The problems reported for a configuration, as `path: message` lines. */
const problemsOf = (mutate: (config: Mutable) => void) => problemsOfConfig(validConfig(), mutate);

describe("configuration validation", () => {
  test("a valid configuration gets every default", () => {
    // GIVEN a minimal configuration
    // WHEN it is parsed
    const config = parseConfig(validConfig());
    // THEN the defaults of the contract are filled in
    expect(config.namePrefix).toBe("snapshot-dr");
    expect(config.partition).toBe("aws");
    expect(config.deployRoleName).toBe("OrganizationAccountAccessRole");
    expect(config.backend).toEqual({ type: "local" });
    expect(config.ebs.mode).toBe("reencrypt");
    expect(config.drAccount.copyRetention).toEqual({ interval: 30, unit: "DAYS" });
    expect(config.drAccount.kmsB.lockDown).toBe(false);
    expect(config.backup.enabled).toBe(false);
    expect(config.rds.enabled).toBe(false);
  });

  test("the example configuration is valid", () => {
    // GIVEN the embedded example WHEN it is loaded THEN it parses, with two source accounts
    expect(loadConfig("config/example.yaml").sourceAccounts).toHaveLength(2);
  });

  // Each row: what is broken, and the exact line reported for it.
  test.each<[string, (config: Mutable) => void, string]>([
    ["an account ID that is not 12 digits", (c) => (c.sourceAccounts[1].id = "12345"), "sourceAccounts[1].id: expected 12 digits"],
    ["an unquoted account ID (a YAML number)", (c) => (c.drAccount.id = 222222222222), "drAccount.id: expected 12 digits (quote it in YAML)"],
    [
      "a malformed organization ID",
      (c) => (c.organizations[0].id = "o-ABC"),
      "organizations[0].id: expected an organization ID: 'o-' followed by 10 to 32 lowercase letters or digits",
    ],
    ["an unknown region", (c) => (c.sourceAccounts[0].regions = ["us-east-9"]), "sourceAccounts[0].regions[0]: unknown region 'us-east-9'"],
    ["no copy region", (c) => (c.drAccount.copyRegions = []), "drAccount.copyRegions: at least one copy region is required"],
    [
      "four copy regions",
      (c) => (c.drAccount.copyRegions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]),
      "drAccount.copyRegions: The policy can copy snapshots to up to three Regions",
    ],
    ["a source account without regions", (c) => (c.sourceAccounts[0].regions = []), "sourceAccounts[0].regions: at least one region is required"],
    ["no organizations", (c) => (c.organizations = []), "organizations: at least one organization is required"],
    ["no source accounts", (c) => (c.sourceAccounts = []), "sourceAccounts: at least one source account is required"],
    ["a missing DR account", (c) => delete c.drAccount, "drAccount: is required"],
    ["a missing field", (c) => delete c.sourceAccounts[0].organizationId, "sourceAccounts[0].organizationId: is required"],
    ["an unknown field", (c) => (c.drAccount.copyRegion = "us-east-1"), "drAccount: Unrecognized key(s) in object: 'copyRegion'"],
    [
      "a name prefix with capitals",
      (c) => (c.namePrefix = "SnapshotDR"),
      "namePrefix: expected 2 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
    ],
    ["a name prefix with a double hyphen", (c) => (c.namePrefix = "snap--dr"), "namePrefix: must not contain '--'"],
    ["a name prefix reserved by AWS", (c) => (c.namePrefix = "aws-dr"), "namePrefix: must not start with 'aws' (reserved by AWS for aliases and tags)"],
    [
      "an invalid deploy role name",
      (c) => (c.deployRoleName = "role with spaces"),
      "deployRoleName: expected an IAM role name: 1 to 64 letters, digits or '+=,.@_-'",
    ],
    ["an unknown partition", (c) => (c.partition = "aws-iso"), "partition: Invalid enum value. Expected 'aws' | 'aws-us-gov' | 'aws-cn', received 'aws-iso'"],
    ["a tag key reserved by AWS", (c) => (c.tags = { "aws:owner": "x" }), "tags.aws:owner: tag keys must not start with 'aws:' (reserved by AWS)"],
    ["a tag value over 256 characters", (c) => (c.tags = { Owner: "x".repeat(257) }), "tags.Owner: tag values are at most 256 characters"],
    [
      "an invalid source account name",
      (c) => (c.sourceAccounts[0].name = "payments/prod"),
      "sourceAccounts[0].name: expected 1 to 64 letters, digits, spaces or '._-'",
    ],
    ["a fractional copy retention", (c) => (c.drAccount.copyRetention = { interval: 1.5, unit: "DAYS" }), "drAccount.copyRetention.interval: must be a whole number"],
    ["a zero copy retention", (c) => (c.drAccount.copyRetention = { interval: 0, unit: "DAYS" }), "drAccount.copyRetention.interval: must be at least 1"],
    [
      "an unsupported snapshot interval",
      (c) => (c.ebs = { schedule: { intervalHours: 5 } }),
      "ebs.schedule.intervalHours: expected one of 1, 2, 3, 4, 6, 8, 12, 24 (the intervals Amazon Data Lifecycle Manager supports)",
    ],
    ["a malformed start time", (c) => (c.ebs = { schedule: { intervalHours: 24, time: "3am" } }), "ebs.schedule.time: expected a UTC time as hh:mm"],
    [
      "a malformed cron expression",
      (c) => (c.ebs = { schedule: { cronExpression: "0 3 * * *" } }),
      "ebs.schedule.cronExpression: expected cron(...) as Amazon Data Lifecycle Manager accepts it",
    ],
    [
      "both an interval and a cron expression",
      (c) => (c.ebs = { schedule: { intervalHours: 24, cronExpression: "cron(0 3 ? * * *)" } }),
      "ebs.schedule: set either cronExpression or intervalHours/time, not both",
    ],
    ["neither an interval nor a cron expression", (c) => (c.ebs = { schedule: {} }), "ebs.schedule: set intervalHours (with an optional time) or cronExpression"],
    ["no target tags", (c) => (c.ebs = { targetTags: {} }), "ebs.targetTags: at least one tag is required"],
    ["a retain count of 0", (c) => (c.ebs = { retainCount: 0 }), "ebs.retainCount: must be at least 1"],
    [
      "a retain count over 1000",
      (c) => (c.ebs = { retainCount: 1001 }),
      "ebs.retainCount: must be at most 1000 (the retain count Amazon Data Lifecycle Manager allows)",
    ],
    ["a transit retention over a year and a day", (c) => (c.ebs = { transitCopyRetentionHours: 8809 }), "ebs.transitCopyRetentionHours: must be at most 8808 (a year, the longest DLM schedule interval, plus the 24 h copy margin)"],
    ["an unknown backend type", (c) => (c.backend = { type: "gcs" }), "backend.type: expected type: local, s3 or cloud"],
    ["an invalid S3 bucket", (c) => (c.backend = { type: "s3", bucket: "My_Bucket", region: "us-east-1" }), "backend.bucket: expected an S3 bucket name"],
    [
      "an S3 key prefix ending in a slash",
      (c) => (c.backend = { type: "s3", bucket: "tf-state", region: "us-east-1", keyPrefix: "dr/" }),
      "backend.keyPrefix: must not start or end with '/'",
    ],
    [
      "an invalid backend role ARN",
      (c) => (c.backend = { type: "s3", bucket: "tf-state", region: "us-east-1", roleArn: "arn:aws:iam::1:role/x" }),
      "backend.roleArn: expected an IAM role ARN",
    ],
    [
      "an invalid Terraform Cloud organization",
      (c) => (c.backend = { type: "cloud", organization: "my org" }),
      "backend.organization: expected a Terraform Cloud organization name",
    ],
    ["a duplicate organization", (c) => c.organizations.push({ ...c.organizations[0] }), "organizations[2].id: duplicate organization 'o-aaaaaaaaaa'"],
    [
      "a DR account in an unknown organization",
      (c) => (c.drAccount.organizationId = "o-cccccccccc"),
      "drAccount.organizationId: unknown organization 'o-cccccccccc' (not listed in organizations)",
    ],
    [
      "a source account in an unknown organization",
      (c) => (c.sourceAccounts[1].organizationId = "o-cccccccccc"),
      "sourceAccounts[1].organizationId: unknown organization 'o-cccccccccc' (not listed in organizations)",
    ],
    ["a duplicate source account", (c) => (c.sourceAccounts[1].id = "111111111111"), "sourceAccounts[1].id: duplicate of sourceAccounts[0].id (111111111111)"],
    ["the DR account as a source", (c) => (c.sourceAccounts[1].id = "222222222222"), "sourceAccounts[1].id: the DR account cannot also be a source account"],
    ["a duplicate region", (c) => (c.sourceAccounts[0].regions = ["us-east-1", "us-east-1"]), "sourceAccounts[0].regions[1]: duplicate region 'us-east-1'"],
    ["a duplicate copy region", (c) => (c.drAccount.copyRegions = ["us-east-1", "us-east-1"]), "drAccount.copyRegions[1]: duplicate region 'us-east-1'"],
    ["a region of another partition", (c) => (c.sourceAccounts[0].regions = ["cn-north-1"]), "sourceAccounts[0].regions[0]: region 'cn-north-1' is not in partition 'aws'"],
    [
      "an S3 backend region of another partition",
      (c) => (c.backend = { type: "s3", bucket: "tf-state", region: "us-gov-west-1" }),
      "backend.region: region 'us-gov-west-1' is not in partition 'aws'",
    ],
    [
      "share mode for volumes on the default aws/ebs key",
      (c) => (c.ebs = { mode: "share", volumesUseDefaultKey: true }),
      "ebs.mode: Snapshots encrypted with the AWS Managed CMK can't be shared (ebs.volumesUseDefaultKey is true); use mode 'reencrypt', which copies them under the DR account's KMS-B",
    ],
    [
      "share mode for one account on the default key",
      (c) => (c.sourceAccounts[1].ebs = { mode: "share", volumesUseDefaultKey: true }),
      "sourceAccounts[1].ebs.mode: Snapshots encrypted with the AWS Managed CMK can't be shared (account 333333333333 uses the default aws/ebs key); use mode 'reencrypt', which copies them under the DR account's KMS-B",
    ],
    [
      "a malformed existing key ARN",
      (c) => (c.sourceAccounts[0].ebs = { mode: "share", kmsKeyArns: { "us-east-1": "alias/ebs" } }),
      "sourceAccounts[0].ebs.kmsKeyArns.us-east-1: expected a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)",
    ],
    [
      "an existing key of another account",
      (c) => (c.sourceAccounts[0].ebs = { mode: "share", kmsKeyArns: { "us-east-1": "arn:aws:kms:us-east-1:999999999999:key/abc" } }),
      "sourceAccounts[0].ebs.kmsKeyArns.us-east-1: expected a key of account 111111111111 in us-east-1 (partition aws), got 'arn:aws:kms:us-east-1:999999999999:key/abc'",
    ],
    [
      "an existing key for a region the account does not use",
      (c) => (c.sourceAccounts[0].ebs = { mode: "share", kmsKeyArns: { "eu-west-1": "arn:aws:kms:eu-west-1:111111111111:key/abc" } }),
      "sourceAccounts[0].ebs.kmsKeyArns.eu-west-1: region 'eu-west-1' is not one of this account's regions",
    ],
    [
      "an existing key in reencrypt mode",
      (c) => (c.sourceAccounts[0].ebs = { kmsKeyArns: { "us-east-1": "arn:aws:kms:us-east-1:111111111111:key/abc" } }),
      "sourceAccounts[0].ebs.kmsKeyArns.us-east-1: existing keys are used only in mode 'share'",
    ],
    ["a zero unshare interval", (c) => (c.ebs = { mode: "share", unshareAfter: { interval: 0, unit: "DAYS" } }), "ebs.unshareAfter.interval: must be at least 1"],
    [
      "AWS Backup for a source account of another organization",
      (c) => {
        withBackup(c, {});
        c.sourceAccounts[1].organizationId = "o-bbbbbbbbbb";
      },
      "sourceAccounts[1].organizationId: Copy job failed. Both source and destination account must be a member of the same organization. (AWS Backup copies within one organization: 333333333333 is in o-bbbbbbbbbb, the DR account in o-aaaaaaaaaa; set sourceAccounts[1].backup.enabled: false)",
    ],
    [
      "the default backup vault as the DR vault",
      (c) => (c.backup = { drVaultName: "Default" }),
      "backup.drVaultName: The destination vault cannot be the default vault",
    ],
    [
      "a backup vault name with a space",
      (c) => (c.backup = { sourceVaultName: "my vault" }),
      "backup.sourceVaultName: expected a backup vault name: 2 to 50 letters, digits, '-' or '_'",
    ],
    [
      "deletion less than 90 days after cold storage",
      (c) => withBackup(c, { rules: [{ name: "r", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 100, coldStorageAfterDays: 30 } }] }),
      "backup.rules[0].lifecycle.deleteAfterDays: must be at least coldStorageAfterDays + 90 (120): Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days",
    ],
    [
      "a cold tier on the cross-account copy",
      (c) =>
        withBackup(c, {
          rules: [{ name: "r", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 200 }, drCopyLifecycle: { deleteAfterDays: 200, coldStorageAfterDays: 30 } }],
        }),
      "backup.rules[0].drCopyLifecycle.coldStorageAfterDays: cross-account copies cannot be transitioned to cold storage by the copy rule",
    ],
    ["a vault lock retention over 100 years", (c) => (c.backup = { vaultLock: { minRetentionDays: 36501 } }), "backup.vaultLock.minRetentionDays: must be at most 36500"],
    ["a vault lock changeable for less than 3 days", (c) => (c.backup = { vaultLock: { changeableForDays: 2 } }), "backup.vaultLock.changeableForDays: must be at least 3"],
    [
      "a vault lock whose maximum is below its minimum",
      (c) => withBackup(c, { vaultLock: { minRetentionDays: 30, maxRetentionDays: 7 } }),
      "backup.vaultLock.maxRetentionDays: must be at least minRetentionDays (30)",
    ],
    ["a backup plan without rules", (c) => (c.backup = { rules: [] }), "backup.rules: A backup plan must have at least 1 rule"],
    [
      "an invalid backup rule name",
      (c) => (c.backup = { rules: [{ name: "daily backup", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 7 } }] }),
      "backup.rules[0].name: expected a rule name: 1 to 50 letters, digits, '-', '_' or '.'",
    ],
    [
      "a start window under an hour",
      (c) => (c.backup = { rules: [{ name: "r", schedule: "cron(0 5 ? * * *)", startWindowMinutes: 30, lifecycle: { deleteAfterDays: 7 } }] }),
      "backup.rules[0].startWindowMinutes: must be at least 60",
    ],
    [
      "RDS copied cross-Region and cross-account in one plan",
      (c) => withBackup(c, { selection: { resourceTypes: ["RDS"] } }),
      "sourceAccounts[1].regions[0]: Amazon RDS and Aurora support cross-Region backup, or cross-account backup, but not both in the same backup plan (eu-west-1 has no DR vault, so its copies to us-east-1 would be both)",
    ],
    [
      "DynamoDB copied cross-Region",
      (c) => withBackup(c, { selection: { resourceTypes: ["DynamoDB"] } }),
      "sourceAccounts[1].regions[0]: DynamoDB does not support cross-Region backup (eu-west-1 has no DR vault; copies would go to us-east-1)",
    ],
    [
      "a copy to a region an account does not use",
      (c) => withBackup(c, { rules: [{ name: "r", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 7 }, copyToRegion: { region: "eu-west-1" } }] }),
      "backup.rules[0].copyToRegion.region: the copy goes to the account's own vault in eu-west-1, which only accounts with that region have (not 111111111111)",
    ],
    [
      "an OU path outside the DR account's organization",
      (c) => withBackup(c, { copySources: { type: "organizationalUnits", orgPaths: ["o-cccccccccc/r-abcd/ou-abcd-12345678/"] } }),
      "backup.copySources.orgPaths[0]: every OU path must be in the DR account's organization o-aaaaaaaaaa",
    ],
    [
      "the default aws/rds key for RDS copies",
      (c) => (c.rds = { enabled: true, kmsKeyAlias: "alias/aws/rds" }),
      "rds.kmsKeyAlias: alias/aws/ names an AWS managed key: You can't share a snapshot that's encrypted with the default AWS KMS key; leave it unset so that a customer managed key is created",
    ],
    [
      "RDS transit copies kept as long as the DR copies",
      (c) => (c.rds = { enabled: true, transitCopyRetentionHours: 48, retentionDays: 2 }),
      "rds.transitCopyRetentionHours: must be less than rds.retentionDays × 24 (48): a transit copy still shared after the DR copy expired would be imported again",
    ],
    [
      "RDS copies to a second region with custom option groups",
      (c) => (c.rds = { enabled: true, copyToSecondaryRegion: true, usesCustomOptionGroups: true }),
      "rds.copyToSecondaryRegion: copying Amazon RDS custom option groups across AWS Regions is not supported",
    ],
    [
      "RDS databases with permanent or persistent options",
      (c) => (c.rds = { enabled: true, usesPermanentOrPersistentOptions: true }),
      "rds.usesPermanentOrPersistentOptions: You can't share a DB snapshot that uses an option group with permanent or persistent options (nor Oracle or SQL Server snapshots encrypted with TDE): the RDS flow cannot carry these databases",
    ],
    ["an RDS retention over 100 years", (c) => (c.rds = { enabled: true, retentionDays: 36501 }), "rds.retentionDays: must be at most 36500"],
  ])("rejects %s", (_what, mutate, expected) => {
    // GIVEN a configuration with one problem
    // WHEN it is validated
    const problems = problemsOf(mutate);
    // THEN exactly that problem is reported, with its path
    expect(problems).toEqual([expected]);
  });

  test("every problem is reported at once", () => {
    // GIVEN a configuration with three independent problems
    // WHEN it is validated
    const problems = problemsOf((c) => {
      c.sourceAccounts[0].id = "1";
      c.sourceAccounts[1].regions = ["mars-1"];
      c.drAccount.copyRegions = [];
    });
    // THEN all three are listed
    expect(problems).toEqual([
      "drAccount.copyRegions: at least one copy region is required",
      "sourceAccounts[0].id: expected 12 digits",
      "sourceAccounts[1].regions[0]: unknown region 'mars-1'",
    ]);
  });

  test("every cross-field problem is reported at once", () => {
    // GIVEN two cross-field problems
    const problems = problemsOf((c) => {
      c.sourceAccounts[0].id = "222222222222";
      c.sourceAccounts[1].organizationId = "o-zzzzzzzzzz";
    });
    // THEN both are listed
    expect(problems).toEqual([
      "sourceAccounts[0].id: the DR account cannot also be a source account",
      "sourceAccounts[1].organizationId: unknown organization 'o-zzzzzzzzzz' (not listed in organizations)",
    ]);
  });
});

describe("configuration files", () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-config-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  test("a missing file is an error that names the file", () => {
    // GIVEN a path where no file is
    const file = path.join(directory, "missing.yaml");
    // WHEN it is loaded THEN the error names the file
    expect(() => loadConfig(file)).toThrow(`Invalid configuration in ${file}:\n  - cannot read the configuration: file not found`);
  });

  test("a YAML syntax error names the file and the line", () => {
    // GIVEN a file whose second line is not valid YAML
    const file = path.join(directory, "broken.yaml");
    fs.writeFileSync(file, "namePrefix: dr\npartition: aws: cn\n");
    // WHEN it is loaded THEN the error names the file and line 2
    expect(() => loadConfig(file)).toThrow(new RegExp(`Invalid configuration in ${file}:\\n  - line 2, column \\d+: YAML error: `));
  });

  test("a duplicate key is a YAML error", () => {
    // GIVEN a file with namePrefix twice
    const file = path.join(directory, "duplicate.yaml");
    fs.writeFileSync(file, "namePrefix: a1\nnamePrefix: b2\n");
    // WHEN it is loaded THEN the duplicate is reported on line 2
    expect(() => loadConfig(file)).toThrow(/line 2, column 1: YAML error: Map keys must be unique/);
  });

  test("validation problems in a file name the file", () => {
    // GIVEN a parsable file with an invalid account
    const file = path.join(directory, "invalid.json");
    const config = structuredClone(validConfig()) as Mutable;
    config.drAccount.id = "abc";
    fs.writeFileSync(file, JSON.stringify(config));
    // WHEN it is loaded THEN the message names the file and the field
    expect(() => loadConfig(file)).toThrow(`Invalid configuration in ${file}:\n  - drAccount.id: expected 12 digits`);
  });

  const load = (text: string) => {
    const file = path.join(directory, "estate.yaml");
    fs.writeFileSync(file, text);
    try {
      loadConfig(file);
    } catch (error) {
      if (error instanceof ConfigError) return error.message.replace(file, "<file>");
      throw error;
    }
    return "accepted";
  };

  test.each<[string, string, string]>([
    ["an empty file", "", "Invalid configuration in <file>:\n  - the configuration is empty: expected a mapping of configuration fields"],
    ["a comment only", "# nothing yet\n", "Invalid configuration in <file>:\n  - the configuration is empty: expected a mapping of configuration fields"],
    ["a list at the top level", "- a\n- b\n", "Invalid configuration in <file>:\n  - expected a mapping of configuration fields at the top level, got a list"],
    ["a scalar at the top level", "hello\n", "Invalid configuration in <file>:\n  - expected a mapping of configuration fields at the top level, got a string"],
    [
      "an alias bomb",
      `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `b${i}: &b${i} [${Array(10).fill(i === 0 ? "*a" : `*b${i - 1}`).join(", ")}]`).join("\n")}\n`,
      "Invalid configuration in <file>:\n  - YAML error: aliases expand more than 100 times (a resource exhaustion attack, or an alias used far too often)",
    ],
    [
      "flow collections nested 10,000 deep",
      `namePrefix: dr\ndeep: ${"[".repeat(10000)}${"]".repeat(10000)}\n`,
      "Invalid configuration in <file>:\n  - line 2: YAML error: collections nested more than 64 levels deep; no configuration field is",
    ],
    [
      "a __proto__ tag key (which parsers drop)",
      "backup:\n  selection:\n    tags:\n      __proto__: x\n",
      "backup.selection.tags.__proto__: the key '__proto__' is not allowed (JavaScript reserves it; it would be dropped or misread)",
    ],
  ])("%s is one clean line", (_, text, expected) => {
    // GIVEN such a file WHEN it is loaded THEN the error is one line naming the file (and the line where there is one)
    expect(load(text)).toContain(expected);
  });

  test("a directory instead of a file", () => {
    // GIVEN a directory WHEN it is loaded THEN the error says so
    expect(() => loadConfig(directory)).toThrow(`Invalid configuration in ${directory}:\n  - cannot read the configuration: it is a directory, expected a YAML file`);
  });
});
