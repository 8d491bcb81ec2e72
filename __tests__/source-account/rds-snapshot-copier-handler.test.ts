import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  type DBClusterSnapshot,
  type DBSnapshot,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import {
  createHandler,
  readSettings,
  transitCopyIdentifier,
  type RdsSnapshotCopierEvent,
  type RdsSnapshotCopierHandler,
} from "../../modules/source-account/rds-snapshot-copier/handler";
import {
  isValidSnapshotIdentifier,
  snapshotIdentifier,
} from "../../modules/source-account/rds-snapshot-copier/rds-identifiers";

const SOURCE_ACCOUNT = "111111111111";
const DR_ACCOUNT = "222222222222";
const REGION = "us-east-1";
const RDS_KMS_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
/** The AWS managed key aws/rds of the source account (its key ARN, as RDS reports it). */
const AWS_RDS_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
const APP_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;
const NOW = new Date("2025-06-01T12:00:00.000Z");
const PREFIX = "snapshot-dr-dr-";

const ENV = {
  DR_ACCOUNT_ID: DR_ACCOUNT,
  SOURCE_ACCOUNT_ID: SOURCE_ACCOUNT,
  RDS_KMS_KEY_ARN,
  SELECTION_TAG_KEY: "sdr:dr-selected",
  SELECTION_TAG_VALUE: "true",
  TRANSIT_TAG_KEY: "sdr:transit-copy",
  TRANSIT_TAG_VALUE: "true",
  TRANSIT_RETENTION_HOURS: "48",
  TRANSIT_PREFIX: PREFIX,
};
const SETTINGS = readSettings(ENV);

const SELECTION_TAG = { Key: "sdr:dr-selected", Value: "true" };
const TRANSIT_TAG = { Key: "sdr:transit-copy", Value: "true" };

const dbSnapshotArn = (id: string) => `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:snapshot:${id}`;
const clusterSnapshotArn = (id: string) => `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:cluster-snapshot:${id}`;
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

/** An available manual DB snapshot of the selected instance orders-db, encrypted under an application key. */
const dbSnapshot = (id: string, overrides: Partial<DBSnapshot> = {}): DBSnapshot => ({
  DBSnapshotIdentifier: id,
  DBSnapshotArn: dbSnapshotArn(id),
  DBInstanceIdentifier: "orders-db",
  Status: "available",
  SnapshotType: "manual",
  Encrypted: true,
  KmsKeyId: APP_KEY_ARN,
  SnapshotCreateTime: NOW,
  Engine: "postgres",
  OptionGroupName: "default:postgres-16",
  TagList: [SELECTION_TAG],
  ...overrides,
});

/** An available manual DB cluster snapshot of the selected cluster ledger, encrypted under an application key. */
const clusterSnapshot = (id: string, overrides: Partial<DBClusterSnapshot> = {}): DBClusterSnapshot => ({
  DBClusterSnapshotIdentifier: id,
  DBClusterSnapshotArn: clusterSnapshotArn(id),
  DBClusterIdentifier: "ledger",
  Status: "available",
  SnapshotType: "manual",
  StorageEncrypted: true,
  KmsKeyId: APP_KEY_ARN,
  SnapshotCreateTime: NOW,
  Engine: "aurora-postgresql",
  TagList: [SELECTION_TAG],
  ...overrides,
});

/** A transit copy as the copier makes it: marker, prefix, encrypted under RDS_KMS_KEY_ARN. */
const transitDbCopy = (id: string, overrides: Partial<DBSnapshot> = {}) =>
  dbSnapshot(id, { KmsKeyId: RDS_KMS_KEY_ARN, TagList: [SELECTION_TAG, TRANSIT_TAG], ...overrides });
const transitClusterCopy = (id: string, overrides: Partial<DBClusterSnapshot> = {}) =>
  clusterSnapshot(id, { KmsKeyId: RDS_KMS_KEY_ARN, TagList: [SELECTION_TAG, TRANSIT_TAG], ...overrides });

