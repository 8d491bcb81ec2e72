import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from "@aws-sdk/client-backup";
import { DLMClient } from "@aws-sdk/client-dlm";
import { mockClient } from "aws-sdk-client-mock";
import { readSettings, type Settings } from "../../modules/dr-account/freshness-check/handler";
import { A, B, DR, drCopyPolicy, DR_POLICY_FILTER, freshnessHandler, hoursAgo, NOW, policiesByRegion } from "./support/freshness-check";

const EVENT = { "detail-type": "Scheduled Event", source: "aws.events", region: "us-east-1" };

const settings = (overrides: Partial<Settings> = {}): Settings => ({
  drAccountId: DR,
  expected: [
    { account: A, region: "us-east-1", flow: "ebs" },
    { account: B, region: "eu-west-1", flow: "ebs" },
    { account: A, region: "us-east-1", flow: "rds" },
    { account: B, region: "us-east-1", flow: "backup" },
  ],
  rpoHours: { ebs: 36, rds: 36, backup: 44 },
  dlmPolicyFilter: DR_POLICY_FILTER,
  backupVaultName: "snapshot-dr-dr",
  rdsImport: { tagKey: "snapshot-dr:rds-dr-copy", tagValue: "true", prefix: "snapshot-dr-import-" },
  metricNamespace: "snapshot-dr/DR",
  metricName: "StaleSources",
  ...overrides,
});

