import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshot,
  type DBSnapshot,
} from "@aws-sdk/client-rds";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { createHandler, readSettings, type RdsSnapshotImporterEvent } from "../../modules/dr-account/rds-snapshot-importer/handler";

/** Fixtures of the RDS importer's handler tests: accounts, keys, settings, shared snapshots and import copies. */

export const DR_ACCOUNT = "222222222222";
export const SOURCE_A = "111111111111";
export const SOURCE_B = "444444444444";
export const UNLISTED = "333333333333";
export const REGION = "eu-west-1";
export const SECONDARY = "eu-central-1";
export const DR_KMS_KEY_ARN = `arn:aws:kms:${REGION}:${DR_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const SECONDARY_KMS_KEY_ARN = `arn:aws:kms:${SECONDARY}:${DR_ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;
export const NOW = new Date("2025-06-01T12:00:00.000Z");
export const PREFIX = "snapshot-dr-imp-";

export const ENV = {
  DR_ACCOUNT_ID: DR_ACCOUNT,
  SOURCE_ACCOUNT_IDS: `${SOURCE_A}, ${SOURCE_B}`,
  DR_KMS_KEY_ARN,
  SECONDARY_REGION: SECONDARY,
  SECONDARY_KMS_KEY_ARN,
  RETENTION_DAYS: "7",
  IMPORT_TAG_KEY: "sdr:dr-import",
  IMPORT_TAG_VALUE: "true",
  IMPORT_PREFIX: PREFIX,
  SOURCE_TRANSIT_PREFIX: "snapshot-dr-dr-",
};
export const SETTINGS = readSettings(ENV);
export const { SECONDARY_REGION: _region, SECONDARY_KMS_KEY_ARN: _key, ...PRIMARY_ONLY_ENV } = ENV;

export const IMPORT_TAG = { Key: "sdr:dr-import", Value: "true" };
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

export const snapshotArn = (region: string, account: string, id: string) => `arn:aws:rds:${region}:${account}:snapshot:${id}`;
export const clusterSnapshotArn = (region: string, account: string, id: string) =>
  `arn:aws:rds:${region}:${account}:cluster-snapshot:${id}`;
export const sourceKey = (account: string) => `arn:aws:kms:${REGION}:${account}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

/** A DB snapshot shared with the DR account; RDS reports a shared snapshot's identifier as its ARN. */
export const sharedDb = (account: string, id: string, overrides: Partial<DBSnapshot> = {}): DBSnapshot => ({
  DBSnapshotIdentifier: snapshotArn(REGION, account, id),
  DBSnapshotArn: snapshotArn(REGION, account, id),
  DBInstanceIdentifier: "orders-db",
  Status: "available",
  SnapshotType: "shared",
  Encrypted: true,
  KmsKeyId: sourceKey(account),
  SnapshotCreateTime: NOW,
  Engine: "postgres",
  OptionGroupName: "default:postgres-16",
  ...overrides,
});

export const sharedCluster = (account: string, id: string, overrides: Partial<DBClusterSnapshot> = {}): DBClusterSnapshot => ({
  DBClusterSnapshotIdentifier: clusterSnapshotArn(REGION, account, id),
  DBClusterSnapshotArn: clusterSnapshotArn(REGION, account, id),
  DBClusterIdentifier: "ledger",
  Status: "available",
  SnapshotType: "shared",
  StorageEncrypted: true,
  KmsKeyId: sourceKey(account),
  SnapshotCreateTime: NOW,
  Engine: "aurora-postgresql",
  ...overrides,
});

export const provenance = (sourceArn: string, account = SOURCE_A) => [
  IMPORT_TAG,
  { Key: "SourceAccount", Value: account },
  { Key: "SourceSnapshotArn", Value: sourceArn },
];

/** An import copy owned by the DR account, in the given region. */
export const importDb = (region: string, id: string, overrides: Partial<DBSnapshot> = {}): DBSnapshot => ({
  DBSnapshotIdentifier: id,
  DBSnapshotArn: snapshotArn(region, DR_ACCOUNT, id),
  DBInstanceIdentifier: "orders-db",
  Status: "available",
  SnapshotType: "manual",
  Encrypted: true,
  KmsKeyId: region === REGION ? DR_KMS_KEY_ARN : SECONDARY_KMS_KEY_ARN,
  SnapshotCreateTime: daysAgo(1),
  Engine: "postgres",
  TagList: provenance(snapshotArn(REGION, SOURCE_A, "snapshot-dr-dr-orders")),
  ...overrides,
});

export const importCluster = (region: string, id: string, overrides: Partial<DBClusterSnapshot> = {}): DBClusterSnapshot => ({
  DBClusterSnapshotIdentifier: id,
  DBClusterSnapshotArn: clusterSnapshotArn(region, DR_ACCOUNT, id),
  DBClusterIdentifier: "ledger",
  Status: "available",
  SnapshotType: "manual",
  StorageEncrypted: true,
  KmsKeyId: region === REGION ? DR_KMS_KEY_ARN : SECONDARY_KMS_KEY_ARN,
  SnapshotCreateTime: daysAgo(1),
  Engine: "aurora-postgresql",
  TagList: provenance(clusterSnapshotArn(REGION, SOURCE_A, "snapshot-dr-dr-ledger")),
  ...overrides,
});

export const scheduledEvent: RdsSnapshotImporterEvent = {
  version: "0",
  id: "01234567-0123-0123-0123-0123456789ab",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: DR_ACCOUNT,
  time: NOW.toISOString(),
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${DR_ACCOUNT}:rule/sdr-rds-import`],
  detail: {},
};