const rdsEvent = (
  detailType: "RDS DB Snapshot Event" | "RDS DB Cluster Snapshot Event",
  sourceArn: string,
  sourceIdentifier: string,
  eventId: string,
  message: string,
): RdsSnapshotCopierEvent => ({
  version: "0",
  id: "01234567-0123-0123-0123-0123456789ab",
  "detail-type": detailType,
  source: "aws.rds",
  account: SOURCE_ACCOUNT,
  time: NOW.toISOString(),
  region: REGION,
  resources: [sourceArn],
  detail: {
    EventCategories: [detailType === "RDS DB Snapshot Event" ? "creation" : "backup"],
    SourceType: detailType === "RDS DB Snapshot Event" ? "SNAPSHOT" : "CLUSTER_SNAPSHOT",
    SourceArn: sourceArn,
    Date: NOW.toISOString(),
    SourceIdentifier: sourceIdentifier,
    Message: message,
    EventID: eventId,
  },
});

const dbSnapshotEvent = (id: string, eventId = "RDS-EVENT-0042", message = "Manual snapshot created") =>
  rdsEvent("RDS DB Snapshot Event", dbSnapshotArn(id), id, eventId, message);
const clusterSnapshotEvent = (id: string, eventId = "RDS-EVENT-0075", message = "Manual cluster snapshot created") =>
  rdsEvent("RDS DB Cluster Snapshot Event", clusterSnapshotArn(id), id, eventId, message);

const scheduledEvent: RdsSnapshotCopierEvent = {
  "detail-type": "Scheduled Event",
  source: "aws.events",
  region: REGION,
  detail: {},
};

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

const dbRestoreAttribute = (id: string, accounts: string[]) => ({
  DBSnapshotAttributesResult: {
    DBSnapshotIdentifier: id,
    DBSnapshotAttributes: [{ AttributeName: "restore", AttributeValues: accounts }],
  },
});
const clusterRestoreAttribute = (id: string, accounts: string[]) => ({
  DBClusterSnapshotAttributesResult: {
    DBClusterSnapshotIdentifier: id,
    DBClusterSnapshotAttributes: [{ AttributeName: "restore", AttributeValues: accounts }],
  },
});

