import * as os from "os";
import * as path from "path";
import { parseConfig } from "../../modules/config/load-config";
import { configWarnings } from "../../modules/config/review-warnings";
import type { RawConfig } from "../../modules/config/schema";
import { generateConfig } from "../../scripts/generate-config";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { validationProblems } from "../../stacks/synthesize";
import { Mutable, problemsOf as problemsOfConfig } from "./support/problems";


/** Two source accounts in the DR account's organization, AWS Backup off. */
function validConfig(): Mutable {
  return structuredClone({
    organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999" }],
    drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1"] },
    sourceAccounts: [
      { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
      { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["eu-west-1"] },
    ],
  } satisfies RawConfig);
}

const daily = (more: Mutable = {}) => ({ name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 }, ...more });

const problemsOf = (mutate: (config: Mutable) => void) => problemsOfConfig(validConfig(), mutate);

describe("AWS's bounds and formats", () => {
  test.each<[string, (config: Mutable) => void, string]>([
    [
      "a DR copy retention over 100 years",
      (c) => (c.drAccount.copyRetention = { interval: 101, unit: "YEARS" }),
      "drAccount.copyRetention.interval: must be at most 100 YEARS (The maximum is 100 years. This is equivalent to 1200 months, 5200 weeks, or 36500 days.)",
    ],
    ["a DR copy retention over 36500 days", (c) => (c.drAccount.copyRetention = { interval: 36501, unit: "DAYS" }), "drAccount.copyRetention.interval: must be at most 36500"],
    [
      "an unshare interval over 100 years",
      (c) => (c.ebs = { mode: "share", unshareAfter: { interval: 1201, unit: "MONTHS" } }),
      "ebs.unshareAfter.interval: must be at most 1200 MONTHS (The maximum is 100 years. This is equivalent to 1200 months, 5200 weeks, or 36500 days.)",
    ],
    ["a DLM cron expression that is not one", (c) => (c.ebs = { schedule: { cronExpression: "cron(garbage)" } }), "ebs.schedule.cronExpression: expected cron(...) as Amazon Data Lifecycle Manager accepts it"],
    [
      "a DLM cron expression with a bad field",
      (c) => (c.ebs = { schedule: { cronExpression: "cron(0 25 ? * * *)" } }),
      "ebs.schedule.cronExpression: the hours field '25' is not valid (0-23)",
    ],
    [
      "a DLM cron expression every 5 minutes",
      (c) => (c.ebs = { schedule: { cronExpression: "cron(0/5 * ? * * *)" } }),
      "ebs.schedule.cronExpression: The schedule interval must be between 1 hour and 1 year: the minutes field must select a single minute",
    ],
    [
      "a DLM cron expression with both days",
      (c) => (c.ebs = { schedule: { cronExpression: "cron(0 3 1 * MON *)" } }),
      "ebs.schedule.cronExpression: set one of day-of-month and day-of-week to '?' (they cannot both be specified, nor both be '?')",
    ],
    [
      "a five-field AWS Backup cron expression",
      (c) => (c.backup = { rules: [daily({ schedule: "cron(0 5 * * ?)" })] }),
      "backup.rules[0].schedule: expected six fields, cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), got 5",
    ],
    [
      "an AWS Backup cron expression every 30 minutes",
      (c) => (c.backup = { rules: [daily({ schedule: "cron(0,30 * ? * * *)" })] }),
      "backup.rules[0].schedule: The interval between backup jobs shouldn't be less than 60 minutes: the minutes field must select a single minute",
    ],
    [
      "a start window over 100 years",
      (c) => (c.backup = { rules: [daily({ startWindowMinutes: 52_560_001 })] }),
      "backup.rules[0].startWindowMinutes: must be at most 52560000 (100 years, AWS Backup's maximum)",
    ],
    [
      "a start window whose default completion window is over 100 years",
      (c) => (c.backup = { enabled: true, rules: [daily({ startWindowMinutes: 52_560_000 })] }),
      "backup.rules[0].startWindowMinutes: must be at most 52559880 without completionWindowMinutes: the default completion window (start + 120) would exceed AWS Backup's maximum of 52560000 minutes (100 years)",
    ],
    [
      "a DR copy retention outside the vault lock",
      (c) => (c.backup = { enabled: true, vaultLock: { minRetentionDays: 60 }, rules: [daily()] }),
      "backup.rules[0].lifecycle.deleteAfterDays: the copy into the DR vault is kept 35 days, outside backup.vaultLock's 60 to unlimited days: the vault fails a copy job whose retention period is outside its minimum and maximum retention periods",
    ],
    [
      "a duplicated copy guardrail target",
      (c) => (c.backup = { enabled: true, guardrails: { copyGuardrailTargets: ["111111111111", "111111111111"] } }),
      "backup.guardrails.copyGuardrailTargets[1]: duplicate of copyGuardrailTargets[0] ('111111111111'): a policy is attached to a target once",
    ],
    [
      "an AWS managed key other than aws/rds",
      (c) => (c.rds = { enabled: true, kmsKeyAlias: "alias/aws/ebs" }),
      "rds.kmsKeyAlias: alias/aws/ names an AWS managed key: You can't share a snapshot that's encrypted with the default AWS KMS key; leave it unset so that a customer managed key is created",
    ],
    [
      "an RDS key alias another key of the project has",
      (c) => (c.rds = { enabled: true, kmsKeyAlias: "alias/snapshot-dr/kms-a" }),
      "rds.kmsKeyAlias: 'alias/snapshot-dr/kms-a' is the alias of another key this project creates in the source accounts (alias/snapshot-dr/kms-a, alias/snapshot-dr/backup-source); an alias is unique in an account and region",
    ],
    [
      "49 tags (51 with the project's own)",
      (c) => (c.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, "v"]))),
      "tags: has 49 tags, at most 48: every resource also carries ManagedBy and SnapshotDrStack, and AWS allows a maximum of 50 tags per resource",
    ],
    [
      "a user tag that overrides the project's",
      (c) => (c.tags = { managedBy: "me" }),
      "tags.managedBy: 'ManagedBy' is a tag this project sets on every resource (ManagedBy, SnapshotDrStack); choose another key",
    ],
    [
      "a tag key outside AWS's character set",
      (c) => (c.tags = { "cost#center": "x" }),
      "tags.cost#center: tag keys may contain only Unicode letters, digits, spaces and _.:/=+-@ (AWS tag character set), and not be __proto__, constructor or prototype",
    ],
    ["a tag value outside AWS's character set", (c) => (c.ebs = { targetTags: { dr: "yes!" } }), "ebs.targetTags.dr: tag values may contain only Unicode letters, digits, spaces and _.:/=+-@ (AWS tag character set)"],
    [
      "an empty backup selection tag set",
      (c) => (c.backup = { selection: { tags: {} } }),
      "backup.selection.tags: at least one tag is required (without one, every resource of the types is backed up)",
    ],
    [
      "a constructor key in the selection tags",
      (c) => (c.backup = { selection: { tags: { constructor: "x" } } }),
      "backup.selection.tags.constructor: the key 'constructor' is not allowed (JavaScript reserves it; it would be dropped or misread)",
    ],
  ])("rejects %s", (_, mutate, expected) => {
    // GIVEN a configuration with one value past AWS's bound WHEN it is validated THEN exactly that is reported
    expect(problemsOf(mutate)).toEqual([expected]);
  });

  test("accepts the limits themselves, and the stacks build without a constructor throwing", () => {
    // GIVEN every bound at its largest legal value
    const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }) as Mutable;
    raw.tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`Tag ${i} ünïcode:/=+-@`, "välue _.:/=+-@"]));
    raw.drAccount.copyRetention = { interval: 100, unit: "YEARS" };
    raw.ebs = { unshareAfter: { interval: 5200, unit: "WEEKS" }, schedule: { cronExpression: "cron(15 3 LW * ? *)" }, transitCopyRetentionHours: 8808 };
    raw.backup.rules = [
      daily({ schedule: "cron(0 5 ? * 6#3 *)", startWindowMinutes: 52_559_880 }),
      { name: "weekly", schedule: "cron(0 6 ? JAN-DEC SUN 2026-2199)", startWindowMinutes: 60, completionWindowMinutes: 52_560_000, lifecycle: { deleteAfterDays: 36500 } },
    ];
    raw.backup.guardrails = { copyGuardrailTargets: ["100000000001", "100000000002"] };
    // WHEN it is validated and its stacks are built
    const config = parseConfig(raw);
    // THEN nothing throws and no construct validation fails
    expect(validationProblems(buildApp(config, { outdir: path.join(os.tmpdir(), "snapshot-dr-unused") }))).toEqual([]);
  });

  test("a copy guardrail SCP over 5,120 characters is reported on the field that grows it", () => {
    // GIVEN AWS Backup with 80 additional allowed vaults (what grows the SCP: it no longer grows with the accounts)
    const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, sameOrganization: true, backup: true }) as Mutable;
    raw.backup.guardrails = {
      additionalAllowedVaultArns: Array.from({ length: 80 }, (_, i) => `arn:aws:backup:us-east-1:${300000000000 + i}:backup-vault:partner-vault-${i}`),
    };
    // WHEN it is validated THEN the SCP's size is reported, before any stack is built
    expect(() => parseConfig(raw)).toThrow(
      /backup\.guardrails\.restrictCopyTargets: the copy guardrail SCP would be \d+ characters of minified JSON, over Organizations' limit of 5120: You attempted to create a policy that is larger than the maximum size\. It lists 82 vault ARNs/,
    );
  });

  test("schema problems do not hide the rules that can still run", () => {
    // GIVEN a bad retain count and a duplicated source account
    const problems = problemsOf((c) => {
      c.ebs = { retainCount: 0 };
      c.sourceAccounts[1].id = "111111111111";
      c.rds = { enabled: true, retentionDays: "35", transitCopyRetentionHours: 1000 };
    });
    // THEN every one is reported (schema problems section by section, then the rules), and the RDS rule on
    // transitCopyRetentionHours × retentionDays, whose fields were left out, invents nothing
    expect(problems).toEqual([
      "ebs.retainCount: must be at least 1",
      "rds.transitCopyRetentionHours: must be at most 720 (30 days)",
      "rds.retentionDays: Expected number, received string",
      "sourceAccounts[1].id: duplicate of sourceAccounts[0].id (111111111111)",
    ]);
  });
});

