import {
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
} from "@aws-sdk/client-rds";
import type { RdsSnapshotCopierEvent } from "../../modules/source-account/rds-snapshot-copier/handler";
import {
  SOURCE_ACCOUNT,
  DR_ACCOUNT,
  REGION,
  hoursAgo,
  dbSnapshot,
  clusterSnapshot,
  transitDbCopy,
  transitClusterCopy,
  rdsEvent,
  dbSnapshotEvent,
  scheduledEvent,
  sdkError,
  dbRestoreAttribute,
  clusterRestoreAttribute,
  rdsCopierUnderTest,
} from "./rds-snapshot-copier-fixtures";

/** RDS snapshot copier: The hourly run (share what is unshared, delete expired transit copies) and which events the copier accepts. */
describe("RDS snapshot copier handler", () => {
  const { rdsMock, handle, givenDbSnapshots } = rdsCopierUnderTest();

  describe("hourly run", () => {
    test("shares unshared available copies and deletes only old marked copies, both kinds, across pages", async () => {
      // GIVEN manual DB snapshots on two pages and cluster snapshots on one
      rdsMock
        .on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" })
        .resolvesOnce({
          DBSnapshots: [
            transitDbCopy("snapshot-dr-dr-old", { SnapshotCreateTime: hoursAgo(49) }),
            transitDbCopy("snapshot-dr-dr-new-unshared", { SnapshotCreateTime: hoursAgo(2) }),
            dbSnapshot("unmarked-old", { SnapshotCreateTime: hoursAgo(500) }),
          ],
          Marker: "page-2",
        })
        .resolvesOnce({
          DBSnapshots: [
            transitDbCopy("snapshot-dr-dr-new-shared", { SnapshotCreateTime: hoursAgo(1) }),
            transitDbCopy("snapshot-dr-dr-old-copying", { SnapshotCreateTime: hoursAgo(72), Status: "creating" }),
            transitDbCopy("lookalike-old", { SnapshotCreateTime: hoursAgo(72) }),
            transitDbCopy("snapshot-dr-dr-old-failed", { SnapshotCreateTime: hoursAgo(50), Status: "failed" }),
          ],
        });
      rdsMock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "manual" }).resolves({
        DBClusterSnapshots: [
          transitClusterCopy("snapshot-dr-dr-ledger-old", { SnapshotCreateTime: hoursAgo(48.5) }),
          transitClusterCopy("snapshot-dr-dr-ledger-new", { SnapshotCreateTime: hoursAgo(3) }),
          clusterSnapshot("ledger-unmarked-old", { SnapshotCreateTime: hoursAgo(500) }),
        ],
      });
      rdsMock
        .on(DescribeDBSnapshotAttributesCommand, { DBSnapshotIdentifier: "snapshot-dr-dr-new-unshared" })
        .resolves(dbRestoreAttribute("snapshot-dr-dr-new-unshared", []));
      rdsMock
        .on(DescribeDBSnapshotAttributesCommand, { DBSnapshotIdentifier: "snapshot-dr-dr-new-shared" })
        .resolves(dbRestoreAttribute("snapshot-dr-dr-new-shared", [DR_ACCOUNT]));
      rdsMock
        .on(DescribeDBClusterSnapshotAttributesCommand)
        .resolves(clusterRestoreAttribute("snapshot-dr-dr-ledger-new", []));
      rdsMock.on(ModifyDBSnapshotAttributeCommand).resolves({});
      rdsMock.on(ModifyDBClusterSnapshotAttributeCommand).resolves({});
      rdsMock.on(DeleteDBSnapshotCommand).resolves({});
      rdsMock.on(DeleteDBClusterSnapshotCommand).resolves({});

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN the manual snapshots of both kinds were listed page by page
      const dbLists = rdsMock.commandCalls(DescribeDBSnapshotsCommand).map((call) => call.args[0].input);
      expect(dbLists).toEqual([{ SnapshotType: "manual" }, { SnapshotType: "manual", Marker: "page-2" }]);
      expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand).map((call) => call.args[0].input)).toEqual([
        { SnapshotType: "manual" },
      ]);
      // AND only expired, settled, marked copies with the prefix were deleted
      expect(rdsMock.commandCalls(DeleteDBSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBSnapshotIdentifier: "snapshot-dr-dr-old" },
        { DBSnapshotIdentifier: "snapshot-dr-dr-old-failed" },
      ]);
      expect(rdsMock.commandCalls(DeleteDBClusterSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBClusterSnapshotIdentifier: "snapshot-dr-dr-ledger-old" },
      ]);
      // AND only the unshared recent copies were shared, with exactly the DR account
      expect(rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand).map((call) => call.args[0].input)).toEqual([
        { DBSnapshotIdentifier: "snapshot-dr-dr-new-unshared", AttributeName: "restore", ValuesToAdd: [DR_ACCOUNT] },
      ]);
      expect(rdsMock.commandCalls(ModifyDBClusterSnapshotAttributeCommand).map((call) => call.args[0].input)).toEqual([
        { DBClusterSnapshotIdentifier: "snapshot-dr-dr-ledger-new", AttributeName: "restore", ValuesToAdd: [DR_ACCOUNT] },
      ]);
      expect(result).toEqual({ action: "hourly", shared: 2, deleted: 3, kept: 4 });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("one failed deletion does not stop the others and is reported at the end", async () => {
      // GIVEN two expired transit copies, the first cannot be deleted
      rdsMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({
        DBSnapshots: [
          transitDbCopy("snapshot-dr-dr-a", { SnapshotCreateTime: hoursAgo(60) }),
          transitDbCopy("snapshot-dr-dr-b", { SnapshotCreateTime: hoursAgo(60) }),
        ],
      });
      rdsMock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBClusterSnapshots: [] });
      rdsMock
        .on(DeleteDBSnapshotCommand, { DBSnapshotIdentifier: "snapshot-dr-dr-a" })
        .rejects(sdkError("InvalidDBSnapshotStateFault", "snapshot is being copied"));
      rdsMock.on(DeleteDBSnapshotCommand, { DBSnapshotIdentifier: "snapshot-dr-dr-b" }).resolves({});

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN both deletions were tried and the failure names the snapshot
      await expect(outcome).rejects.toThrow(
        /deleted 1 transit copies but had 1 failure\(s\): delete DB snapshot snapshot-dr-dr-a \(InvalidDBSnapshotStateFault: snapshot is being copied\)/,
      );
      expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(2);
    });

    test("a failed listing of one kind does not stop the other kind", async () => {
      // GIVEN listing DB snapshots fails; the cluster list has an expired copy
      rdsMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).rejects(sdkError("AccessDenied", "not allowed"));
      rdsMock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "manual" }).resolves({
        DBClusterSnapshots: [transitClusterCopy("snapshot-dr-dr-ledger-old", { SnapshotCreateTime: hoursAgo(100) })],
      });
      rdsMock.on(DeleteDBClusterSnapshotCommand).resolves({});

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN the cluster copy is deleted and the listing failure reported
      await expect(outcome).rejects.toThrow(/listing DB snapshots \(AccessDenied: not allowed\)/);
      expect(rdsMock.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(1);
    });
  });

  describe("events", () => {
    test("rejects an event of another source or detail type", async () => {
      // GIVEN an EC2 event
      const event = { "detail-type": "EBS Snapshot Notification", source: "aws.ec2", region: REGION, detail: {} };

      // WHEN it is handled
      const outcome = handle(event as unknown as RdsSnapshotCopierEvent);

      // THEN it is rejected without any call
      await expect(outcome).rejects.toThrow(/not handled.*aws\.ec2.*EBS Snapshot Notification/);
      expect(rdsMock.calls()).toHaveLength(0);
    });

    test("rejects an RDS snapshot event whose SourceType does not match its detail type", async () => {
      // GIVEN a DB snapshot event claiming to be about a cluster snapshot
      const event = dbSnapshotEvent("orders-db-snap");
      const mismatched = { ...event, detail: { ...event.detail, SourceType: "CLUSTER_SNAPSHOT" } } as RdsSnapshotCopierEvent;

      // WHEN it is handled
      const outcome = handle(mismatched);

      // THEN it is rejected
      await expect(outcome).rejects.toThrow(/SourceType "CLUSTER_SNAPSHOT", expected SNAPSHOT/);
    });

    test("skips snapshot events that are not created or copy-finished events", async () => {
      // GIVEN a "manual snapshot is being created" event
      const event = dbSnapshotEvent("orders-db-snap", "RDS-EVENT-0040", "Creating manual snapshot");

      // WHEN it is handled
      const result = await handle(event);

      // THEN it is skipped without any call
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining("RDS-EVENT-0040") });
      expect(rdsMock.calls()).toHaveLength(0);
    });

    test("accepts an EventID given as the documentation URL", async () => {
      // GIVEN an event whose EventID is the documentation link
      givenDbSnapshots(dbSnapshot("orders-db-snap"));
      rdsMock.on(CopyDBSnapshotCommand).resolves({});
      const event = dbSnapshotEvent(
        "orders-db-snap",
        "http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0042",
      );

      // WHEN it is handled
      const result = await handle(event);

      // THEN it is processed like RDS-EVENT-0042
      expect(result).toMatchObject({ action: "copied" });
    });

    test("skips a snapshot of another account", async () => {
      // GIVEN an event naming another account's snapshot
      const event = rdsEvent(
        "RDS DB Snapshot Event",
        `arn:aws:rds:${REGION}:333333333333:snapshot:other`,
        "other",
        "RDS-EVENT-0042",
        "Manual snapshot created",
      );

      // WHEN it is handled
      const result = await handle(event);

      // THEN nothing is called
      expect(result).toMatchObject({ action: "skipped", reason: `owned by 333333333333, not ${SOURCE_ACCOUNT}` });
      expect(rdsMock.calls()).toHaveLength(0);
    });
  });
});
