import {
  CopyDBSnapshotCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { createHandler } from "../../modules/source-account/rds-snapshot-copier/handler";
import {
  SOURCE_ACCOUNT,
  DR_ACCOUNT,
  REGION,
  RDS_KMS_KEY_ARN,
  AWS_RDS_KEY_ARN,
  APP_KEY_ARN,
  SETTINGS,
  SELECTION_TAG,
  TRANSIT_TAG,
  dbSnapshotArn,
  dbSnapshot,
  transitDbCopy,
  dbSnapshotEvent,
  sdkError,
  dbRestoreAttribute,
  rdsCopierUnderTest,
} from "./rds-snapshot-copier-fixtures";

/** RDS snapshot copier: Copying a DB snapshot into its transit copy when it is created, and retrying throttled calls. */
describe("RDS snapshot copier handler", () => {
  const { rdsMock, sleep, handle, givenDbSnapshots, loggedDecisions } = rdsCopierUnderTest();

  describe("DB snapshot created", () => {
    test("copies a selected instance's snapshot under the custom key into the transit copy", async () => {
      // GIVEN a manual snapshot of a selected instance, encrypted under an application key
      givenDbSnapshots(dbSnapshot("orders-db-before-upgrade"));
      rdsMock.on(CopyDBSnapshotCommand).resolves({});

      // WHEN its "manual snapshot created" event arrives
      const result = await handle(dbSnapshotEvent("orders-db-before-upgrade"));

      // THEN it is copied, by identifier, under RDS_KMS_KEY_ARN with the source's tags, the marker and provenance
      expect(result).toEqual({
        action: "copied",
        kind: "instance",
        sourceSnapshot: "orders-db-before-upgrade",
        copySnapshot: "snapshot-dr-dr-orders-db-before-upgrade",
      });
      const copies = rdsMock.commandCalls(CopyDBSnapshotCommand);
      expect(copies).toHaveLength(1);
      expect(copies[0].args[0].input).toEqual({
        SourceDBSnapshotIdentifier: "orders-db-before-upgrade",
        TargetDBSnapshotIdentifier: "snapshot-dr-dr-orders-db-before-upgrade",
        KmsKeyId: RDS_KMS_KEY_ARN,
        CopyTags: true,
        Tags: [
          TRANSIT_TAG,
          { Key: "SourceAccount", Value: SOURCE_ACCOUNT },
          { Key: "SourceSnapshotArn", Value: dbSnapshotArn("orders-db-before-upgrade") },
          { Key: "SourceKmsKeyId", Value: APP_KEY_ARN },
          { Key: "SourceDBIdentifier", Value: "orders-db" },
        ],
      });
      // The snapshot's own selection tag decided: the instance's tags were not needed.
      expect(rdsMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
      expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand).map((call) => call.args[0].input)).toEqual([
        { DBSnapshotIdentifier: "orders-db-before-upgrade" },
        { DBSnapshotIdentifier: "snapshot-dr-dr-orders-db-before-upgrade" },
      ]);
    });

    test("copies an automated snapshot encrypted with aws/rds under the custom key, selected by the instance's tag", async () => {
      // GIVEN an automated snapshot (no tags of its own) encrypted with aws/rds, of an instance tagged for DR
      const id = "rds:orders-db-2025-06-01-11-05";
      const automated = dbSnapshot(id, { SnapshotType: "automated", KmsKeyId: AWS_RDS_KEY_ARN, TagList: [] });
      rdsMock
        .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: id, SnapshotType: "automated" })
        .resolves({ DBSnapshots: [automated] });
      rdsMock
        .on(ListTagsForResourceCommand, { ResourceName: `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:db:orders-db` })
        .resolves({ TagList: [{ Key: "team", Value: "orders" }, SELECTION_TAG] });
      rdsMock.on(CopyDBSnapshotCommand).resolves({});

      // WHEN its "automated snapshot created" event arrives
      const result = await handle(dbSnapshotEvent(id, "RDS-EVENT-0091", "Automated snapshot created"));

      // THEN it is described as automated and copied under the custom key into a valid, hashed transit identifier
      expect(result).toMatchObject({ action: "copied", kind: "instance", sourceSnapshot: id });
      const input = rdsMock.commandCalls(CopyDBSnapshotCommand)[0].args[0].input;
      expect(input.SourceDBSnapshotIdentifier).toBe(id);
      expect(input.TargetDBSnapshotIdentifier).toMatch(/^snapshot-dr-dr-rds-orders-db-2025-06-01-11-05-[0-9a-f]{8}$/);
      expect(input.KmsKeyId).toBe(RDS_KMS_KEY_ARN);
      expect(input.CopyTags).toBe(true);
      expect(input.Tags).toContainEqual({ Key: "SourceKmsKeyId", Value: AWS_RDS_KEY_ARN });
      expect(input.Tags).toContainEqual(TRANSIT_TAG);
      expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand)[0].args[0].input).toEqual({
        DBSnapshotIdentifier: id,
        SnapshotType: "automated",
      });
    });

    test("encrypts an unencrypted DB snapshot by copying it with the custom key", async () => {
      // GIVEN an unencrypted snapshot of a selected instance
      givenDbSnapshots(dbSnapshot("plain-db-snap", { Encrypted: false, KmsKeyId: undefined }));
      rdsMock.on(CopyDBSnapshotCommand).resolves({});

      // WHEN its created event arrives
      const result = await handle(dbSnapshotEvent("plain-db-snap"));

      // THEN the copy names the key (which encrypts it) and records the source as unencrypted
      expect(result).toMatchObject({ action: "copied", copySnapshot: "snapshot-dr-dr-plain-db-snap" });
      const input = rdsMock.commandCalls(CopyDBSnapshotCommand)[0].args[0].input;
      expect(input.KmsKeyId).toBe(RDS_KMS_KEY_ARN);
      expect(input.Tags).toContainEqual({ Key: "SourceKmsKeyId", Value: "unencrypted" });
    });

    test.each([
      [
        "the instance has no selection tag",
        [{ Key: "team", Value: "orders" }],
        /no tag sdr:dr-selected on the snapshot or on DB instance orders-db/,
      ],
      ["the instance's selection tag is not the value", [{ Key: "sdr:dr-selected", Value: "no" }], /is "no"/],
    ])("skips a snapshot without tag when %s", async (_case, instanceTags, reason) => {
      // GIVEN a snapshot without tags of an instance that is not selected
      givenDbSnapshots(dbSnapshot("orders-db-snap", { TagList: [] }));
      rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: instanceTags });

      // WHEN its created event arrives
      const result = await handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it is skipped with the reason and not copied
      expect(result).toMatchObject({ action: "skipped", snapshot: "orders-db-snap", reason: expect.stringMatching(reason) });
      expect(rdsMock.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({
        ResourceName: `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:db:orders-db`,
      });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("the snapshot's own selection tag wins over the instance's", async () => {
      // GIVEN a snapshot tagged not-selected of an instance tagged selected
      givenDbSnapshots(dbSnapshot("orders-db-snap", { TagList: [{ Key: "sdr:dr-selected", Value: "false" }] }));
      rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: [SELECTION_TAG] });

      // WHEN its created event arrives
      const result = await handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it is skipped without looking at the instance
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining('snapshot tag sdr:dr-selected is "false"') });
      expect(rdsMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("skips a final snapshot without tag of an instance that no longer exists", async () => {
      // GIVEN an untagged snapshot whose instance was deleted
      givenDbSnapshots(dbSnapshot("orders-db-final", { TagList: [] }));
      rdsMock.on(ListTagsForResourceCommand).rejects(sdkError("DBInstanceNotFoundFault"));

      // WHEN its created event arrives
      const result = await handle(dbSnapshotEvent("orders-db-final"));

      // THEN it is skipped with that reason
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining("no longer exists") });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("skips a snapshot that is not available yet or no longer exists", async () => {
      // GIVEN one snapshot still being created; the other does not exist (default mock)
      givenDbSnapshots(dbSnapshot("creating-snap", { Status: "creating" }));

      // WHEN their events arrive
      const creating = await handle(dbSnapshotEvent("creating-snap"));
      const gone = await handle(dbSnapshotEvent("gone-snap"));

      // THEN both are skipped with the reason
      expect(creating).toMatchObject({ action: "skipped", reason: "snapshot status is creating" });
      expect(gone).toMatchObject({ action: "skipped", reason: "snapshot no longer exists" });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("a duplicate event does not copy twice: the transit copy exists and is still copying", async () => {
      // GIVEN the source snapshot and its transit copy in progress
      givenDbSnapshots(
        dbSnapshot("orders-db-snap"),
        transitDbCopy("snapshot-dr-dr-orders-db-snap", { Status: "creating" }),
      );

      // WHEN the created event is delivered again
      const result = await handle(dbSnapshotEvent("orders-db-snap"));

      // THEN nothing is copied or shared
      expect(result).toEqual({
        action: "skipped",
        reason: "transit copy already exists (status creating)",
        kind: "instance",
        snapshot: "orders-db-snap",
        existingCopySnapshot: "snapshot-dr-dr-orders-db-snap",
      });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
      expect(rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
    });

    test("a duplicate event racing the first copy (DBSnapshotAlreadyExists) is a skip, not a failure", async () => {
      // GIVEN the transit copy is not visible yet but the copy call finds it
      givenDbSnapshots(dbSnapshot("orders-db-snap"));
      rdsMock.on(CopyDBSnapshotCommand).rejects(sdkError("DBSnapshotAlreadyExistsFault", "already exists"));

      // WHEN the created event arrives
      const result = await handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it is skipped after one attempt
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining("already exists") });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      expect(sleep).not.toHaveBeenCalled();
    });

    test("a duplicate event for a source whose transit copy is available shares that copy", async () => {
      // GIVEN an available, unshared transit copy of the source
      givenDbSnapshots(dbSnapshot("orders-db-snap"), transitDbCopy("snapshot-dr-dr-orders-db-snap"));
      rdsMock.on(DescribeDBSnapshotAttributesCommand).resolves(dbRestoreAttribute("snapshot-dr-dr-orders-db-snap", []));
      rdsMock.on(ModifyDBSnapshotAttributeCommand).resolves({});

      // WHEN the source's event arrives again (e.g. a copy-finished event naming the source)
      const result = await handle(dbSnapshotEvent("orders-db-snap", "RDS-EVENT-0197", "Finished copy of snapshot"));

      // THEN the copy is shared, not copied again
      expect(result).toEqual({ action: "shared", kind: "instance", snapshot: "snapshot-dr-dr-orders-db-snap", sharedWith: DR_ACCOUNT });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("a failed copy throws naming the snapshot and the error", async () => {
      // GIVEN the copy is refused
      givenDbSnapshots(dbSnapshot("orders-db-snap"));
      rdsMock
        .on(CopyDBSnapshotCommand)
        .rejects(sdkError("KMSKeyNotAccessibleFault", "The specified KMS key is not accessible"));

      // WHEN the created event arrives
      const outcome = handle(dbSnapshotEvent("orders-db-snap"));

      // THEN the invocation fails naming the snapshot, the event and the cause, without retrying
      await expect(outcome).rejects.toThrow(
        /DB snapshot orders-db-snap \(RDS-EVENT-0042\) failed: KMSKeyNotAccessibleFault: The specified KMS key is not accessible/,
      );
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      expect(loggedDecisions()).toContainEqual(expect.objectContaining({ decision: "failed", snapshot: "orders-db-snap" }));
    });

    test("a snapshot carrying the transit marker without the prefix is neither copied nor shared", async () => {
      // GIVEN a marked snapshot whose identifier lacks TRANSIT_PREFIX
      givenDbSnapshots(transitDbCopy("manual-lookalike"));

      // WHEN its event arrives
      const result = await handle(dbSnapshotEvent("manual-lookalike"));

      // THEN it is skipped
      expect(result).toMatchObject({ action: "skipped", reason: expect.stringContaining("transit marker") });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
      expect(rdsMock.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
    });
  });

  describe("retries", () => {
    test("retries a throttled copy with backoff and then copies", async () => {
      // GIVEN the first copy attempt is throttled
      givenDbSnapshots(dbSnapshot("orders-db-snap"));
      rdsMock
        .on(CopyDBSnapshotCommand)
        .rejectsOnce(sdkError("Throttling", "Rate exceeded"))
        .resolves({});

      // WHEN the created event arrives
      const result = await handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it waits once (full jitter under 200 ms) and copies
      expect(result).toMatchObject({ action: "copied" });
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(2);
      expect(sleep).toHaveBeenCalledTimes(1);
      expect(sleep.mock.calls[0][0]).toBeGreaterThanOrEqual(0);
      expect(sleep.mock.calls[0][0]).toBeLessThan(200);
    });

    test.each(["ThrottlingException", "RequestLimitExceeded", "SnapshotQuotaExceededFault"])(
      "retries %s",
      async (code) => {
        // GIVEN the describe call fails once with this code
        rdsMock
          .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: "orders-db-snap" })
          .rejectsOnce(sdkError(code))
          .resolves({ DBSnapshots: [dbSnapshot("orders-db-snap")] });
        rdsMock.on(CopyDBSnapshotCommand).resolves({});

        // WHEN the created event arrives
        const result = await handle(dbSnapshotEvent("orders-db-snap"));

        // THEN it is retried
        expect(result).toMatchObject({ action: "copied" });
        expect(sleep).toHaveBeenCalledTimes(1);
      },
    );

    test("gives up after 6 attempts of persistent throttling", async () => {
      // GIVEN every copy attempt is throttled
      givenDbSnapshots(dbSnapshot("orders-db-snap"));
      rdsMock.on(CopyDBSnapshotCommand).rejects(sdkError("Throttling", "Rate exceeded"));
      const handle = createHandler({ rds: new RDSClient({ region: REGION }), settings: SETTINGS, sleep, random: () => 0.999 });

      // WHEN the created event arrives
      const outcome = handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it fails naming the snapshot after 6 attempts with exponentially growing jitter ceilings
      await expect(outcome).rejects.toThrow(/DB snapshot orders-db-snap .*Throttling: Rate exceeded/);
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(6);
      expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([199, 399, 799, 1598, 3196]);
    });
  });
});