export const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

/** RDS clients of both regions, mocked: empty lists and successful copies and deletions unless a test says otherwise. */
export function mockRdsClients() {
  const primaryClient = new RDSClient({ region: REGION });
  const secondaryClient = new RDSClient({ region: SECONDARY });
  const primaryMock = mockClient(primaryClient);
  const secondaryMock = mockClient(secondaryClient);
  // Later, more specific definitions win.
  for (const mock of [primaryMock, secondaryMock]) {
    mock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    mock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    mock.on(CopyDBSnapshotCommand).resolves({});
    mock.on(CopyDBClusterSnapshotCommand).resolves({});
    mock.on(DeleteDBSnapshotCommand).resolves({});
    mock.on(DeleteDBClusterSnapshotCommand).resolves({});
  }
  return { primaryClient, secondaryClient, primaryMock, secondaryMock };
}

/** Lets the manual-snapshot listings of `mock`'s region answer with these snapshots (import copies and lookalikes). */
export function givenManual(mock: AwsClientStub<RDSClient>, dbSnapshots: DBSnapshot[], clusterSnapshots: DBClusterSnapshot[] = []) {
  mock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBSnapshots: dbSnapshots });
  mock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBClusterSnapshots: clusterSnapshots });
}

/** The importer's log lines so far, parsed (console.log spied by the setups below). */
export const loggedDecisions = () =>
  (console.log as jest.Mock).mock.calls.map(([line]) => JSON.parse(line as string) as Record<string, unknown>);

/**
 * The importer under test at `now` with everything a test may build on, for a beforeEach: its handler on freshly
 * mocked clients of both regions (the clients too, to build other handlers), its backoff wait recorded and instant,
 * its log lines parsed (console.log spied: restore with jest.restoreAllMocks), and `givenShared` to set what the
 * primary region's shared-snapshot listings answer.
 */
export function importerWithClientsUnderTest(now: Date) {
  const { primaryClient, secondaryClient, primaryMock, secondaryMock } = mockRdsClients();
  const lines: Record<string, unknown>[] = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(JSON.parse(line)));
  const sleep = jest.fn((_ms: number) => Promise.resolve());
  const handle = createHandler({ rds: primaryClient, secondaryRds: secondaryClient, settings: SETTINGS, now: () => now, sleep });
  const givenShared = (dbSnapshots: DBSnapshot[], clusterSnapshots: DBClusterSnapshot[] = []) => {
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" }).resolves({ DBSnapshots: dbSnapshots });
    primaryMock.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" }).resolves({ DBClusterSnapshots: clusterSnapshots });
  };
  return { primaryClient, secondaryClient, primaryMock, secondaryMock, sleep, handle, lines, givenShared };
}

/** For an afterEach: the clients' mocks and the console.log spy restored. */
export function restoreImporterMocks(...mocks: AwsClientStub<RDSClient>[]) {
  for (const mock of mocks) mock.restore();
  jest.restoreAllMocks();
}

/**
 * The importer under test at `now`, for a beforeEach: its handler on freshly mocked clients of both regions, its
 * log lines parsed (console.log spied: restore with jest.restoreAllMocks), no backoff wait.
 */
export function importerUnderTest(now: Date) {
  const { primaryMock, secondaryMock, handle, lines } = importerWithClientsUnderTest(now);
  return { primaryMock, secondaryMock, handle, lines };
}
