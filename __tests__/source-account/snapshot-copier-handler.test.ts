import {
  CopySnapshotCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
  type CopySnapshotCommandInput,
} from "@aws-sdk/client-ec2";
import { readSettings, type SnapshotCopierEvent } from "../../modules/source-account/snapshot-copier/handler";
import {
  copierUnderTest,
  copySnapshotEvent,
  createSnapshotEvent,
  DR_ACCOUNT,
  ENV,
  givenInventory,
  KMS_B_ALIAS_ARN,
  multiVolumeEvent,
  REGION,
  scheduledEvent,
  selectedSnapshot,
  SOURCE_ACCOUNT,
  SOURCE_KMS_KEY,
  transitCopy,
} from "./snapshot-copier-fixtures";

describe("snapshot copier handler: reconciliation", () => {
  const { ec2Mock, handle, copiedSources, deletedCopies } = copierUnderTest();

  describe("copies", () => {
    test("copies a selected snapshot without a transit copy under KMS-B, with the transit description and provenance tags", async () => {
      // GIVEN
      givenInventory(ec2Mock, { selected: [selectedSnapshot("snap-0a01", 2)] });

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(result).toMatchObject({ action: "reconcile", copied: ["snap-0c001"], deferred: { copies: 0, shares: 0, deletions: 0 } });
      const input: CopySnapshotCommandInput = ec2Mock.commandCalls(CopySnapshotCommand)[0].args[0].input;
      expect(input).toEqual({
        SourceRegion: REGION,
        SourceSnapshotId: "snap-0a01",
        Encrypted: true,
        KmsKeyId: KMS_B_ALIAS_ARN,
        Description: `sdr DR transit copy of snap-0a01 from ${SOURCE_ACCOUNT}`,
        TagSpecifications: [
          {
            ResourceType: "snapshot",
            Tags: [
              { Key: "SourceAccount", Value: SOURCE_ACCOUNT },
              { Key: "SourceSnapshotId", Value: "snap-0a01" },
              { Key: "SourceKmsKeyId", Value: SOURCE_KMS_KEY },
              { Key: "SourceVolumeId", Value: "vol-0aaa" },
              { Key: "SourceStartTime", Value: "2025-06-01T10:00:00.000Z" },
              { Key: "sdr:transit-copy", Value: "true" },
            ],
          },
        ],
      });
    });

    test("a createSnapshot event reconciles: the new snapshot is copied", async () => {
      // GIVEN
      givenInventory(ec2Mock, { selected: [selectedSnapshot("snap-0a01")] });

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0a01"));

      // THEN
      expect(result.copied).toEqual(["snap-0c001"]);
      expect(copiedSources()).toEqual(["snap-0a01"]);
    });

    test("a multi-volume snapshot set (EBS Multi-Volume Snapshots Completion Status) copies each selected snapshot", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 1, { VolumeId: "vol-0001" }), selectedSnapshot("snap-0a02", 1, { VolumeId: "vol-0002" })],
      });

      // WHEN
      const result = await handle(multiVolumeEvent(["snap-0a01", "snap-0a02"]));

      // THEN
      expect(copiedSources()).toEqual(["snap-0a01", "snap-0a02"]);
      expect(result.copied).toHaveLength(2);
    });

    test("does not copy a snapshot whose transit copy is pending or completed, and copies again after a failed copy", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [
          selectedSnapshot("snap-0a01", 3, { VolumeId: "vol-0001" }),
          selectedSnapshot("snap-0a02", 3, { VolumeId: "vol-0002" }),
          selectedSnapshot("snap-0a03", 3, { VolumeId: "vol-0003" }),
        ],
        transit: [
          transitCopy("snap-0b01", "pending", 1, { snapshotId: "snap-0a01", volumeId: "vol-0001", sourceHoursOld: 3 }),
          transitCopy("snap-0b02", "completed", 1, { snapshotId: "snap-0a02", volumeId: "vol-0002", sourceHoursOld: 3 }),
          transitCopy("snap-0b03", "error", 1, { snapshotId: "snap-0a03", volumeId: "vol-0003", sourceHoursOld: 3 }),
        ],
        sharedIds: ["snap-0b02"],
      });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(copiedSources()).toEqual(["snap-0a03"]);
    });

    test("a volume without transit copies gets its newest snapshot only; a covered volume gets every newer one, oldest first", async () => {
      // GIVEN vol-0001 never copied (three snapshots); vol-0002 copied up to 50 hours ago, two snapshots missed since
      givenInventory(ec2Mock, {
        selected: [
          selectedSnapshot("snap-0a11", 50, { VolumeId: "vol-0001" }),
          selectedSnapshot("snap-0a12", 26, { VolumeId: "vol-0001" }),
          selectedSnapshot("snap-0a13", 2, { VolumeId: "vol-0001" }),
          selectedSnapshot("snap-0a21", 50, { VolumeId: "vol-0002" }),
          selectedSnapshot("snap-0a22", 26, { VolumeId: "vol-0002" }),
          selectedSnapshot("snap-0a23", 2, { VolumeId: "vol-0002" }),
        ],
        transit: [transitCopy("snap-0b21", "completed", 49, { snapshotId: "snap-0a21", volumeId: "vol-0002", sourceHoursOld: 50 })],
        sharedIds: ["snap-0b21"],
      });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(copiedSources()).toEqual(["snap-0a22", "snap-0a13", "snap-0a23"]);
    });

    test("never copies a transit copy that inherited the selection tag", async () => {
      // GIVEN
      const marked = selectedSnapshot("snap-0a01", 1, { Tags: [{ Key: "sdr:dr-selected", Value: "true" }, { Key: "sdr:transit-copy", Value: "true" }] });
      givenInventory(ec2Mock, { selected: [marked] });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(copiedSources()).toEqual([]);
    });

    test("lists in two calls, and copies only completed snapshots whose selection tag has the selection value", async () => {
      // GIVEN the tag-key listing also returns a pending snapshot and one tagged with another value
      givenInventory(ec2Mock, {
        selected: [
          selectedSnapshot("snap-0a01", 3, { VolumeId: "vol-0001" }),
          selectedSnapshot("snap-0a02", 3, { VolumeId: "vol-0002", State: "pending" }),
          selectedSnapshot("snap-0a03", 3, { VolumeId: "vol-0003", Tags: [{ Key: "sdr:dr-selected", Value: "false" }] }),
        ],
      });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(copiedSources()).toEqual(["snap-0a01"]);
      expect(ec2Mock.commandCalls(DescribeSnapshotsCommand).map((call) => call.args[0].input)).toEqual([
        { OwnerIds: ["self"], Filters: [{ Name: "tag-key", Values: ["sdr:dr-selected", "sdr:transit-copy"] }] },
        { OwnerIds: ["self"], RestorableByUserIds: [DR_ACCOUNT], Filters: [{ Name: "tag:sdr:transit-copy", Values: ["true"] }] },
      ]);
    });
  });

  describe("shares", () => {
    test("shares a completed transit copy not yet shared with exactly the DR account; not a shared or pending one", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 3, { VolumeId: "vol-0001" }), selectedSnapshot("snap-0a02", 3, { VolumeId: "vol-0002" })],
        transit: [
          transitCopy("snap-0b01", "completed", 2, { snapshotId: "snap-0a01", volumeId: "vol-0001", sourceHoursOld: 3 }),
          transitCopy("snap-0b02", "completed", 2, { snapshotId: "snap-0a02", volumeId: "vol-0002", sourceHoursOld: 3 }),
          transitCopy("snap-0b03", "pending", 1, { volumeId: "vol-0003" }),
        ],
        sharedIds: ["snap-0b02"],
      });

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(result.shared).toEqual(["snap-0b01"]);
      expect(ec2Mock.commandCalls(ModifySnapshotAttributeCommand)[0].args[0].input).toEqual({
        SnapshotId: "snap-0b01",
        Attribute: "createVolumePermission",
        OperationType: "add",
        UserIds: [DR_ACCOUNT],
      });
      const sharedListing = ec2Mock.commandCalls(DescribeSnapshotsCommand).find((call) => call.args[0].input.RestorableByUserIds);
      expect(sharedListing?.args[0].input).toMatchObject({ OwnerIds: ["self"], RestorableByUserIds: [DR_ACCOUNT] });
    });

    test("a duplicate copySnapshot event for a completed but unshared copy shares it", async () => {
      // GIVEN the copy completed; its first event was lost or failed before sharing
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 3)],
        transit: [transitCopy("snap-0b01", "completed", 2, { snapshotId: "snap-0a01", sourceHoursOld: 3 })],
      });

      // WHEN
      const result = await handle(copySnapshotEvent("snap-0b01", "snap-0a01"));

      // THEN
      expect(result.shared).toEqual(["snap-0b01"]);
      expect(copiedSources()).toEqual([]);
    });
  });

  describe("transit retention", () => {
    test("deletes expired copies but keeps the newest completed copy of each volume and every pending copy", async () => {
      // GIVEN retention 48 h
      givenInventory(ec2Mock, {
        transit: [
          transitCopy("snap-0b01", "completed", 100, { volumeId: "vol-0001" }),
          transitCopy("snap-0b02", "completed", 60, { volumeId: "vol-0001" }),
          transitCopy("snap-0b03", "completed", 10, { volumeId: "vol-0001" }),
          transitCopy("snap-0b04", "completed", 200, { volumeId: "vol-0002" }),
          transitCopy("snap-0b05", "error", 50, { volumeId: "vol-0003" }),
          transitCopy("snap-0b06", "pending", 70, { volumeId: "vol-0003" }),
        ],
        sharedIds: ["snap-0b01", "snap-0b02", "snap-0b03", "snap-0b04"],
      });

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN vol-0002's only copy stays (the next copy of that volume stays incremental)
      expect(deletedCopies()).toEqual(["snap-0b01", "snap-0b02", "snap-0b05"]);
      expect(result.deleted).toHaveLength(3);
    });

    test("keeps an expired copy whose successor is still pending", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        transit: [transitCopy("snap-0b01", "completed", 72, { volumeId: "vol-0001" }), transitCopy("snap-0b02", "pending", 1, { volumeId: "vol-0001" })],
        sharedIds: ["snap-0b01"],
      });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(deletedCopies()).toEqual([]);
    });
  });

  describe("failed copies and events", () => {
    test("a failed transit copy is copied again by the same run, which then throws naming copy, source and cause", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 3)],
        transit: [transitCopy("snap-0b01", "error", 1, { snapshotId: "snap-0a01", sourceHoursOld: 3 })],
      });

      // WHEN
      const outcome = handle(copySnapshotEvent("snap-0b01", "snap-0a01", "failed", "KMS key disabled"));

      // THEN
      await expect(outcome).rejects.toThrow("Transit copy snap-0b01 of snap-0a01 failed: KMS key disabled; this run started 1 copies");
      expect(copiedSources()).toEqual(["snap-0a01"]);
    });

    test("a failed copy of someone else's snapshot only reconciles", async () => {
      // GIVEN the failed copy is not a transit copy
      givenInventory(ec2Mock, {});
      ec2Mock.on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-0f01"] }).resolves({ Snapshots: [{ SnapshotId: "snap-0f01", OwnerId: SOURCE_ACCOUNT, Tags: [] }] });

      // WHEN
      const result = await handle(copySnapshotEvent("snap-0f01", "snap-0a01", "failed", "whatever"));

      // THEN
      expect(result.action).toBe("reconcile");
    });

    test("rejects an event it does not handle, before any call", async () => {
      // GIVEN
      const event = { "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2", region: REGION, detail: {} };

      // WHEN
      const outcome = handle(event as unknown as SnapshotCopierEvent);

      // THEN
      await expect(outcome).rejects.toThrow(/not handled.*aws\.ec2.*EC2 Instance State-change Notification/);
      expect(ec2Mock.calls()).toHaveLength(0);
    });

    test("follows the pagination of every listing", async () => {
      // GIVEN
      ec2Mock
        .on(DescribeSnapshotsCommand)
        .resolves({ Snapshots: [] })
        .on(DescribeSnapshotsCommand, { Filters: [{ Name: "tag-key", Values: ["sdr:dr-selected", "sdr:transit-copy"] }], NextToken: undefined })
        .resolves({ Snapshots: [selectedSnapshot("snap-0a01", 3, { VolumeId: "vol-0001" })], NextToken: "page-2" })
        .on(DescribeSnapshotsCommand, { NextToken: "page-2" })
        .resolves({ Snapshots: [selectedSnapshot("snap-0a02", 3, { VolumeId: "vol-0002" })] });

      // WHEN
      await handle(scheduledEvent);

      // THEN
      expect(copiedSources()).toEqual(["snap-0a01", "snap-0a02"]);
    });
  });
});

