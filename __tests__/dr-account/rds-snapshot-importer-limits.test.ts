import { CopyDBSnapshotCommand, DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, type DBSnapshot, type RDSClient } from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { RdsSnapshotImporterHandler } from "../../modules/dr-account/rds-snapshot-importer/handler";
import { daysAgo, importDb, importerUnderTest, REGION, scheduledEvent, sdkError, sharedDb, SOURCE_A, SOURCE_B } from "./rds-importer-fixtures";

/** The importer's bounds: retention first, copies in flight, the per-source cap, the snapshot quota, the deadline. */
describe("RDS snapshot importer handler: bounded runs", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let handle: RdsSnapshotImporterHandler;
  let lines: Record<string, unknown>[];

  beforeEach(() => ({ primaryMock, secondaryMock, handle, lines } = importerUnderTest(new Date(daysAgo(0)))));

  afterEach(() => {
    primaryMock.restore();
    secondaryMock.restore();
    jest.restoreAllMocks();
  });

  const givenShared = (snapshots: DBSnapshot[]) =>
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" }).resolves({ DBSnapshots: snapshots });
  const givenImportCopies = (mock: AwsClientStub<RDSClient>, copies: DBSnapshot[]) =>
    mock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBSnapshots: copies });
  const importedSources = () => primaryMock.commandCalls(CopyDBSnapshotCommand).map((call) => call.args[0].input.SourceDBSnapshotIdentifier);
  const shared = (account: string, id: string, hoursOld: number) =>
    sharedDb(account, `snapshot-dr-dr-${id}`, { SnapshotCreateTime: new Date(daysAgo(0).getTime() - hoursOld * 3_600_000) });

  test("deletes expired copies before it starts any import", async () => {
    // GIVEN an expired import copy and a new shared snapshot
    givenImportCopies(primaryMock, [importDb(REGION, "snapshot-dr-imp-old", { SnapshotCreateTime: daysAgo(30) })]);
    givenShared([shared(SOURCE_A, "orders", 1)]);

    // WHEN
    await handle(scheduledEvent);

    // THEN
    const order = primaryMock.calls().map((call) => call.args[0].constructor.name).filter((name) => !name.startsWith("Describe"));
    expect(order).toEqual(["DeleteDBSnapshotCommand", "CopyDBSnapshotCommand"]);
  });

  test("imports only shared snapshots named with the source copiers' transit prefix", async () => {
    // GIVEN a listed source shares one transit copy and one snapshot of its own naming
    givenShared([shared(SOURCE_A, "orders", 1), sharedDb(SOURCE_A, "handmade-snapshot")]);

    // WHEN
    const result = await handle(scheduledEvent);

    // THEN
    expect(importedSources()).toEqual([expect.stringMatching(/:snapshot:snapshot-dr-dr-orders$/)]);
    expect(result.skipped).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        decision: "skipped",
        reason: "not a transit copy of the source copier: its identifier does not start with snapshot-dr-dr-",
      }),
    );
  });

  test("starts no more copies than the 20 in flight per region leave, oldest first", async () => {
    // GIVEN 18 import copies still being made and four new shared snapshots of two sources
    givenImportCopies(
      primaryMock,
      Array.from({ length: 18 }, (_, i) => importDb(REGION, `snapshot-dr-imp-busy-${i}`, { Status: "creating", SnapshotCreateTime: daysAgo(0) })),
    );
    givenShared([shared(SOURCE_A, "newest", 1), shared(SOURCE_B, "oldest", 4), shared(SOURCE_A, "middle", 2), shared(SOURCE_B, "older", 3)]);

    // WHEN
    const result = await handle(scheduledEvent);

    // THEN
    expect(importedSources()).toEqual([expect.stringMatching(/oldest$/), expect.stringMatching(/older$/)]);
    expect(result.deferred).toEqual(["import: 20 copies in flight in eu-west-1"]);
    expect(lines).toContainEqual({ component: "rds-snapshot-importer", decision: "deferred", reason: "import: 20 copies in flight in eu-west-1", left: 2 });
  });

  test("imports at most 5 snapshots per source account and run; another source still gets its turn", async () => {
    // GIVEN seven from source A (older) and one from source B
    givenShared([...Array.from({ length: 7 }, (_, i) => shared(SOURCE_A, `a-${i}`, 10 - i)), shared(SOURCE_B, "b-0", 1)]);

    // WHEN
    const result = await handle(scheduledEvent);

    // THEN
    expect(importedSources()).toHaveLength(6);
    expect(importedSources().filter((source) => source?.includes(`:${SOURCE_A}:`))).toHaveLength(5);
    expect(importedSources()).toContainEqual(expect.stringMatching(/b-0$/));
    expect(result.deferred).toEqual(["import: 5 imports per source account and run"]);
  });

  test("SnapshotQuotaExceeded is a quota problem: not retried, no more imports here, the run goes on and succeeds", async () => {
    // GIVEN RDS refuses the copy for the snapshot quota; an available import copy waits for the secondary region
    givenShared([shared(SOURCE_A, "first", 2), shared(SOURCE_B, "second", 1)]);
    givenImportCopies(primaryMock, [importDb(REGION, "snapshot-dr-imp-ready", { SnapshotCreateTime: daysAgo(1) })]);
    primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("SnapshotQuotaExceededFault", "Cannot create more than 100 manual snapshots"));

    // WHEN
    const result = await handle(scheduledEvent);

    // THEN
    expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    expect(result.quotaProblems).toEqual(["eu-west-1: Cannot create more than 100 manual snapshots"]);
    expect(result.deferred).toEqual(["import: SnapshotQuotaExceeded in eu-west-1"]);
    expect(result.copiedToSecondary).toEqual(["snapshot-dr-imp-ready"]);
    expect(lines).toContainEqual(
      expect.objectContaining({ decision: "quota-exceeded", region: "eu-west-1", message: "Cannot create more than 100 manual snapshots" }),
    );
  });

  test("a run near its deadline deletes and imports nothing and leaves it all to the next run", async () => {
    // GIVEN
    givenImportCopies(primaryMock, [importDb(REGION, "snapshot-dr-imp-old", { SnapshotCreateTime: daysAgo(30) })]);
    givenShared([shared(SOURCE_A, "orders", 1)]);

    // WHEN 30 seconds are left
    const result = await handle(scheduledEvent, { getRemainingTimeInMillis: () => 30_000 });

    // THEN
    expect(primaryMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
    expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    expect(result.deferred).toEqual(["retention: invocation deadline near", "import: invocation deadline near"]);
  });
});
