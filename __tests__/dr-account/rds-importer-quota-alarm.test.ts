/**
 * Issue 11 §1: the RDS importer reports SnapshotQuotaExceeded as a quota problem; a metric filter on its log group
 * counts those lines and an alarm reaches the region's topic. One metric and one alarm per region, whatever the
 * number of accounts.
 */
import { Testing } from "cdktf";
import { CopyDBSnapshotCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { parseConfig } from "../../modules/config/load-config";
import { QUOTA_EXCEEDED_PATTERN } from "../../modules/dr-account/rds-importer-quota-alarm";
import { createHandler } from "../../modules/dr-account/rds-snapshot-importer/handler";
import { generateConfig } from "../../scripts/generate-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { daysAgo, importDb, mockRdsClients, REGION, scheduledEvent, sdkError, SETTINGS, sharedDb, SOURCE_A, SOURCE_B } from "./rds-importer-fixtures";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const drStack = (raw: ReturnType<typeof generateConfig>): Json => JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), parseConfig(raw))));
/** CloudWatch Logs' unstructured matching: a log event matches when it contains every term (quoted terms as written). */
const termsOf = (pattern: string) => [...pattern.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
const matches = (pattern: string, event: string) => termsOf(pattern).every((term) => event.includes(term));

describe("the importer's quota line", () => {
  test("the filter pattern matches the quota-exceeded line and no other line of a run that hits the quota", async () => {
    // GIVEN RDS refuses the copies for the snapshot quota, as Lambda writes the importer's lines (timestamp, request ID, level, JSON)
    const { primaryClient, secondaryClient, primaryMock, secondaryMock } = mockRdsClients();
    const events: string[] = [];
    jest.spyOn(console, "log").mockImplementation((line: string) => void events.push(`2025-06-01T12:00:00.000Z\t0f1e2d3c\tINFO\t${line}`));
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" }).resolves({
      DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-first"), sharedDb(SOURCE_B, "snapshot-dr-dr-second")],
    });
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBSnapshots: [importDb(REGION, "snapshot-dr-imp-ready", { SnapshotCreateTime: daysAgo(1) })] });
    primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("SnapshotQuotaExceededFault", "Cannot create more than 100 manual snapshots"));
    // WHEN the importer runs
    await createHandler({ rds: primaryClient, secondaryRds: secondaryClient, settings: SETTINGS, now: () => daysAgo(0), sleep: async () => undefined })(scheduledEvent);
    jest.restoreAllMocks();
    primaryMock.restore();
    secondaryMock.restore();
    // THEN exactly its quota-exceeded line matches (not the deferral that names SnapshotQuotaExceeded, not the summary)
    const matched = events.filter((event) => matches(QUOTA_EXCEEDED_PATTERN, event));
    expect(events.length).toBeGreaterThan(2);
    expect(matched).toHaveLength(1);
    expect(JSON.parse(matched[0].split("\t")[3])).toMatchObject({ component: "rds-snapshot-importer", decision: "quota-exceeded", region: REGION });
  });
});

describe("the quota alarm of the DR stack", () => {
  const withRds = (sourceAccounts: number) => generateConfig({ sourceAccounts, regionsPerAccount: 2, rds: true });

  test("each importer's log group has a metric filter of its quota lines, and an alarm on it notifies the region's topic", () => {
    // GIVEN RDS on, sources in two regions WHEN the DR stack is synthesized
    const json = drStack(withRds(3));
    const importers = resources(json, "aws_lambda_function").filter((fn) => fn.function_name === "snapshot-dr-rds-snapshot-importer");
    expect(importers.map((fn) => fn.provider).sort()).toEqual(["aws.eu-west-1", "aws.us-east-1"]);
    for (const importer of importers) {
      // THEN one filter in the importer's region, counting 1 per quota line into one metric with no dimension, created after the function
      const filters = resources(json, "aws_cloudwatch_log_metric_filter").filter((f) => f.provider === importer.provider);
      expect(filters).toHaveLength(1);
      expect(filters[0]).toMatchObject({
        name: "snapshot-dr-rds-snapshot-quota-exceeded",
        log_group_name: "/aws/lambda/snapshot-dr-rds-snapshot-importer",
        pattern: '"quota-exceeded"',
        metric_transformation: { name: "RdsSnapshotQuotaExceeded", namespace: "snapshot-dr/DR", value: "1", unit: "Count" },
      });
      expect(filters[0].metric_transformation).not.toHaveProperty("dimensions");
      expect(filters[0].depends_on).toEqual([expect.stringMatching(/^aws_lambda_function\./)]);
      // AND one alarm on it, to the topic of the same region
      const alarms = resources(json, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name === "RdsSnapshotQuotaExceeded" && a.provider === importer.provider);
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({
        namespace: "snapshot-dr/DR",
        statistic: "Sum",
        period: 3600,
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
        treat_missing_data: "notBreaching",
        alarm_name: `snapshot-dr-rds-snapshot-quota-exceeded-${importer.provider.slice("aws.".length)}`,
      });
      const topic = /^\$\{aws_sns_topic\.([^.]+)\.arn\}$/.exec(alarms[0].alarm_actions[0])?.[1];
      expect(json.resource.aws_sns_topic[topic!]?.provider).toBe(importer.provider);
    }
  });

  test("one filter and one alarm per region, whatever the number of accounts; none without RDS", () => {
    // GIVEN 3 and 120 accounts with RDS, and 3 without WHEN synthesized THEN 2 regions: 2 filters and 2 quota alarms each time
    const count = (json: Json) => [
      resources(json, "aws_cloudwatch_log_metric_filter").length,
      resources(json, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name === "RdsSnapshotQuotaExceeded").length,
    ];
    expect(count(drStack(withRds(3)))).toEqual([2, 2]);
    expect(count(drStack(withRds(120)))).toEqual([2, 2]);
    expect(count(drStack(generateConfig({ sourceAccounts: 3, regionsPerAccount: 2 })))).toEqual([0, 0]);
  });
});
