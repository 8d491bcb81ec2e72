import { CopySnapshotCommand, DeleteSnapshotCommand, DescribeSnapshotsCommand, EC2Client, type DescribeSnapshotsCommandInput, type Snapshot } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler, readSettings, type SnapshotCopierEvent, type SnapshotNotificationDetail } from "../../modules/source-account/snapshot-copier/handler";

/** Fixtures of the snapshot copier's handler tests: an account, its settings, snapshots and events. */

export const SOURCE_ACCOUNT = "111111111111";
export const DR_ACCOUNT = "222222222222";
export const REGION = "us-east-1";
export const KMS_B_ALIAS_ARN = `arn:aws:kms:${REGION}:${DR_ACCOUNT}:alias/sdr/kms-b`;
export const SOURCE_KMS_KEY = `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const NOW = new Date("2025-06-01T12:00:00.000Z");

export const ENV = {
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
export const SETTINGS = readSettings(ENV);

export const SELECTION_TAG = { Key: "sdr:dr-selected", Value: "true" };
export const TRANSIT_TAG = { Key: "sdr:transit-copy", Value: "true" };

const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
export const snapshotArn = (id: string) => `arn:aws:ec2::${REGION}:snapshot/${id}`;
export const volumeArn = (id: string) => `arn:aws:ec2::${REGION}:volume/${id}`;

/** A completed snapshot of the source account selected for DR, taken `hoursOld` hours ago. */
export const selectedSnapshot = (id: string, hoursOld = 1, overrides: Partial<Snapshot> = {}): Snapshot => ({
  SnapshotId: id,
  OwnerId: SOURCE_ACCOUNT,
  State: "completed",
  VolumeId: "vol-0aaa",
  StartTime: hoursAgo(hoursOld),
  Encrypted: true,
  KmsKeyId: SOURCE_KMS_KEY,
  Tags: [SELECTION_TAG],
  ...overrides,
});

/** A transit copy of `sourceId` (of volume vol-0aaa unless given), started `hoursOld` hours ago. */
export const transitCopy = (
  id: string,
  state: Snapshot["State"],
  hoursOld: number,
  source: { snapshotId?: string; volumeId?: string; sourceHoursOld?: number } = {},
): Snapshot => ({
  SnapshotId: id,
  OwnerId: SOURCE_ACCOUNT,
  State: state,
  StartTime: hoursAgo(hoursOld),
  Tags: [
    TRANSIT_TAG,
    { Key: "SourceSnapshotId", Value: source.snapshotId ?? `snap-0f${id.slice(-3)}` },
    { Key: "SourceVolumeId", Value: source.volumeId ?? "vol-0aaa" },
    { Key: "SourceStartTime", Value: hoursAgo(source.sourceHoursOld ?? hoursOld).toISOString() },
  ],
});

export const notification = (detail: SnapshotNotificationDetail): SnapshotCopierEvent => ({
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

export const createSnapshotEvent = (snapshotId: string, result: "succeeded" | "failed" = "succeeded") =>
  notification({ event: "createSnapshot", result, cause: "", snapshot_id: snapshotArn(snapshotId), source: volumeArn("vol-0aaa") });

export const copySnapshotEvent = (copyId: string, sourceId: string, result: "succeeded" | "failed" = "succeeded", cause = "") =>
  notification({ event: "copySnapshot", result, cause, snapshot_id: snapshotArn(copyId), source: snapshotArn(sourceId) });

export const multiVolumeEvent = (snapshotIds: readonly string[]): SnapshotCopierEvent => ({
  "detail-type": "EBS Multi-Volume Snapshots Completion Status",
  source: "aws.ec2",
  region: REGION,
  detail: {
    event: "createSnapshots",
    result: "succeeded",
    snapshots: snapshotIds.map((id) => ({ snapshot_id: snapshotArn(id), source: volumeArn("vol-0aaa"), status: "completed" })),
  },
});

export const scheduledEvent: SnapshotCopierEvent = { "detail-type": "Scheduled Event", source: "aws.events", region: REGION, detail: {} };

export const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

export interface Inventory {
  readonly selected?: readonly Snapshot[];
  readonly transit?: readonly Snapshot[];
  /** Ids of the transit copies the DR account may already create volumes from. */
  readonly sharedIds?: readonly string[];
}

/** Answers the copier's two listings (selected snapshots and transit copies by tag key; transit copies shared with the DR account) and lookups by id. */
type Ec2Mock = ReturnType<typeof mockEc2>;
const mockEc2 = (client: EC2Client) => mockClient(client);

export function givenInventory(ec2Mock: Ec2Mock, inventory: Inventory): void {
  const transit = inventory.transit ?? [];
  ec2Mock.on(DescribeSnapshotsCommand).callsFake((input: DescribeSnapshotsCommandInput) => {
    if (input.SnapshotIds) return { Snapshots: transit.filter((copy) => input.SnapshotIds!.includes(copy.SnapshotId!)) };
    if (input.RestorableByUserIds) return { Snapshots: transit.filter((copy) => inventory.sharedIds?.includes(copy.SnapshotId!)) };
    const [filter, ...others] = input.Filters ?? [];
    if (others.length === 0 && filter?.Name === "tag-key" && filter.Values?.join() === `${SELECTION_TAG.Key},${TRANSIT_TAG.Key}`) {
      return { Snapshots: [...(inventory.selected ?? []), ...transit] };
    }
    throw new Error(`unexpected DescribeSnapshots ${JSON.stringify(input)}`);
  });
}

/**
 * The copier under test, for a describe block: its handler on a mocked EC2 client (reset before each test, every
 * CopySnapshot answered with a new id), the backoff's sleep, and what it copied and deleted.
 */
export function copierUnderTest() {
  const ec2Mock = mockClient(EC2Client);
  const sleep = jest.fn((_ms: number) => Promise.resolve());
  const handle = createHandler({ ec2: new EC2Client({ region: REGION }), settings: SETTINGS, now: () => NOW, sleep, random: () => 0.5 });
  let copyCount = 0;
  beforeEach(() => {
    ec2Mock.reset();
    sleep.mockClear();
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    copyCount = 0;
    ec2Mock.on(CopySnapshotCommand).callsFake(() => ({ SnapshotId: `snap-0c${String(++copyCount).padStart(3, "0")}` }));
  });
  afterEach(() => jest.restoreAllMocks());
  return {
    ec2Mock,
    sleep,
    handle,
    copiedSources: () => ec2Mock.commandCalls(CopySnapshotCommand).map((call) => call.args[0].input.SourceSnapshotId),
    deletedCopies: () => ec2Mock.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input.SnapshotId),
  };
}
