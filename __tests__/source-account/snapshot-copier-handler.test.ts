import {
  CopySnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import {
  createHandler,
  readSettings,
  type SnapshotCopierEvent,
  type SnapshotCopierHandler,
  type SnapshotNotificationDetail,
} from "../../modules/source-account/snapshot-copier/handler";

const SOURCE_ACCOUNT = "111111111111";
const DR_ACCOUNT = "222222222222";
const REGION = "us-east-1";
const KMS_B_ALIAS_ARN = `arn:aws:kms:${REGION}:${DR_ACCOUNT}:alias/sdr/kms-b`;
const SOURCE_KMS_KEY = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const NOW = new Date("2025-06-01T12:00:00.000Z");

const ENV = {
  DR_ACCOUNT_ID: DR_ACCOUNT,
  KMS_B_ALIAS_ARN,
  SOURCE_ACCOUNT_ID: SOURCE_ACCOUNT,
  SELECTION_TAG_KEY: "sdr:dr-selected",
  SELECTION_TAG_VALUE: "true",
  TRANSIT_TAG_KEY: "sdr:transit-copy",
  TRANSIT_TAG_VALUE: "true",
  DESCRIPTION_PREFIX: "sdr DR transit copy of",
  TRANSIT_RETENTION_HOURS: "48",
};
const SETTINGS = readSettings(ENV);

const SELECTION_TAG = { Key: "sdr:dr-selected", Value: "true" };
const TRANSIT_TAG = { Key: "sdr:transit-copy", Value: "true" };

const snapshotArn = (id: string) => `arn:aws:ec2::${REGION}:snapshot/${id}`;
const volumeArn = (id: string) => `arn:aws:ec2::${REGION}:volume/${id}`;

const notification = (detail: SnapshotNotificationDetail): SnapshotCopierEvent => ({
  version: "0",
  id: "01234567-0123-0123-0123-0123456789ab",
  "detail-type": "EBS Snapshot Notification",
  source: "aws.ec2",
  account: SOURCE_ACCOUNT,
  time: NOW.toISOString(),
  region: REGION,
  resources: [],
  detail,
});

const createSnapshotEvent = (snapshotId: string, result: "succeeded" | "failed" = "succeeded", cause = "") =>
  notification({
    event: "createSnapshot",
    result,
    cause,
    snapshot_id: snapshotArn(snapshotId),
    source: volumeArn("vol-0aaa"),
    startTime: NOW.toISOString(),
    endTime: NOW.toISOString(),
  });

const copySnapshotEvent = (copyId: string, sourceId: string, result: "succeeded" | "failed" = "succeeded", cause = "") =>
  notification({ event: "copySnapshot", result, cause, snapshot_id: snapshotArn(copyId), source: snapshotArn(sourceId) });

const scheduledEvent: SnapshotCopierEvent = {
  "detail-type": "Scheduled Event",
  source: "aws.events",
  region: REGION,
  detail: {},
};

/** A completed snapshot of the source account that is selected for DR. */
const selectedSnapshot = (id: string, overrides: Partial<Snapshot> = {}): Snapshot => ({
  SnapshotId: id,
  OwnerId: SOURCE_ACCOUNT,
  State: "completed",
  VolumeId: "vol-0aaa",
  Encrypted: true,
  KmsKeyId: SOURCE_KMS_KEY,
  Tags: [SELECTION_TAG],
  ...overrides,
});

const transitCopy = (id: string, state: Snapshot["State"], hoursOld: number): Snapshot => ({
  SnapshotId: id,
  OwnerId: SOURCE_ACCOUNT,
  State: state,
  StartTime: new Date(NOW.getTime() - hoursOld * 3_600_000),
  Tags: [TRANSIT_TAG],
});

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe("snapshot copier handler", () => {
  const ec2Mock = mockClient(EC2Client);
  let sleep: jest.Mock<Promise<void>, [number]>;
  let handle: SnapshotCopierHandler;

  beforeEach(() => {
    ec2Mock.reset();
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    sleep = jest.fn((_ms: number) => Promise.resolve());
    handle = createHandler({ ec2: new EC2Client({ region: REGION }), settings: SETTINGS, now: () => NOW, sleep });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** The source snapshot lookup and the (empty) lookup for an earlier transit copy. */
  const givenSnapshot = (snapshot: Snapshot, existingCopies: Snapshot[] = []) => {
    ec2Mock.on(DescribeSnapshotsCommand, { SnapshotIds: [snapshot.SnapshotId!] }).resolves({ Snapshots: [snapshot] });
    ec2Mock
      .on(DescribeSnapshotsCommand, {
        Filters: [
          { Name: "tag:sdr:transit-copy", Values: ["true"] },
          { Name: "tag:SourceSnapshotId", Values: [snapshot.SnapshotId!] },
        ],
      })
      .resolves({ Snapshots: existingCopies });
  };

  describe("createSnapshot", () => {
    test("copies a selected snapshot under KMS-B with the transit description and tags", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"));
      ec2Mock.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-0c0c1" });

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toEqual({ action: "copied", sourceSnapshotId: "snap-0123", copySnapshotId: "snap-0c0c1" });
      const copies = ec2Mock.commandCalls(CopySnapshotCommand);
      expect(copies).toHaveLength(1);
      expect(copies[0].args[0].input).toEqual({
        SourceRegion: REGION,
        SourceSnapshotId: "snap-0123",
        Encrypted: true,
        KmsKeyId: KMS_B_ALIAS_ARN,
        Description: `sdr DR transit copy of snap-0123 from ${SOURCE_ACCOUNT}`,
        TagSpecifications: [
          {
            ResourceType: "snapshot",
            Tags: [
              { Key: "SourceAccount", Value: SOURCE_ACCOUNT },
              { Key: "SourceSnapshotId", Value: "snap-0123" },
              { Key: "SourceKmsKeyId", Value: SOURCE_KMS_KEY },
              { Key: "SourceVolumeId", Value: "vol-0aaa" },
              TRANSIT_TAG,
            ],
          },
        ],
      });
      const idempotencyLookup = ec2Mock
        .commandCalls(DescribeSnapshotsCommand)
        .map((call) => call.args[0].input)
        .find((input) => input.OwnerIds !== undefined);
      expect(idempotencyLookup).toMatchObject({ OwnerIds: ["self"] });
    });

    test("tags an unencrypted source snapshot's key as 'unencrypted'", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123", { Encrypted: false, KmsKeyId: undefined }));
      ec2Mock.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-0c0c1" });

      // WHEN
      await handle(createSnapshotEvent("snap-0123"));

      // THEN
      const tags = ec2Mock.commandCalls(CopySnapshotCommand)[0].args[0].input.TagSpecifications?.[0].Tags;
      expect(tags).toContainEqual({ Key: "SourceKmsKeyId", Value: "unencrypted" });
    });

    test.each([
      ["has no selection tag", { Tags: [] }, /no tag sdr:dr-selected/],
      ["has the wrong selection value", { Tags: [{ Key: "sdr:dr-selected", Value: "false" }] }, /is "false"/],
      ["is a transit copy", { Tags: [SELECTION_TAG, TRANSIT_TAG] }, /transit copy/],
      ["is not completed", { State: "pending" as const }, /state is pending/],
      ["is owned by another account", { OwnerId: "333333333333" }, /owned by 333333333333/],
    ])("does not copy a snapshot that %s", async (_case, overrides, reason) => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123", overrides));

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "skipped", snapshotId: "snap-0123", reason: expect.stringMatching(reason) });
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(0);
    });

    test("a duplicate event does not copy again when a transit copy already exists", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"), [transitCopy("snap-0ea71e7", "pending", 0)]);

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toEqual({
        action: "skipped",
        reason: "transit copy already exists",
        snapshotId: "snap-0123",
        existingCopySnapshotId: "snap-0ea71e7",
      });
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(0);
    });

    test("copies again when the earlier transit copy failed", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"), [transitCopy("snap-0e7707", "error", 1)]);
      ec2Mock.on(CopySnapshotCommand).resolves({ SnapshotId: "snap-0c0c1" });

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "copied", copySnapshotId: "snap-0c0c1" });
    });

    test("ignores a failed createSnapshot", async () => {
      // GIVEN
      const event = createSnapshotEvent("snap-0123", "failed", "Incorrect state");

      // WHEN
      const result = await handle(event);

      // THEN
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining("failed") });
      expect(ec2Mock.calls()).toHaveLength(0);
    });

    test("skips a snapshot that no longer exists", async () => {
      // GIVEN
      ec2Mock.on(DescribeSnapshotsCommand).rejects(sdkError("InvalidSnapshot.NotFound"));

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "skipped", reason: "snapshot no longer exists" });
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(0);
    });
  });

  describe("createSnapshots", () => {
    test("copies each selected snapshot of a multi-volume snapshot set", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0aaa", { VolumeId: "vol-0aaa" }));
      givenSnapshot(selectedSnapshot("snap-0bbb", { VolumeId: "vol-0bbb" }));
      ec2Mock.on(CopySnapshotCommand, { SourceSnapshotId: "snap-0aaa" }).resolves({ SnapshotId: "snap-0c0a" });
      ec2Mock.on(CopySnapshotCommand, { SourceSnapshotId: "snap-0bbb" }).resolves({ SnapshotId: "snap-0c0b" });
      const event = notification({
        event: "createSnapshots",
        result: "succeeded",
        snapshots: [
          { snapshot_id: snapshotArn("snap-0aaa"), source: volumeArn("vol-0aaa"), status: "completed" },
          { snapshot_id: snapshotArn("snap-0bbb"), source: volumeArn("vol-0bbb"), status: "completed" },
        ],
      });

      // WHEN
      const result = await handle(event);

      // THEN
      expect(result).toEqual({
        action: "batch",
        results: [
          { action: "copied", sourceSnapshotId: "snap-0aaa", copySnapshotId: "snap-0c0a" },
          { action: "copied", sourceSnapshotId: "snap-0bbb", copySnapshotId: "snap-0c0b" },
        ],
      });
      const inputs = ec2Mock.commandCalls(CopySnapshotCommand).map((call) => call.args[0].input);
      expect(inputs.map((input) => input.SourceSnapshotId)).toEqual(["snap-0aaa", "snap-0bbb"]);
      expect(inputs[1].TagSpecifications?.[0].Tags).toContainEqual({ Key: "SourceVolumeId", Value: "vol-0bbb" });
      expect(inputs.every((input) => input.KmsKeyId === KMS_B_ALIAS_ARN && input.Encrypted === true)).toBe(true);
    });
  });

  describe("copySnapshot", () => {
    test("shares a completed transit copy with exactly the DR account", async () => {
      // GIVEN
      ec2Mock
        .on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-0c0c1"] })
        .resolves({ Snapshots: [transitCopy("snap-0c0c1", "completed", 0)] });
      ec2Mock.on(ModifySnapshotAttributeCommand).resolves({});

      // WHEN
      const result = await handle(copySnapshotEvent("snap-0c0c1", "snap-0123"));

      // THEN
      expect(result).toEqual({
        action: "shared",
        copySnapshotId: "snap-0c0c1",
        sourceSnapshotId: "snap-0123",
        sharedWith: DR_ACCOUNT,
      });
      const shares = ec2Mock.commandCalls(ModifySnapshotAttributeCommand);
      expect(shares).toHaveLength(1);
      expect(shares[0].args[0].input).toEqual({
        SnapshotId: "snap-0c0c1",
        Attribute: "createVolumePermission",
        OperationType: "add",
        UserIds: [DR_ACCOUNT],
      });
    });

    test("does not share a copy without the transit marker", async () => {
      // GIVEN
      ec2Mock
        .on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-0f0f0"] })
        .resolves({ Snapshots: [{ ...transitCopy("snap-0f0f0", "completed", 0), Tags: [SELECTION_TAG] }] });

      // WHEN
      const result = await handle(copySnapshotEvent("snap-0f0f0", "snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "skipped", snapshotId: "snap-0f0f0" });
      expect(ec2Mock.commandCalls(ModifySnapshotAttributeCommand)).toHaveLength(0);
    });

    test("a failed transit copy throws naming the copy, the source snapshot and the cause", async () => {
      // GIVEN
      ec2Mock
        .on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-0c0c1"] })
        .resolves({ Snapshots: [transitCopy("snap-0c0c1", "error", 0)] });
      const event = copySnapshotEvent("snap-0c0c1", "snap-0123", "failed", "Access denied to KMS key");

      // WHEN
      const outcome = handle(event);

      // THEN
      await expect(outcome).rejects.toThrow(/snap-0c0c1.*snap-0123.*Access denied to KMS key/);
      expect(ec2Mock.commandCalls(ModifySnapshotAttributeCommand)).toHaveLength(0);
    });

    test("a failed copy that no longer exists also throws", async () => {
      // GIVEN
      ec2Mock.on(DescribeSnapshotsCommand).rejects(sdkError("InvalidSnapshot.NotFound"));

      // WHEN
      const outcome = handle(copySnapshotEvent("snap-0c0c1", "snap-0123", "failed", "Internal error"));

      // THEN
      await expect(outcome).rejects.toThrow(/snap-0c0c1.*snap-0123.*Internal error/);
    });
  });

  describe("retries", () => {
    test("retries a throttled CopySnapshot with backoff and then copies", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"));
      ec2Mock
        .on(CopySnapshotCommand)
        .rejectsOnce(sdkError("RequestLimitExceeded", "Request limit exceeded."))
        .resolves({ SnapshotId: "snap-0c0c1" });

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "copied", copySnapshotId: "snap-0c0c1" });
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(2);
      expect(sleep).toHaveBeenCalledTimes(1);
      expect(sleep.mock.calls[0][0]).toBeGreaterThanOrEqual(0);
      expect(sleep.mock.calls[0][0]).toBeLessThan(200);
    });

    test("gives up after 6 attempts of a persistent throttle", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"));
      ec2Mock.on(CopySnapshotCommand).rejects(sdkError("ResourceLimitExceeded", "Too many snapshot copies in progress"));
      handle = createHandler({ ec2: new EC2Client({ region: REGION }), settings: SETTINGS, sleep, random: () => 0.999 });

      // WHEN
      const outcome = handle(createSnapshotEvent("snap-0123"));

      // THEN
      await expect(outcome).rejects.toThrow("Too many snapshot copies in progress");
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(6);
      // Full jitter under an exponentially growing ceiling: 200, 400, 800, 1600, 3200 ms.
      expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([199, 399, 799, 1598, 3196]);
    });

    test("does not retry a non-retryable error", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"));
      ec2Mock.on(CopySnapshotCommand).rejects(sdkError("UnauthorizedOperation", "You are not authorized"));

      // WHEN
      const outcome = handle(createSnapshotEvent("snap-0123"));

      // THEN
      await expect(outcome).rejects.toThrow("You are not authorized");
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(1);
      expect(sleep).not.toHaveBeenCalled();
    });

    test("retries an SDK error marked $retryable", async () => {
      // GIVEN
      givenSnapshot(selectedSnapshot("snap-0123"));
      ec2Mock
        .on(CopySnapshotCommand)
        .rejectsOnce(Object.assign(new Error("socket hang up"), { name: "TimeoutError", $retryable: {} }))
        .resolves({ SnapshotId: "snap-0c0c1" });

      // WHEN
      const result = await handle(createSnapshotEvent("snap-0123"));

      // THEN
      expect(result).toMatchObject({ action: "copied" });
      expect(sleep).toHaveBeenCalledTimes(1);
    });
  });

  describe("cleanup", () => {
    test("deletes old completed and failed transit copies and keeps recent and pending ones, across pages", async () => {
      // GIVEN
      ec2Mock
        .on(DescribeSnapshotsCommand)
        .resolvesOnce({
          Snapshots: [transitCopy("snap-0010d", "completed", 49), transitCopy("snap-0d0d0", "completed", 47)],
          NextToken: "page-2",
        })
        .resolvesOnce({
          Snapshots: [transitCopy("snap-0e770", "error", 72), transitCopy("snap-0e0e0", "pending", 100)],
        });
      ec2Mock.on(DeleteSnapshotCommand).resolves({});

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(result).toEqual({ action: "cleanup", deleted: 2, kept: 2 });
      const lookups = ec2Mock.commandCalls(DescribeSnapshotsCommand).map((call) => call.args[0].input);
      expect(lookups).toHaveLength(2);
      expect(lookups[0]).toMatchObject({ OwnerIds: ["self"], Filters: [{ Name: "tag:sdr:transit-copy", Values: ["true"] }] });
      expect(lookups[1].NextToken).toBe("page-2");
      const deleted = ec2Mock.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotId);
      expect(deleted).toEqual(["snap-0010d", "snap-0e770"]);
    });

    test("a failed deletion does not stop the others and is reported at the end", async () => {
      // GIVEN
      ec2Mock.on(DescribeSnapshotsCommand).resolves({
        Snapshots: [transitCopy("snap-0a", "completed", 50), transitCopy("snap-0b", "completed", 50)],
      });
      ec2Mock.on(DeleteSnapshotCommand, { SnapshotId: "snap-0a" }).rejects(sdkError("InvalidSnapshot.InUse", "in use by ami-1"));
      ec2Mock.on(DeleteSnapshotCommand, { SnapshotId: "snap-0b" }).resolves({});

      // WHEN
      const outcome = handle(scheduledEvent);

      // THEN
      await expect(outcome).rejects.toThrow(/deleted 1 .*failed to delete 1: snap-0a \(InvalidSnapshot.InUse/);
      expect(ec2Mock.commandCalls(DeleteSnapshotCommand)).toHaveLength(2);
    });
  });

  describe("events and configuration", () => {
    test("rejects an event it does not handle", async () => {
      // GIVEN
      const event = { "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2", region: REGION, detail: {} };

      // WHEN
      const outcome = handle(event as unknown as SnapshotCopierEvent);

      // THEN
      await expect(outcome).rejects.toThrow(/not handled.*aws\.ec2.*EC2 Instance State-change Notification/);
      expect(ec2Mock.calls()).toHaveLength(0);
    });

    test("readSettings rejects a malformed DR_ACCOUNT_ID naming the variable", () => {
      // GIVEN
      const env = { ...ENV, DR_ACCOUNT_ID: "12345" };

      // WHEN
      const read = () => readSettings(env);

      // THEN
      expect(read).toThrow(/DR_ACCOUNT_ID/);
    });

    test("readSettings rejects a missing variable naming it", () => {
      // GIVEN
      const { TRANSIT_RETENTION_HOURS: _omitted, ...env } = ENV;

      // WHEN
      const read = () => readSettings(env);

      // THEN
      expect(read).toThrow("TRANSIT_RETENTION_HOURS is not set");
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
});
