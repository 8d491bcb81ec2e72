import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshot,
  type DBSnapshot,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler, readSettings, type RdsSnapshotCopierEvent } from "../../modules/source-account/rds-snapshot-copier/handler";

/** Fixtures of the RDS snapshot copier's handler tests: an account, its settings, snapshots, events and the mocked RDS. */

export const SOURCE_ACCOUNT = "111111111111";
export const DR_ACCOUNT = "222222222222";
export const REGION = "us-east-1";
export const RDS_KMS_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
/** The AWS managed key aws/rds of the source account (its key ARN, as RDS reports it). */
export const AWS_RDS_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
export const APP_KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;
export const NOW = new Date("2025-06-01T12:00:00.000Z");
export const PREFIX = "snapshot-dr-dr-";

export const ENV = {
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
export const SETTINGS = readSettings(ENV);

export const SELECTION_TAG = { Key: "sdr:dr-selected", Value: "true" };
export const TRANSIT_TAG = { Key: "sdr:transit-copy", Value: "true" };

export const dbSnapshotArn = (id: string) => `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:snapshot:${id}`;
export const clusterSnapshotArn = (id: string) => `arn:aws:rds:${REGION}:${SOURCE_ACCOUNT}:cluster-snapshot:${id}`;
export const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

/** An available manual DB snapshot of the selected instance orders-db, encrypted under an application key. */
export const dbSnapshot = (id: string, overrides: Partial<DBSnapshot> = {}): DBSnapshot => ({
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
export const clusterSnapshot = (id: string, overrides: Partial<DBClusterSnapshot> = {}): DBClusterSnapshot => ({
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
export const transitDbCopy = (id: string, overrides: Partial<DBSnapshot> = {}) =>
  dbSnapshot(id, { KmsKeyId: RDS_KMS_KEY_ARN, TagList: [SELECTION_TAG, TRANSIT_TAG], ...overrides });
export const transitClusterCopy = (id: string, overrides: Partial<DBClusterSnapshot> = {}) =>
  clusterSnapshot(id, { KmsKeyId: RDS_KMS_KEY_ARN, TagList: [SELECTION_TAG, TRANSIT_TAG], ...overrides });

export const rdsEvent = (
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

export const dbSnapshotEvent = (id: string, eventId = "RDS-EVENT-0042", message = "Manual snapshot created") =>
  rdsEvent("RDS DB Snapshot Event", dbSnapshotArn(id), id, eventId, message);
export const clusterSnapshotEvent = (id: string, eventId = "RDS-EVENT-0075", message = "Manual cluster snapshot created") =>
  rdsEvent("RDS DB Cluster Snapshot Event", clusterSnapshotArn(id), id, eventId, message);

export const scheduledEvent: RdsSnapshotCopierEvent = {
  "detail-type": "Scheduled Event",
  source: "aws.events",
  region: REGION,
  detail: {},
};

export const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

export const dbRestoreAttribute = (id: string, accounts: string[]) => ({
  DBSnapshotAttributesResult: {
    DBSnapshotIdentifier: id,
    DBSnapshotAttributes: [{ AttributeName: "restore", AttributeValues: accounts }],
  },
});
export const clusterRestoreAttribute = (id: string, accounts: string[]) => ({
  DBClusterSnapshotAttributesResult: {
    DBClusterSnapshotIdentifier: id,
    DBClusterSnapshotAttributes: [{ AttributeName: "restore", AttributeValues: accounts }],
  },
});


/**
 * The copier under test, for a describe block: its handler on a mocked RDS client (reset before each test; a snapshot
 * not registered with givenDbSnapshots/givenClusterSnapshots does not exist), the backoff's sleep, and its log.
 */
export function rdsCopierUnderTest() {
  const rdsMock = mockClient(RDSClient);
  const sleep = jest.fn((_ms: number) => Promise.resolve());
  const handle = createHandler({ rds: new RDSClient({ region: REGION }), settings: SETTINGS, now: () => NOW, sleep });

  beforeEach(() => {
    rdsMock.reset();
    // Unknown identifiers do not exist (the transit copy lookup); tests register the snapshots that do.
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(sdkError("DBSnapshotNotFoundFault", "DBSnapshot not found"));
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .rejects(sdkError("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot not found"));
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    sleep.mockReset();
    sleep.mockImplementation((_ms: number) => Promise.resolve());
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  return {
    rdsMock,
    sleep,
    handle,
    givenDbSnapshots: (...snapshots: DBSnapshot[]) => {
      for (const snapshot of snapshots) {
        rdsMock
          .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: snapshot.DBSnapshotIdentifier })
          .resolves({ DBSnapshots: [snapshot] });
      }
    },
    givenClusterSnapshots: (...snapshots: DBClusterSnapshot[]) => {
      for (const snapshot of snapshots) {
        rdsMock
          .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotIdentifier })
          .resolves({ DBClusterSnapshots: [snapshot] });
      }
    },
    loggedDecisions: () =>
      (console.log as jest.Mock).mock.calls.map(([line]) => JSON.parse(line as string) as Record<string, unknown>),
  };
}