describe("freshness check handler", () => {
  const ec2 = mockClient(EC2Client);
  const rds = mockClient(RDSClient);
  const backup = mockClient(BackupClient);
  const dlm = mockClient(DLMClient);
  let logs: Record<string, unknown>[];

  beforeEach(() => {
    ec2.reset();
    rds.reset();
    backup.reset();
    dlm.reset();
    logs = [];
    // GIVEN (every test) the DR copy event policy of each source region, found by the handler in that region
    policiesByRegion(dlm, { "us-east-1": [drCopyPolicy("policy-0aaa")], "eu-west-1": [drCopyPolicy("policy-0bbb")] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  });

  const handler = (s: Settings = settings()) => freshnessHandler(s, logs);

  test("every source fresh: no stale line, the summary publishes StaleSources = 0 in Embedded Metric Format", async () => {
    // GIVEN DLM copies of A (us-east-1, named in the description) and B (eu-west-1, by the shared snapshot it names),
    // an RDS import copy of A, and a recovery point copied from B's vault, all recent
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({
      Snapshots: [
        { SnapshotId: "snap-1", StartTime: hoursAgo(3), Description: `snapshot-dr DR transit copy of snap-0123456789abcdef0 from ${A}`, Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0aaa" }] },
        { SnapshotId: "snap-2", StartTime: hoursAgo(5), Description: "[Copied snap-0bbbbbbbbbbbbbbbb from eu-west-1]", Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0bbb" }] },
        { SnapshotId: "snap-3", StartTime: hoursAgo(1), Description: "someone's own snapshot" },
      ],
    });
    ec2.on(DescribeSnapshotsCommand, { RestorableByUserIds: [DR] }).resolves({ Snapshots: [{ SnapshotId: "snap-0bbbbbbbbbbbbbbbb", OwnerId: B }] });
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: `snapshot-dr-import-${A}-db1`,
          Status: "available",
          OriginalSnapshotCreateTime: hoursAgo(20),
          TagList: [
            { Key: "snapshot-dr:rds-dr-copy", Value: "true" },
            { Key: "SourceSnapshotArn", Value: `arn:aws:rds:us-east-1:${A}:snapshot:snapshot-dr-dr-db1` },
          ],
        },
      ],
    });
    backup.on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: "snapshot-dr-dr" }).resolves({
      RecoveryPoints: [{ Status: "COMPLETED", CreationDate: hoursAgo(30), SourceBackupVaultArn: `arn:aws:backup:us-east-1:${B}:backup-vault:snapshot-dr-source` }],
    });
    // WHEN the hourly run happens
    const result = await handler()(EVENT);
    // THEN nothing is stale, and the summary is one EMF document with one metric and no dimension
    expect(result).toMatchObject({ expectedSources: 4, stale: [], copiesFound: 4, unattributedCopies: 0 });
    expect(logs.filter((entry) => entry.decision === "stale")).toEqual([]);
    const summary = logs.find((entry) => entry.decision === "summary")!;
    expect(summary).toMatchObject({
      StaleSources: 0,
      _aws: { Timestamp: NOW.getTime(), CloudWatchMetrics: [{ Namespace: "snapshot-dr/DR", Dimensions: [[]], Metrics: [{ Name: "StaleSources", Unit: "Count" }] }] },
    });
  });

  test("a source that stopped sending is reported exactly, with its age, and counted in the metric", async () => {
    // GIVEN A's newest EBS copy is 50 h old, B's EBS copies cannot be attributed, no RDS copy, an old recovery point
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({
      Snapshots: [
        { SnapshotId: "snap-1", StartTime: hoursAgo(50), Description: `copy from ${A}`, Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0aaa" }] },
        { SnapshotId: "snap-2", StartTime: hoursAgo(1), Description: "[Copied snap-0ccccccccccccccccc from eu-west-1]", Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0bbb" }] },
      ],
    });
    ec2.on(DescribeSnapshotsCommand, { RestorableByUserIds: [DR] }).resolves({ Snapshots: [] });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ Status: "COMPLETED", CreationDate: hoursAgo(45), SourceBackupVaultArn: `arn:aws:backup:us-east-1:${B}:backup-vault:v` }],
    });
    // WHEN the check runs
    const result = await handler()(EVENT);
    // THEN all four are stale, each logged once, the unattributed copy is logged, and the metric says 4
    expect(result.stale.map((s) => `${s.flow}/${s.account}/${s.region}:${s.reason}`)).toEqual([
      `ebs/${A}/us-east-1:too-old`,
      `ebs/${B}/eu-west-1:no-copy`,
      `rds/${A}/us-east-1:no-copy`,
      `backup/${B}/us-east-1:too-old`,
    ]);
    expect(logs.filter((entry) => entry.decision === "stale")[0]).toMatchObject({ account: A, region: "us-east-1", flow: "ebs", ageHours: 50, rpoHours: 36 });
    expect(logs.find((entry) => entry.decision === "unattributed")).toMatchObject({ unattributedCopies: 1 });
    expect(logs.find((entry) => entry.decision === "summary")).toMatchObject({ StaleSources: 4, staleSources: 4 });
  });

  test("a source that went stale since the previous run is marked and counted in a second metric", async () => {
    // GIVEN A's newest EBS copy passed the 36 h objective half an hour ago; B's backup recovery point passed 44 h long ago
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolves({
      Snapshots: [{ SnapshotId: "snap-1", StartTime: hoursAgo(36.5), Description: `copy from ${A}`, Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0aaa" }] }],
    });
    ec2.on(DescribeSnapshotsCommand, { RestorableByUserIds: [DR] }).resolves({ Snapshots: [] });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ Status: "COMPLETED", CreationDate: hoursAgo(50), SourceBackupVaultArn: `arn:aws:backup:us-east-1:${B}:backup-vault:v` }],
    });

    // WHEN the check runs with the second metric configured
    await handler(settings({ newlyStaleMetricName: "NewlyStaleSources" }))(EVENT);

    // THEN only A's EBS line says newlyStale, and the summary publishes both counts in one EMF document
    const staleLines = logs.filter((entry) => entry.decision === "stale");
    expect(staleLines.filter((entry) => entry.newlyStale === true).map((entry) => `${entry.flow}/${entry.account}`)).toEqual([`ebs/${A}`]);
    expect(logs.find((entry) => entry.decision === "summary")).toMatchObject({
      StaleSources: 4,
      NewlyStaleSources: 1,
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: "StaleSources", Unit: "Count" }, { Name: "NewlyStaleSources", Unit: "Count" }] }] },
    });
  });

  test("pages through every listing", async () => {
    // GIVEN two pages of DR snapshots, the fresh copy on the second
    const settingsEbs = settings({ expected: [{ account: A, region: "us-east-1", flow: "ebs" }] });
    ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] }).resolvesOnce({ Snapshots: [], NextToken: "t1" }).resolvesOnce({
      Snapshots: [{ SnapshotId: "snap-9", StartTime: hoursAgo(1), Description: `from ${A}`, Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-0aaa" }] }],
    });
    // WHEN checked THEN the source is fresh
    expect((await handler(settingsEbs)(EVENT)).stale).toEqual([]);
  });

  test("a failed listing fails the run and publishes no metric (the alarm treats the silence as breaching)", async () => {
    // GIVEN EC2 refuses access
    ec2.on(DescribeSnapshotsCommand).rejects(Object.assign(new Error("not authorized"), { name: "UnauthorizedOperation" }));
    // WHEN the check runs THEN it throws, and no summary was logged
    await expect(handler()(EVENT)).rejects.toThrow("not authorized");
    expect(logs.find((entry) => entry.decision === "summary")).toBeUndefined();
  });

  test("refuses an event that is not its schedule", async () => {
    await expect(handler()({ "detail-type": "Other", source: "aws.ec2", region: "us-east-1" })).rejects.toThrow(
      'Event not handled: source "aws.ec2", detail-type "Other"',
    );
  });
});