describe("snapshot copier settings", () => {
  test("readSettings names every bad or missing variable at once", () => {
    // GIVEN
    const { TRANSIT_RETENTION_HOURS: _omitted, ...env } = { ...ENV, DR_ACCOUNT_ID: "12345" };

    // WHEN
    const read = () => readSettings(env);

    // THEN
    expect(read).toThrow(
      'Invalid snapshot copier configuration: DR_ACCOUNT_ID must be a 12-digit AWS account id, got "12345"; TRANSIT_RETENTION_HOURS is not set',
    );
  });

  test("readSettings rejects a transit marker that is a provenance tag", () => {
    // GIVEN
    const env = { ...ENV, TRANSIT_TAG_KEY: "SourceStartTime" };

    // WHEN
    const read = () => readSettings(env);

    // THEN
    expect(read).toThrow("TRANSIT_TAG_KEY must not be one of SourceAccount, SourceSnapshotId, SourceKmsKeyId, SourceVolumeId, SourceStartTime");
  });

  test("readSettings parses a valid environment", () => {
    // GIVEN
    const env = { ...ENV, AWS_REGION: REGION };

    // WHEN
    const settings = readSettings(env);

    // THEN
    expect(settings).toEqual({
      drAccountId: DR_ACCOUNT,
      kmsBAliasArn: KMS_B_ALIAS_ARN,
      sourceAccountId: SOURCE_ACCOUNT,
      selectionTagKey: "sdr:dr-selected",
      selectionTagValue: "true",
      transitTagKey: "sdr:transit-copy",
      transitTagValue: "true",
      descriptionPrefix: "sdr DR transit copy of",
      transitRetentionHours: 48,
    });
  });
});
