import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotAttributesCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
} from "@aws-sdk/client-rds";
import { isValidSnapshotIdentifier } from "../../modules/source-account/rds-snapshot-copier/rds-identifiers";
import {
  SOURCE_ACCOUNT,
  DR_ACCOUNT,
  REGION,
  RDS_KMS_KEY_ARN,
  AWS_RDS_KEY_ARN,
  APP_KEY_ARN,
  SELECTION_TAG,
  TRANSIT_TAG,
  clusterSnapshotArn,
  clusterSnapshot,
  transitDbCopy,
  transitClusterCopy,
  dbSnapshotEvent,
  clusterSnapshotEvent,
  sdkError,
  dbRestoreAttribute,
  clusterRestoreAttribute,
  rdsCopierUnderTest,
} from "./rds-snapshot-copier-fixtures";

/** RDS snapshot copier: Copying a DB cluster snapshot when it is created, and sharing an available transit copy with the DR account. */
describe("RDS snapshot copier handler", () => {
  const { rdsMock, handle, givenDbSnapshots, givenClusterSnapshots } = rdsCopierUnderTest();

  describe("DB cluster snapshot created", () => {
    test("copies a selected cluster's snapshot under the custom key into the transit copy", async () => {
      // GIVEN a manual snapshot of a selected cluster, encrypted under an application key
      givenClusterSnapshots(clusterSnapshot("ledger-nightly"));
      rdsMock.on(CopyDBClusterSnapshotCommand).resolves({});

      // WHEN its "manual cluster snapshot created" event arrives
      const result = await handle(clusterSnapshotEvent("ledger-nightly"));

      // THEN it is copied with CopyDBClusterSnapshot under RDS_KMS_KEY_ARN
      expect(result).toEqual({
        action: "copied",
        kind: "cluster",
        sourceSnapshot: "ledger-nightly",
        copySnapshot: "snapshot-dr-dr-ledger-nightly",
      });
      const copies = rdsMock.commandCalls(CopyDBClusterSnapshotCommand);
      expect(copies).toHaveLength(1);
      expect(copies[0].args[0].input).toEqual({
        SourceDBClusterSnapshotIdentifier: "ledger-nightly",
        TargetDBClusterSnapshotIdentifier: "snapshot-dr-dr-ledger-nightly",
        KmsKeyId: RDS_KMS_KEY_ARN,
        CopyTags: true,
        Tags: [
          TRANSIT_TAG,
          { Key: "SourceAccount", Value: SOURCE_ACCOUNT },
          { Key: "SourceSnapshotArn", Value: clusterSnapshotArn("ledger-nightly") },
          { Key: "SourceKmsKeyId", Value: APP_KEY_ARN },
          { Key: "SourceDBIdentifier", Value: "ledger" },
        ],
      });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("copies an automated cluster snapshot selected by the cluster's tag, within the 63-character limit", async () => {
      // GIVEN an automated cluster snapshot of a cluster with a long name, tagged for DR on the cluster
      const id = "rds:ledger-production-primary-cluster-2025-06-01-11-05";
      const automated = clusterSnapshot(id, {
        SnapshotType: "automated",
        DBClusterIdentifier: "ledger-production-primary-cluster",
        KmsKeyId: AWS_RDS_KEY_ARN,
        TagList: [],
      });
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: id, SnapshotType: "automated" })
        .resolves({ DBClusterSnapshots: [automated] });
      rdsMock
        .on(ListTagsForResourceCommand, {
          ResourceName: `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:cluster:ledger-production-primary-cluster`,
        })
        .resolves({ TagList: [SELECTION_TAG] });
      rdsMock.on(CopyDBClusterSnapshotCommand).resolves({});

      // WHEN its "automated cluster snapshot created" event arrives
      const result = await handle(clusterSnapshotEvent(id, "RDS-EVENT-0169", "Automated cluster snapshot created"));

      // THEN the target identifier is a valid cluster snapshot identifier, shortened and hashed
      expect(result).toMatchObject({ action: "copied", kind: "cluster" });
      const target = rdsMock.commandCalls(CopyDBClusterSnapshotCommand)[0].args[0].input.TargetDBClusterSnapshotIdentifier!;
      expect(target).toHaveLength(63);
      expect(target).toMatch(/^snapshot-dr-dr-rds-ledger-production-primary-cluster-2-[0-9a-f]{8}$/);
      expect(isValidSnapshotIdentifier(target, "cluster")).toBe(true);
    });

    test("skips an unencrypted cluster snapshot with the reason", async () => {
      // GIVEN an unencrypted snapshot of a selected cluster
      givenClusterSnapshots(clusterSnapshot("ledger-plain", { StorageEncrypted: false, KmsKeyId: undefined }));

      // WHEN its created event arrives
      const result = await handle(clusterSnapshotEvent("ledger-plain"));

      // THEN it is not copied: RDS cannot encrypt a cluster snapshot on copy
      expect(result).toMatchObject({
        action: "skipped",
        kind: "cluster",
        snapshot: "ledger-plain",
        reason: expect.stringContaining("RDS cannot encrypt a cluster snapshot by copying it"),
      });
      expect(rdsMock.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
    });

    test("a duplicate cluster event does not copy twice (DBClusterSnapshotAlreadyExistsFault)", async () => {
      // GIVEN the copy call reports the transit copy exists
      givenClusterSnapshots(clusterSnapshot("ledger-nightly"));
      rdsMock.on(CopyDBClusterSnapshotCommand).rejects(sdkError("DBClusterSnapshotAlreadyExistsFault"));

      // WHEN the event arrives
      const result = await handle(clusterSnapshotEvent("ledger-nightly"));

      // THEN it is skipped
      expect(result).toMatchObject({ action: "skipped", existingCopySnapshot: "snapshot-dr-dr-ledger-nightly" });
    });
  });

  describe("transit copy available", () => {
    test("shares a DB transit copy under the custom key with exactly the DR account", async () => {
      // GIVEN an available, unshared transit copy
      givenDbSnapshots(transitDbCopy("snapshot-dr-dr-orders-db-snap"));
      rdsMock.on(DescribeDBSnapshotAttributesCommand).resolves(dbRestoreAttribute("snapshot-dr-dr-orders-db-snap", []));
      rdsMock.on(ModifyDBSnapshotAttributeCommand).resolves({});

      // WHEN its copy-finished event arrives
      const result = await handle(
        dbSnapshotEvent("snapshot-dr-dr-orders-db-snap", "RDS-EVENT-0197", "Finished copy of snapshot orders-db-snap"),
      );

      // THEN the restore attribute gets the DR account, and only it
      expect(result).toEqual({ action: "shared", kind: "instance", snapshot: "snapshot-dr-dr-orders-db-snap", sharedWith: DR_ACCOUNT });
      const shares = rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand);
      expect(shares).toHaveLength(1);
      expect(shares[0].args[0].input).toEqual({
        DBSnapshotIdentifier: "snapshot-dr-dr-orders-db-snap",
        AttributeName: "restore",
        ValuesToAdd: [DR_ACCOUNT],
      });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("shares a cluster transit copy with exactly the DR account", async () => {
      // GIVEN an available, unshared cluster transit copy
      givenClusterSnapshots(transitClusterCopy("snapshot-dr-dr-ledger-nightly"));
      rdsMock
        .on(DescribeDBClusterSnapshotAttributesCommand)
        .resolves(clusterRestoreAttribute("snapshot-dr-dr-ledger-nightly", []));
      rdsMock.on(ModifyDBClusterSnapshotAttributeCommand).resolves({});

      // WHEN its created event arrives
      const result = await handle(clusterSnapshotEvent("snapshot-dr-dr-ledger-nightly"));

      // THEN it is shared with the DR account
      expect(result).toMatchObject({ action: "shared", kind: "cluster", sharedWith: DR_ACCOUNT });
      expect(rdsMock.commandCalls(ModifyDBClusterSnapshotAttributeCommand)[0].args[0].input).toEqual({
        DBClusterSnapshotIdentifier: "snapshot-dr-dr-ledger-nightly",
        AttributeName: "restore",
        ValuesToAdd: [DR_ACCOUNT],
      });
      expect(rdsMock.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
    });

    test("does not share again a copy already shared with the DR account", async () => {
      // GIVEN a transit copy already shared
      givenDbSnapshots(transitDbCopy("snapshot-dr-dr-orders-db-snap"));
      rdsMock
        .on(DescribeDBSnapshotAttributesCommand)
        .resolves(dbRestoreAttribute("snapshot-dr-dr-orders-db-snap", [DR_ACCOUNT]));

      // WHEN its event arrives again
      const result = await handle(dbSnapshotEvent("snapshot-dr-dr-orders-db-snap", "RDS-EVENT-0197", "Finished copy"));

      // THEN nothing is modified
      expect(result).toMatchObject({ action: "skipped", reason: "already shared with the DR account" });
      expect(rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
    });

    test.each([
      ["encrypted under another key", { KmsKeyId: AWS_RDS_KEY_ARN }, /not RDS_KMS_KEY_ARN/],
      ["not available", { Status: "creating" }, /status is creating/],
    ])("does not share a transit copy %s", async (_case, overrides, reason) => {
      // GIVEN a transit copy that must not be shared
      givenDbSnapshots(transitDbCopy("snapshot-dr-dr-orders-db-snap", overrides));

      // WHEN its event arrives
      const result = await handle(dbSnapshotEvent("snapshot-dr-dr-orders-db-snap", "RDS-EVENT-0197", "Finished copy"));

      // THEN it is skipped and neither shared nor copied
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringMatching(reason) });
      expect(rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });
  });
});