describe("freshness check settings", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "freshness-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("reads the packaged expected sources and the environment", () => {
    // GIVEN a package with two sources and a complete environment
    fs.writeFileSync(path.join(dir, "expected-sources.txt"), `ebs/${A}/us-east-1\nbackup/${B}/eu-west-1\n`);
    const s = readSettings({
      LAMBDA_TASK_ROOT: dir,
      DR_ACCOUNT_ID: DR,
      EXPECTED_SOURCES_FILE: "expected-sources.txt",
      RPO_HOURS: "ebs=36,backup=44",
      DLM_POLICY_TAG_KEY: "SnapshotDrStack",
      DLM_POLICY_TAG_VALUE: `dr-${DR}`,
      DLM_POLICY_DESCRIPTION_PREFIX: "snapshot-dr ",
      BACKUP_VAULT_NAME: "snapshot-dr-dr",
      METRIC_NAMESPACE: "snapshot-dr/DR",
      METRIC_NAME: "StaleSources",
    });
    // THEN they are parsed
    expect(s.expected).toEqual([
      { flow: "ebs", account: A, region: "us-east-1" },
      { flow: "backup", account: B, region: "eu-west-1" },
    ]);
    expect(s.rpoHours).toMatchObject({ ebs: 36, backup: 44 });
    expect(s.dlmPolicyFilter).toEqual({ tagKey: "SnapshotDrStack", tagValue: `dr-${DR}`, descriptionPrefix: "snapshot-dr " });
  });

  test("reports every bad setting at once", () => {
    // GIVEN a bad line, a missing RPO for RDS, no DLM policy filter, no vault name and no RDS import settings
    fs.writeFileSync(path.join(dir, "s.txt"), `rds/${A}/us-east-1\nbackup/${B}/us-east-1\nebs/${A}/us-east-1\nebs/1/us-east-1\n`);
    expect(() =>
      readSettings({ LAMBDA_TASK_ROOT: dir, DR_ACCOUNT_ID: DR, EXPECTED_SOURCES_FILE: "s.txt", RPO_HOURS: "ebs=1", DLM_POLICY_TAG_KEY: "SnapshotDrStack", METRIC_NAMESPACE: "n", METRIC_NAME: "m" }),
    ).toThrow(
      'Invalid freshness check configuration: EXPECTED_SOURCES_FILE has a line that is not <flow>/<account>/<region>: "ebs/1/us-east-1"; ' +
        "RPO_HOURS has no positive value for rds; RPO_HOURS has no positive value for backup; " +
        "DLM_POLICY_TAG_KEY, DLM_POLICY_TAG_VALUE and DLM_POLICY_DESCRIPTION_PREFIX are required when EBS sources are expected; " +
        "BACKUP_VAULT_NAME is not set (required when backup sources are expected); " +
        "RDS_IMPORT_TAG_KEY, RDS_IMPORT_TAG_VALUE and RDS_IMPORT_PREFIX are required when RDS sources are expected",
    );
  });
});
