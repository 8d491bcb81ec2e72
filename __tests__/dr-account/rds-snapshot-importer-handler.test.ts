import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { importCopyIdentifier, type RdsSnapshotImporterHandler } from "../../modules/dr-account/rds-snapshot-importer/handler";
import { isValidSnapshotIdentifier } from "../../modules/source-account/rds-snapshot-copier/rds-identifiers";
import {
  DR_KMS_KEY_ARN,
  NOW,
  PREFIX,
  REGION,
  SOURCE_A,
  SOURCE_B,
  UNLISTED,
  clusterSnapshotArn,
  givenManual,
  importDb,
  importerWithClientsUnderTest,
  loggedDecisions,
  provenance,
  restoreImporterMocks,
  scheduledEvent,
  sdkError,
  sharedCluster,
  sharedDb,
} from "./rds-importer-fixtures";

/** What the importer copies from the shared snapshots, under which identifiers, and how it retries. */
describe("RDS snapshot importer handler", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let sleep: jest.Mock<Promise<void>, [number]>;
  let handle: RdsSnapshotImporterHandler;
  let givenShared: ReturnType<typeof importerWithClientsUnderTest>["givenShared"];

  beforeEach(() => ({ primaryMock, secondaryMock, sleep, handle, givenShared } = importerWithClientsUnderTest(NOW)));

  afterEach(() => restoreImporterMocks(primaryMock, secondaryMock));

  describe("import", () => {
    test("imports only snapshots shared by the listed accounts, by ARN, under the DR key", async () => {
      // GIVEN DB snapshots shared by a listed account, an unlisted one and a listed one still being shared,
      // and a cluster snapshot shared by the other listed account
      const orders = sharedDb(SOURCE_A, "snapshot-dr-dr-orders-db-before-upgrade");
      givenShared(
        [
          orders,
          sharedDb(UNLISTED, "snapshot-dr-dr-intruder"),
          sharedDb(SOURCE_B, "snapshot-dr-dr-still-copying", { Status: "copying" }),
        ],
        [sharedCluster(SOURCE_B, "snapshot-dr-dr-ledger-nightly")],
      );

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN shared snapshots were listed as such
      for (const command of [DescribeDBSnapshotsCommand, DescribeDBClusterSnapshotsCommand] as const) {
        const inputs = primaryMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
        expect(inputs).toContainEqual({ SnapshotType: "shared", IncludeShared: true });
      }
      // AND the listed account's DB snapshot was copied by its ARN under the DR key, with marker and provenance
      const dbCopies = primaryMock.commandCalls(CopyDBSnapshotCommand);
      expect(dbCopies).toHaveLength(1);
      expect(dbCopies[0].args[0].input).toEqual({
        SourceDBSnapshotIdentifier: orders.DBSnapshotArn,
        TargetDBSnapshotIdentifier: `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders-db-before-upgrade`,
        KmsKeyId: DR_KMS_KEY_ARN,
        Tags: provenance(orders.DBSnapshotArn!),
      });
      // AND the cluster snapshot too, into a valid identifier of at most 63 characters
      const clusterCopies = primaryMock.commandCalls(CopyDBClusterSnapshotCommand);
      expect(clusterCopies).toHaveLength(1);
      const clusterInput = clusterCopies[0].args[0].input;
      expect(clusterInput.SourceDBClusterSnapshotIdentifier).toBe(
        clusterSnapshotArn(REGION, SOURCE_B, "snapshot-dr-dr-ledger-nightly"),
      );
      expect(clusterInput.KmsKeyId).toBe(DR_KMS_KEY_ARN);
      expect(clusterInput.TargetDBClusterSnapshotIdentifier).toBe(
        `snapshot-dr-imp-${SOURCE_B}-snapshot-dr-dr-ledger-nightly`,
      );
      expect(clusterInput.Tags).toContainEqual({ Key: "SourceAccount", Value: SOURCE_B });
      expect(result).toEqual({
        action: "import",
        imported: [
          `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders-db-before-upgrade`,
          `snapshot-dr-imp-${SOURCE_B}-snapshot-dr-dr-ledger-nightly`,
        ],
        copiedToSecondary: [],
        deleted: [],
        skipped: 2,
        quotaProblems: [],
        deferred: [],
      });
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ decision: "skipped", reason: expect.stringContaining(`${UNLISTED}, which is not in SOURCE_ACCOUNT_IDS`) }),
      );
    });

    test("skips snapshots already imported, also when the copy call races", async () => {
      // GIVEN two shared snapshots; the first has an import copy here, the second's copy appears concurrently
      const first = sharedDb(SOURCE_A, "snapshot-dr-dr-first");
      const second = sharedDb(SOURCE_A, "snapshot-dr-dr-second");
      givenShared([first, second]);
      givenManual(primaryMock, [importDb(REGION, `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-first`, { Status: "creating" })]);
      primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("DBSnapshotAlreadyExistsFault", "exists"));

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN only the second was attempted, and neither counts as a failure
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand).map((call) => call.args[0].input.SourceDBSnapshotIdentifier)).toEqual([
        second.DBSnapshotArn,
      ]);
      expect(result).toMatchObject({ imported: [], skipped: 2 });
    });

    test("skips an unencrypted shared cluster snapshot with the reason", async () => {
      // GIVEN an unencrypted cluster snapshot shared by a listed account
      givenShared([], [sharedCluster(SOURCE_A, "snapshot-dr-dr-plain-ledger", { StorageEncrypted: false, KmsKeyId: undefined })]);

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN it is not copied
      expect(result).toMatchObject({ imported: [], skipped: 1 });
      expect(primaryMock.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ reason: expect.stringContaining("cannot encrypt a cluster snapshot") }),
      );
    });

    test("logs the option group limitation of a snapshot with a custom option group", async () => {
      // GIVEN a shared Oracle snapshot with a custom option group
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-oracle-snap", { Engine: "oracle-ee", OptionGroupName: "orders-oracle-tde" })]);

      // WHEN the hourly run starts
      await handle(scheduledEvent);

      // THEN it is imported and the limitation is logged
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ decision: "limitation", optionGroupName: "orders-oracle-tde", engine: "oracle-ee" }),
      );
    });

    test("pages through shared snapshots with Marker", async () => {
      // GIVEN shared DB snapshots on two pages
      primaryMock
        .on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" })
        .resolvesOnce({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-page-one")], Marker: "next" })
        .resolvesOnce({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-page-two")] });

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN both pages were read and imported
      const sharedLists = primaryMock
        .commandCalls(DescribeDBSnapshotsCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.SnapshotType === "shared");
      expect(sharedLists).toEqual([
        { SnapshotType: "shared", IncludeShared: true },
        { SnapshotType: "shared", IncludeShared: true, Marker: "next" },
      ]);
      expect(result.imported).toEqual([`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-page-one`, `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-page-two`]);
    });

    test("one failed import does not stop the others; the failure is thrown at the end naming the snapshot", async () => {
      // GIVEN two shared snapshots; the DR key refuses the first
      const broken = sharedDb(SOURCE_A, "snapshot-dr-dr-broken");
      const fine = sharedDb(SOURCE_B, "snapshot-dr-dr-fine");
      givenShared([broken, fine]);
      primaryMock
        .on(CopyDBSnapshotCommand, { SourceDBSnapshotIdentifier: broken.DBSnapshotArn })
        .rejects(sdkError("KMSKeyNotAccessibleFault", "key not accessible"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN the second was imported and the first named in the error
      await expect(outcome).rejects.toThrow(
        new RegExp(`imported 1, .*1 failure\\(s\\): import of DB snapshot ${broken.DBSnapshotArn} into .*KMSKeyNotAccessibleFault: key not accessible`),
      );
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(2);
    });

    test("retries a throttled listing and then imports", async () => {
      // GIVEN the shared listing is throttled once
      primaryMock
        .on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" })
        .rejectsOnce(sdkError("ThrottlingException", "Rate exceeded"))
        .resolves({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-after-throttle")] });

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN it waited once and imported
      expect(sleep).toHaveBeenCalledTimes(1);
      expect(result.imported).toEqual([`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-after-throttle`]);
    });

    test("persistent throttling of a copy gives up after 6 attempts and leaves the imports to the next run", async () => {
      // GIVEN every copy attempt is throttled
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-throttled")]);
      primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("Throttling", "Rate exceeded"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN it gives up this run without failing it
      await expect(outcome).resolves.toMatchObject({ imported: [], deferred: ["import: Throttling in eu-west-1"] });
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(6);
      expect(sleep).toHaveBeenCalledTimes(5);
    });
  });

  describe("import identifiers", () => {
    test("are prefix, source account and sanitized id; hashed when too long for a cluster snapshot", () => {
      // GIVEN a short and a long transit copy name
      const long = `snapshot-dr-dr-rds-ledger-production-primary-cluster-2025-06-01-11-05-1a2b3c4d`;

      // WHEN import identifiers are derived
      const instance = importCopyIdentifier(PREFIX, SOURCE_A, "snapshot-dr-dr-orders", "instance");
      const cluster = importCopyIdentifier(PREFIX, SOURCE_A, long, "cluster");
      const otherAccount = importCopyIdentifier(PREFIX, SOURCE_B, long, "cluster");

      // THEN they are valid, bounded, deterministic and distinct per source account
      expect(instance).toBe(`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders`);
      expect(cluster).toHaveLength(63);
      expect(cluster).toMatch(new RegExp(`^snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-rds-ledger-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(cluster, "cluster")).toBe(true);
      expect(importCopyIdentifier(PREFIX, SOURCE_A, long, "cluster")).toBe(cluster);
      expect(otherAccount).not.toBe(cluster);
    });

    test("sanitize invalid characters of a shared automated-looking name", () => {
      // GIVEN a name with a colon and underscores
      // WHEN the identifier is derived
      const identifier = importCopyIdentifier(PREFIX, SOURCE_A, "rds:odd__name", "instance");

      // THEN it is valid and hashed
      expect(identifier).toMatch(new RegExp(`^snapshot-dr-imp-${SOURCE_A}-rds-odd-name-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(identifier, "instance")).toBe(true);
    });
  });
});
