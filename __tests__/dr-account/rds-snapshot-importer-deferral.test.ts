import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type DBSnapshot,
  type RDSClient,
} from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { RdsSnapshotImporterHandler } from "../../modules/dr-account/rds-snapshot-importer/handler";
import {
  NOW,
  REGION,
  SECONDARY,
  SOURCE_A,
  SOURCE_B,
  daysAgo,
  importDb,
  importerUnderTest,
  scheduledEvent,
  sdkError,
  sharedDb,
} from "./rds-importer-fixtures";

/**
 * What the importer leaves for the next hourly run instead of failing: throttling and transient errors that outlast
 * the retries (listings, deletions, copies). Other errors still fail the run; the snapshot quota stays a quota problem.
 */
describe("RDS snapshot importer handler: work deferred to the next run", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let handle: RdsSnapshotImporterHandler;
  let lines: Record<string, unknown>[];

  beforeEach(() => ({ primaryMock, secondaryMock, handle, lines } = importerUnderTest(NOW)));

  afterEach(() => {
    primaryMock.restore();
    secondaryMock.restore();
    jest.restoreAllMocks();
  });

  const givenImportCopies = (mock: AwsClientStub<RDSClient>, copies: DBSnapshot[]) =>
    mock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBSnapshots: copies });
  const givenShared = (snapshots: DBSnapshot[]) =>
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" }).resolves({ DBSnapshots: snapshots });
  const expired = (region: string, id: string) => importDb(region, `snapshot-dr-imp-${id}`, { SnapshotCreateTime: daysAgo(30) });
  const decisions = (decision: string) => lines.filter((line) => line.decision === decision);
  const copiesStarted = () =>
    [primaryMock, secondaryMock].flatMap((mock) => [...mock.commandCalls(CopyDBSnapshotCommand), ...mock.commandCalls(CopyDBClusterSnapshotCommand)]);
  const deletionsCalled = () =>
    [primaryMock, secondaryMock].flatMap((mock) => [...mock.commandCalls(DeleteDBSnapshotCommand), ...mock.commandCalls(DeleteDBClusterSnapshotCommand)]);

  describe("a listing", () => {
    test.each([
      {
        listing: "the shared DB cluster snapshots here (the last listing)",
        given: () =>
          primaryMock
            .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" })
            .rejects(sdkError("ThrottlingException", "Rate exceeded")),
        calls: () => primaryMock.commandCalls(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" }),
        reason: `inventory: ThrottlingException listing shared DB cluster snapshots in ${REGION}`,
      },
      {
        listing: "the import copies in the secondary region",
        given: () => secondaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).rejects(sdkError("InternalFailure", "try again")),
        calls: () => secondaryMock.commandCalls(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }),
        reason: `inventory: InternalFailure listing DB snapshots in ${SECONDARY}`,
      },
    ])("throttled past the retries ($listing) defers the whole run: nothing deleted or copied, no error", async ({ given, calls, reason }) => {
      // GIVEN an expired import copy and a new shared snapshot, and one listing that fails on every attempt
      givenImportCopies(primaryMock, [expired(REGION, "old")]);
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-orders")]);
      given();

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN it tried that listing six times, then left the whole run to the next one without deciding anything
      expect(calls()).toHaveLength(6);
      expect(deletionsCalled()).toHaveLength(0);
      expect(copiesStarted()).toHaveLength(0);
      expect(result).toEqual({ action: "import", imported: [], copiedToSecondary: [], deleted: [], skipped: 0, quotaProblems: [], deferred: [reason] });
      expect(decisions("deferred")).toEqual([{ component: "rds-snapshot-importer", decision: "deferred", reason }]);
      expect(decisions("failed")).toEqual([]);
      expect(decisions("import-run")).toEqual([expect.objectContaining({ deferred: 1, failed: 0, imported: 0, deleted: 0 })]);
    });

    test("failing with any other error fails the run, naming the listing and the error, after deciding nothing", async () => {
      // GIVEN an expired import copy and a new shared DB snapshot, listed fine, and the last listing (shared clusters) refused
      givenImportCopies(primaryMock, [expired(REGION, "old")]);
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-orders")]);
      primaryMock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" }).rejects(sdkError("AccessDenied", "not authorized"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN it throws for the errors alarm, without a retry or a deferral
      await expect(outcome).rejects.toThrow(`1 failure(s): listing shared DB cluster snapshots in ${REGION} (AccessDenied: not authorized)`);
      expect(primaryMock.commandCalls(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" })).toHaveLength(1);
      expect(decisions("failed")).toEqual([
        expect.objectContaining({ what: `listing shared DB cluster snapshots in ${REGION}`, error: "AccessDenied", kind: "cluster", region: REGION }),
      ]);
      expect(decisions("deferred")).toEqual([]);
      // AND on that partial picture nothing was deleted or copied: the copies in flight count both kinds
      expect(deletionsCalled()).toHaveLength(0);
      expect(copiesStarted()).toHaveLength(0);
    });
  });

  describe("a deletion", () => {
    test("throttled past the retries defers that region's remaining deletions; the other region's and the imports go on within their bounds", async () => {
      // GIVEN three expired import copies here, one in the secondary region, 19 copies in flight here and two new
      // shared snapshots; every deletion here is throttled
      givenImportCopies(primaryMock, [
        expired(REGION, "old-1"),
        expired(REGION, "old-2"),
        expired(REGION, "old-3"),
        ...Array.from({ length: 19 }, (_, i) => importDb(REGION, `snapshot-dr-imp-busy-${i}`, { Status: "creating", SnapshotCreateTime: NOW })),
      ]);
      givenImportCopies(secondaryMock, [expired(SECONDARY, "old-remote")]);
      givenShared([
        sharedDb(SOURCE_A, "snapshot-dr-dr-older", { SnapshotCreateTime: daysAgo(0.2) }),
        sharedDb(SOURCE_B, "snapshot-dr-dr-newer", { SnapshotCreateTime: daysAgo(0.1) }),
      ]);
      primaryMock.on(DeleteDBSnapshotCommand).rejects(sdkError("Throttling", "Rate exceeded"));

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN the first deletion here was tried six times and the other two were left; the secondary region's was made
      expect(primaryMock.commandCalls(DeleteDBSnapshotCommand).map((call) => call.args[0].input.DBSnapshotIdentifier)).toEqual(
        Array(6).fill("snapshot-dr-imp-old-1"),
      );
      expect(result.deleted).toEqual([`${SECONDARY}:snapshot-dr-imp-old-remote`]);
      // AND one import started, the one the 20 copies in flight leave room for (oldest first); the run did not throw
      expect(result.imported).toEqual([`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-older`]);
      expect(result.deferred).toEqual([`retention: Throttling in ${REGION}`, `import: 20 copies in flight in ${REGION}`]);
      expect(decisions("deferred")).toEqual([
        { component: "rds-snapshot-importer", decision: "deferred", reason: `retention: Throttling in ${REGION}`, left: 3 },
        { component: "rds-snapshot-importer", decision: "deferred", reason: `import: 20 copies in flight in ${REGION}`, left: 1 },
      ]);
      expect(decisions("failed")).toEqual([]);
    });

    test("a deferred retention leaves the snapshot quota to RDS: a refused import is still a quota problem, not retried", async () => {
      // GIVEN the deletion here is throttled and RDS refuses the import for the manual-snapshot quota
      givenImportCopies(primaryMock, [expired(REGION, "old")]);
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-orders")]);
      primaryMock.on(DeleteDBSnapshotCommand).rejects(sdkError("ThrottlingException", "Rate exceeded"));
      primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("SnapshotQuotaExceededFault", "Cannot create more than 100 manual snapshots"));

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN one copy attempt, reported on the quota line the alarm counts; both steps wait for the next run
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      expect(result.quotaProblems).toEqual([`${REGION}: Cannot create more than 100 manual snapshots`]);
      expect(result.deferred).toEqual([`retention: ThrottlingException in ${REGION}`, `import: SnapshotQuotaExceeded in ${REGION}`]);
      expect(decisions("quota-exceeded")).toEqual([expect.objectContaining({ region: REGION, kind: "instance" })]);
    });

    test("failing with any other error still fails the run after the other deletions", async () => {
      // GIVEN two expired import copies here; the first cannot be deleted
      givenImportCopies(primaryMock, [expired(REGION, "old-1"), expired(REGION, "old-2")]);
      primaryMock
        .on(DeleteDBSnapshotCommand, { DBSnapshotIdentifier: "snapshot-dr-imp-old-1" })
        .rejects(sdkError("InvalidDBSnapshotStateFault", "busy"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN the second was deleted and the run throws for the first
      await expect(outcome).rejects.toThrow(`delete of DB snapshot snapshot-dr-imp-old-1 in ${REGION} (InvalidDBSnapshotStateFault: busy)`);
      expect(primaryMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(2);
      expect(decisions("deleted")).toEqual([expect.objectContaining({ snapshot: "snapshot-dr-imp-old-2", region: REGION })]);
      expect(decisions("deferred")).toEqual([]);
    });
  });

  test("a secondary-region copy throttled past the retries leaves the rest of those copies to the next run", async () => {
    // GIVEN two available import copies not yet in the secondary region, whose copies are throttled
    givenImportCopies(primaryMock, [importDb(REGION, "snapshot-dr-imp-a"), importDb(REGION, "snapshot-dr-imp-b")]);
    secondaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("Throttling", "Rate exceeded"));

    // WHEN the hourly run starts
    const result = await handle(scheduledEvent);

    // THEN the first was tried six times, the second not at all; the run did not throw
    expect(secondaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(6);
    expect(result.copiedToSecondary).toEqual([]);
    expect(decisions("deferred")).toEqual([
      { component: "rds-snapshot-importer", decision: "deferred", reason: `secondary-region copy: Throttling in ${SECONDARY}`, left: 2 },
    ]);
  });
});