describe("RDS snapshot copier handler", () => {
  const rdsMock = mockClient(RDSClient);
  let sleep: jest.Mock<Promise<void>, [number]>;
  let handle: RdsSnapshotCopierHandler;

  beforeEach(() => {
    rdsMock.reset();
    // Unknown identifiers do not exist (the transit copy lookup); tests register the snapshots that do.
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(sdkError("DBSnapshotNotFoundFault", "DBSnapshot not found"));
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .rejects(sdkError("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot not found"));
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    sleep = jest.fn((_ms: number) => Promise.resolve());
    handle = createHandler({ rds: new RDSClient({ region: REGION }), settings: SETTINGS, now: () => NOW, sleep });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const givenDbSnapshots = (...snapshots: DBSnapshot[]) => {
    for (const snapshot of snapshots) {
      rdsMock
        .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: snapshot.DBSnapshotIdentifier })
        .resolves({ DBSnapshots: [snapshot] });
    }
  };
  const givenClusterSnapshots = (...snapshots: DBClusterSnapshot[]) => {
    for (const snapshot of snapshots) {
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotIdentifier })
        .resolves({ DBClusterSnapshots: [snapshot] });
    }
  };
  const loggedDecisions = () =>
    (console.log as jest.Mock).mock.calls.map(([line]) => JSON.parse(line as string) as Record<string, unknown>);

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
      handle = createHandler({ rds: new RDSClient({ region: REGION }), settings: SETTINGS, sleep, random: () => 0.999 });

      // WHEN the created event arrives
      const outcome = handle(dbSnapshotEvent("orders-db-snap"));

      // THEN it fails naming the snapshot after 6 attempts with exponentially growing jitter ceilings
      await expect(outcome).rejects.toThrow(/DB snapshot orders-db-snap .*Throttling: Rate exceeded/);
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(6);
      expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([199, 399, 799, 1598, 3196]);
    });
  });

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

  describe("configuration", () => {
    test("readSettings parses a valid environment", () => {
      // GIVEN the environment of the function in us-east-1
      const env = { ...ENV, AWS_REGION: REGION };

      // WHEN it is read
      const settings = readSettings(env);

      // THEN every value is there, typed
      expect(settings).toEqual({
        drAccountId: DR_ACCOUNT,
        sourceAccountId: SOURCE_ACCOUNT,
        rdsKmsKeyArn: RDS_KMS_KEY_ARN,
        selectionTagKey: "sdr:dr-selected",
        selectionTagValue: "true",
        transitTagKey: "sdr:transit-copy",
        transitTagValue: "true",
        transitRetentionHours: 48,
        transitPrefix: PREFIX,
      });
    });

    test.each([
      ["DR_ACCOUNT_ID", { DR_ACCOUNT_ID: "12345" }, /DR_ACCOUNT_ID must be a 12-digit AWS account id/],
      ["RDS_KMS_KEY_ARN (an alias)", { RDS_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:alias/sdr-rds` }, /RDS_KMS_KEY_ARN must be a KMS key ARN/],
      ["RDS_KMS_KEY_ARN (another account)", { RDS_KMS_KEY_ARN: RDS_KMS_KEY_ARN.replace(SOURCE_ACCOUNT, DR_ACCOUNT) }, /RDS_KMS_KEY_ARN must be in SOURCE_ACCOUNT_ID/],
      ["RDS_KMS_KEY_ARN (another region)", { RDS_KMS_KEY_ARN: RDS_KMS_KEY_ARN.replace(REGION, "eu-west-1"), AWS_REGION: REGION }, /RDS_KMS_KEY_ARN must be in this region us-east-1/],
      ["TRANSIT_RETENTION_HOURS", { TRANSIT_RETENTION_HOURS: "0" }, /TRANSIT_RETENTION_HOURS must be a positive integer/],
      ["TRANSIT_PREFIX (uppercase)", { TRANSIT_PREFIX: "Snapshot-DR-" }, /TRANSIT_PREFIX must be a lowercase letter/],
      ["TRANSIT_PREFIX (consecutive hyphens)", { TRANSIT_PREFIX: "snapshot--dr-" }, /TRANSIT_PREFIX must be/],
      ["TRANSIT_PREFIX (too long)", { TRANSIT_PREFIX: `${"p".repeat(41)}-` }, /TRANSIT_PREFIX must be at most 40 characters/],
      ["TRANSIT_TAG_KEY (= selection key)", { TRANSIT_TAG_KEY: "sdr:dr-selected" }, /TRANSIT_TAG_KEY must differ from SELECTION_TAG_KEY/],
      ["TRANSIT_TAG_KEY (provenance)", { TRANSIT_TAG_KEY: "SourceAccount" }, /TRANSIT_TAG_KEY must not be one of/],
      ["SOURCE_ACCOUNT_ID (= DR)", { SOURCE_ACCOUNT_ID: DR_ACCOUNT }, /DR_ACCOUNT_ID must differ from SOURCE_ACCOUNT_ID/],
    ])("readSettings rejects a bad %s naming the variable", (_case, overrides, message) => {
      // GIVEN an environment with one bad value
      const env = { ...ENV, ...overrides };

      // WHEN it is read
      const read = () => readSettings(env);

      // THEN the error names the variable
      expect(read).toThrow(message);
    });

    test("readSettings lists every problem at once", () => {
      // GIVEN two missing variables and a bad one
      const { SELECTION_TAG_KEY: _key, TRANSIT_PREFIX: _prefix, ...env } = { ...ENV, DR_ACCOUNT_ID: "x" };

      // WHEN it is read
      const read = () => readSettings(env);

      // THEN all three are named
      expect(read).toThrow(/DR_ACCOUNT_ID must be .*SELECTION_TAG_KEY is not set.*TRANSIT_PREFIX is not set/);
    });
  });

  describe("identifier sanitation", () => {
    test.each([
      ["a valid manual id", "orders-db-before-upgrade", "instance", "snapshot-dr-dr-orders-db-before-upgrade"],
      ["uppercase (RDS stores identifiers lowercase)", "Orders-DB", "instance", "snapshot-dr-dr-orders-db"],
    ] as const)("keeps %s readable without a hash", (_case, source, kind, expected) => {
      // GIVEN a source identifier that sanitizes without loss
      // WHEN the transit identifier is derived
      const identifier = transitCopyIdentifier(PREFIX, source, kind);

      // THEN it is the prefix and the lowercased source
      expect(identifier).toBe(expected);
    });

    test.each([
      ["the automated rds: prefix", "rds:orders-db-2025-06-01-11-05", "instance", /^snapshot-dr-dr-rds-orders-db-2025-06-01-11-05-[0-9a-f]{8}$/],
      ["AWS Backup ids", "awsbackup:job-1234_ABCD", "instance", /^snapshot-dr-dr-awsbackup-job-1234-abcd-[0-9a-f]{8}$/],
      ["runs of invalid characters (no consecutive hyphens)", "a::b__c..--d", "instance", /^snapshot-dr-dr-a-b-c-d-[0-9a-f]{8}$/],
      ["only invalid characters", ":::", "cluster", /^snapshot-dr-dr-[0-9a-f]{8}$/],
    ] as const)("hashes when sanitizing %s loses information", (_case, source, kind, expected) => {
      // GIVEN a source identifier with characters RDS does not allow in a target
      // WHEN the transit identifier is derived
      const identifier = transitCopyIdentifier(PREFIX, source, kind);

      // THEN it is valid, readable and carries the hash
      expect(identifier).toMatch(expected);
      expect(isValidSnapshotIdentifier(identifier, kind)).toBe(true);
    });

    test("respects 255 characters for DB snapshots and 63 for cluster snapshots, deterministically", () => {
      // GIVEN a 255-character source identifier and two that differ only at the end
      const long = `a${"b".repeat(250)}-xyz`;
      const other = `a${"b".repeat(250)}-xyw`;

      // WHEN transit identifiers are derived for both kinds
      const instance = transitCopyIdentifier(PREFIX, long, "instance");
      const cluster = transitCopyIdentifier(PREFIX, long, "cluster");

      // THEN they fit, are valid, end with the hash, are stable and distinct for distinct sources
      expect(instance).toHaveLength(255);
      expect(cluster).toHaveLength(63);
      expect(isValidSnapshotIdentifier(instance, "instance")).toBe(true);
      expect(isValidSnapshotIdentifier(cluster, "cluster")).toBe(true);
      expect(transitCopyIdentifier(PREFIX, long, "cluster")).toBe(cluster);
      expect(transitCopyIdentifier(PREFIX, other, "cluster")).not.toBe(cluster);
      expect(transitCopyIdentifier(PREFIX, other, "instance")).not.toBe(instance);
    });

    test("a truncation never leaves a hyphen before the hash separator", () => {
      // GIVEN a source whose truncation point falls on a hyphen
      const source = `${"a".repeat(38)}-${"b".repeat(30)}`;

      // WHEN the cluster identifier is derived (room for 39 readable characters)
      const identifier = transitCopyIdentifier(PREFIX, source, "cluster");

      // THEN no consecutive hyphens or trailing hyphen appear
      expect(identifier).toMatch(new RegExp(`^snapshot-dr-dr-a{38}-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(identifier, "cluster")).toBe(true);
    });

    test("distinct sources that sanitize alike get distinct identifiers", () => {
      // GIVEN an automated id and a manual id that sanitize to the same text
      // WHEN both are derived
      const automated = transitCopyIdentifier(PREFIX, "rds:db-1", "instance");
      const manual = transitCopyIdentifier(PREFIX, "rds-db-1", "instance");

      // THEN they differ
      expect(manual).toBe("snapshot-dr-dr-rds-db-1");
      expect(automated).not.toBe(manual);
    });

    test("an invalid prefix is refused", () => {
      // GIVEN a prefix starting with a digit
      // WHEN an identifier is derived
      const derive = () => snapshotIdentifier("1dr-", ["x"], "instance");

      // THEN it throws
      expect(derive).toThrow(/prefix "1dr-" must be/);
    });
  });
});
