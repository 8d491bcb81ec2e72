import { DescribeSnapshotsCommand, EC2Client, type DescribeSnapshotsCommandInput, type Snapshot } from "@aws-sdk/client-ec2";
import { DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from "@aws-sdk/client-backup";
import type { Retrying } from "../../lambda/runtime/retry";
import { backupCopySource, DLM_POLICY_TAG, ebsCopyAccount, rdsCopySource, tagValue } from "./copy-provenance";
import type { DrCopy, ExpectedSource } from "./stale-sources";

/**
 * The DR-owned copies of one region, attributed to their sources: what the freshness check reads from AWS.
 * Every listing pages to the end; a failed call throws (the check then reports nothing, and the missing
 * metric raises the alarm).
 */

/** Copies found, and how many DR-owned copies could not be tied to a source (logged, never assumed fresh). */
export interface CopiesFound {
  readonly copies: DrCopy[];
  readonly unattributed: number;
}

async function describeAllSnapshots(ec2: EC2Client, input: DescribeSnapshotsCommandInput, retrying: Retrying): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  let NextToken: string | undefined;
  do {
    const page = await retrying("DescribeSnapshots", () => ec2.send(new DescribeSnapshotsCommand({ ...input, MaxResults: 1000, NextToken })));
    snapshots.push(...(page.Snapshots ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return snapshots;
}

/**
 * EBS: the completed snapshots this account owns here that a DR copy event policy made (its DLM tag names one of
 * `policyRegions`, which gives the source region), attributed to an account by {@link ebsCopyAccount}. The
 * snapshots shared with the DR account in each source region are listed only when a description needs them.
 */
export async function ebsCopies(props: {
  readonly ec2: EC2Client;
  readonly ec2Of: (region: string) => EC2Client;
  readonly drAccountId: string;
  readonly expected: readonly ExpectedSource[];
  readonly policyRegions: ReadonlyMap<string, string>;
  readonly retrying: Retrying;
}): Promise<CopiesFound> {
  const accountsOfRegion = new Map<string, Set<string>>();
  for (const source of props.expected.filter((s) => s.flow === "ebs")) {
    accountsOfRegion.set(source.region, (accountsOfRegion.get(source.region) ?? new Set()).add(source.account));
  }
  const owned = await describeAllSnapshots(props.ec2, { OwnerIds: ["self"], Filters: [{ Name: "status", Values: ["completed"] }] }, props.retrying);
  const sharedOwners = new Map<string, Map<string, string>>();
  const ownersOfSharedSnapshots = async (region: string) => {
    let owners = sharedOwners.get(region);
    if (!owners) {
      const shared = await describeAllSnapshots(props.ec2Of(region), { RestorableByUserIds: [props.drAccountId] }, props.retrying);
      owners = new Map(shared.filter((s) => s.SnapshotId && s.OwnerId).map((s) => [s.SnapshotId!, s.OwnerId!]));
      sharedOwners.set(region, owners);
    }
    return owners;
  };

  const copies: DrCopy[] = [];
  let unattributed = 0;
  for (const snapshot of owned) {
    const region = props.policyRegions.get(tagValue(snapshot.Tags, DLM_POLICY_TAG) ?? "");
    if (!region || !snapshot.StartTime) continue; // not a copy of a DR event policy
    const accounts = accountsOfRegion.get(region) ?? new Set<string>();
    let account = ebsCopyAccount(snapshot.Description, accounts, new Map());
    if (!account && /\bsnap-[0-9a-f]+/.test(snapshot.Description ?? "")) {
      account = ebsCopyAccount(snapshot.Description, accounts, await ownersOfSharedSnapshots(region));
    }
    if (account) copies.push({ account, region, flow: "ebs", createdAt: new Date(snapshot.StartTime) });
    else unattributed++;
  }
  return { copies, unattributed };
}

/** RDS: the importer's available copies here (its tag and identifier prefix), by their provenance tags. */
export async function rdsCopies(props: {
  readonly rds: RDSClient;
  readonly region: string;
  readonly importTagKey: string;
  readonly importTagValue: string;
  readonly importPrefix: string;
  readonly retrying: Retrying;
}): Promise<CopiesFound> {
  const copies: DrCopy[] = [];
  let unattributed = 0;
  const consider = (identifier: string | undefined, status: string | undefined, tags: { Key?: string; Value?: string }[] | undefined, time: Date | undefined) => {
    if (!identifier?.startsWith(props.importPrefix) || tagValue(tags, props.importTagKey) !== props.importTagValue) return;
    if (status !== "available" || !time) return;
    const source = rdsCopySource(tags, props.region);
    if (source) copies.push({ ...source, flow: "rds", createdAt: new Date(time) });
    else unattributed++;
  };
  let Marker: string | undefined;
  do {
    const page = await props.retrying("DescribeDBSnapshots", () =>
      props.rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: "manual", MaxRecords: 100, Marker })),
    );
    // OriginalSnapshotCreateTime: when the data was taken; it does not change when a snapshot is copied.
    for (const s of page.DBSnapshots ?? []) consider(s.DBSnapshotIdentifier, s.Status, s.TagList, s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime);
    Marker = page.Marker;
  } while (Marker);
  do {
    const page = await props.retrying("DescribeDBClusterSnapshots", () =>
      props.rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: "manual", MaxRecords: 100, Marker })),
    );
    for (const s of page.DBClusterSnapshots ?? []) consider(s.DBClusterSnapshotIdentifier, s.Status, s.TagList, s.SnapshotCreateTime);
    Marker = page.Marker;
  } while (Marker);
  return { copies, unattributed };
}

/**
 * AWS Backup: the completed recovery points of the DR vault here. A copy keeps its source's creation date
 * ("Copies retain their source configuration, including creation dates"), so its age is the data's age.
 */
export async function backupCopies(props: { readonly backup: BackupClient; readonly vaultName: string; readonly retrying: Retrying }): Promise<CopiesFound> {
  const copies: DrCopy[] = [];
  let unattributed = 0;
  let NextToken: string | undefined;
  do {
    const page = await props.retrying("ListRecoveryPointsByBackupVault", () =>
      props.backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: props.vaultName, MaxResults: 1000, NextToken })),
    );
    for (const point of page.RecoveryPoints ?? []) {
      if (point.Status !== "COMPLETED" || !point.CreationDate) continue;
      const source = backupCopySource(point.SourceBackupVaultArn);
      if (source) copies.push({ ...source, flow: "backup", createdAt: new Date(point.CreationDate) });
      else unattributed++;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return { copies, unattributed };
}