describe("review warnings", () => {
  test("the DR account and a source account that are management accounts are flagged, with their paths", () => {
    // GIVEN the DR account as its organization's management account, and a source account as another's
    const config = parseConfig({
      ...validConfig(),
      organizations: [
        { id: "o-aaaaaaaaaa", managementAccountId: "111111111111" },
        { id: "o-bbbbbbbbbb", managementAccountId: "222222222222" },
      ],
      drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
    });
    // WHEN the warnings are computed THEN both are named by their path
    expect(configWarnings(config).map((warning) => `${warning.path}: ${warning.message}`)).toEqual([
      "drAccount.id: the DR account 222222222222 is the management account of o-bbbbbbbbbb: SCPs don't affect users or roles in the management account, so no guardrail of this project (or of the organization) constrains it; use a member account as the DR account",
      "sourceAccounts[0].id: source account 111111111111 is the management account of o-aaaaaaaaaa: SCPs don't affect users or roles in the management account; protect workloads in member accounts",
    ]);
  });

  test("a configuration without such accounts has no warnings", () => {
    expect(configWarnings(parseConfig(validConfig()))).toEqual([]);
  });

  test("more than 100 accounts listed one by one in the DR vaults' access policy is a warning; OU paths are not", () => {
    // GIVEN AWS Backup in 101 accounts, the copy sources left at {type: accounts}, and the same with an OU path
    const listed = parseConfig(generateConfig({ sourceAccounts: 101, regionsPerAccount: 1, sameOrganization: true, backup: true }));
    const byOu = parseConfig(generateConfig({ sourceAccounts: 101, regionsPerAccount: 1, sameOrganization: true, backup: true, backupCopySources: "organizationalUnits" }));
    // WHEN the warnings are computed
    // THEN the first names the field, the count and the alternative; the second has none
    expect(configWarnings(listed).map((warning) => `${warning.path}: ${warning.message}`)).toEqual([
      "backup.copySources: {type: accounts} lists 101 accounts in the access policy of every DR vault, which grows with each account (AWS Backup documents no size limit for it); with more than 100 accounts use {type: organizationalUnits, orgPaths: [...]}, whose size does not depend on the number of accounts",
    ]);
    expect(configWarnings(byOu)).toEqual([]);
    // AND 100 accounts are not warned about
    expect(configWarnings(parseConfig(generateConfig({ sourceAccounts: 100, regionsPerAccount: 1, sameOrganization: true, backup: true })))).toEqual([]);
  });
});
