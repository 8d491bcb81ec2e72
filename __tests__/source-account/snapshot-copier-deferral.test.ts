import { CopySnapshotCommand, DescribeSnapshotsCommand, ModifySnapshotAttributeCommand } from "@aws-sdk/client-ec2";
import { copierUnderTest, givenInventory, scheduledEvent, sdkError, selectedSnapshot, transitCopy } from "./snapshot-copier-fixtures";

/**
 * The snapshot copier's handler under the copy quota, throttling and the invocation deadline: the work waits for
 * the next run instead of failing the invocation (and ending in the dead-letter queue).
 */

describe("snapshot copier handler: deferral", () => {
  const { ec2Mock, sleep, handle, copiedSources } = copierUnderTest();

  describe("quota, throttling and the deadline defer work instead of failing", () => {
    test("starts only as many copies as the 20 concurrent copies per destination Region leave", async () => {
      // GIVEN 18 copies in flight and 5 volumes waiting
      const pending = Array.from({ length: 18 }, (_, i) => transitCopy(`snap-0e${String(i).padStart(3, "0")}`, "pending", 1, { volumeId: `vol-1${i}` }));
      const waiting = Array.from({ length: 5 }, (_, i) => selectedSnapshot(`snap-0a0${i}`, 5 - i, { VolumeId: `vol-2${i}` }));
      givenInventory(ec2Mock, { selected: waiting, transit: pending });

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN the two oldest start; three wait for the next run
      expect(copiedSources()).toEqual(["snap-0a00", "snap-0a01"]);
      expect(result.deferred.copies).toBe(3);
      expect(result.copiesInFlight).toBe(20);
      expect(result.deferredBecause).toBe("copy: 18 copies in flight, quota 20");
    });

    test("ResourceLimitExceeded is not retried: the remaining copies wait for the next run and the run succeeds", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 2, { VolumeId: "vol-0001" }), selectedSnapshot("snap-0a02", 1, { VolumeId: "vol-0002" })],
      });
      ec2Mock.on(CopySnapshotCommand).rejects(sdkError("ResourceLimitExceeded", "too many snapshot copies in progress"));

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(1);
      expect(result).toMatchObject({ copied: [], deferred: { copies: 2 }, deferredBecause: "copy: ResourceLimitExceeded" });
      expect(sleep).not.toHaveBeenCalled();
    });

    test("a throttle that outlasts the retries defers the copies instead of failing the invocation", async () => {
      // GIVEN
      givenInventory(ec2Mock, { selected: [selectedSnapshot("snap-0a01")] });
      ec2Mock.on(CopySnapshotCommand).rejects(sdkError("RequestLimitExceeded"));

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN six attempts with backoff, then deferred
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(6);
      expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100, 200, 400, 800, 1600]);
      expect(result).toMatchObject({ deferred: { copies: 1 }, deferredBecause: "copy: RequestLimitExceeded" });
    });

    test("a throttle retried once then copies", async () => {
      // GIVEN
      givenInventory(ec2Mock, { selected: [selectedSnapshot("snap-0a01")] });
      ec2Mock.on(CopySnapshotCommand).rejectsOnce(sdkError("RequestLimitExceeded")).resolves({ SnapshotId: "snap-0c001" });

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(result.copied).toEqual(["snap-0c001"]);
      expect(sleep).toHaveBeenCalledTimes(1);
    });

    test("a throttled listing defers the whole run: nothing is decided on a partial picture", async () => {
      // GIVEN
      ec2Mock.on(DescribeSnapshotsCommand).rejects(sdkError("RequestLimitExceeded"));

      // WHEN
      const result = await handle(scheduledEvent);

      // THEN
      expect(result).toMatchObject({ copied: [], shared: [], deleted: [], deferredBecause: "listing snapshots: RequestLimitExceeded" });
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(0);
    });

    test("a run near its deadline starts nothing and leaves the work to the next run", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 3)],
        transit: [transitCopy("snap-0b09", "completed", 1, { volumeId: "vol-0009" })],
      });

      // WHEN
      const result = await handle(scheduledEvent, { getRemainingTimeInMillis: () => 30_000 });

      // THEN
      expect(ec2Mock.commandCalls(CopySnapshotCommand)).toHaveLength(0);
      expect(ec2Mock.commandCalls(ModifySnapshotAttributeCommand)).toHaveLength(0);
      expect(result).toMatchObject({ deferred: { copies: 1, shares: 1 }, deferredBecause: "share: invocation deadline near" });
    });

    test("another error fails that item only: the others proceed and the run throws at the end naming it", async () => {
      // GIVEN
      givenInventory(ec2Mock, {
        selected: [selectedSnapshot("snap-0a01", 2, { VolumeId: "vol-0001" }), selectedSnapshot("snap-0a02", 1, { VolumeId: "vol-0002" })],
      });
      ec2Mock
        .on(CopySnapshotCommand, { SourceSnapshotId: "snap-0a01" })
        .rejects(sdkError("AccessDenied", "not authorized to use KMS-B"))
        .on(CopySnapshotCommand, { SourceSnapshotId: "snap-0a02" })
        .resolves({ SnapshotId: "snap-0c002" });

      // WHEN
      const outcome = handle(scheduledEvent);

      // THEN
      await expect(outcome).rejects.toThrow("Reconciliation had 1 failure(s): copy snap-0a01 (AccessDenied: not authorized to use KMS-B)");
      expect(copiedSources()).toEqual(["snap-0a01", "snap-0a02"]);
    });
  });
});
