import type { DescribeSnapshotsCommandInput, Snapshot, Tag } from "@aws-sdk/client-ec2";
import type { SimSnapshot } from "./ec2-model";

/**
 * The snapshots one account owns in one region, and the DescribeSnapshots answers the model gives it. Each
 * listing the account asked for keeps its matching snapshots up to date as snapshots change, so that an answer
 * never scans the account's inventory again: the simulation asks hundreds of thousands of times, and scanning a
 * thousand accounts' snapshots touches more memory than a processor's cache holds.
 */
export class AccountSnapshots {
  readonly snapshots = new Map<string, SimSnapshot>();
  copiesInProgress = 0;
  private readonly listings = new Map<string, Listing>();

  add(snapshot: SimSnapshot): void {
    this.snapshots.set(snapshot.id, snapshot);
    this.changed(snapshot);
  }

  delete(snapshot: SimSnapshot): void {
    this.snapshots.delete(snapshot.id);
    this.changed(snapshot);
  }

  /** A snapshot was added, changed or deleted: the listings it leaves, joins or stays in are updated. */
  changed(snapshot: SimSnapshot): void {
    const present = this.snapshots.has(snapshot.id);
    for (const listing of this.listings.values()) {
      if (present && listing.matches(snapshot)) listing.members.set(snapshot, describe(snapshot));
      else if (!listing.members.delete(snapshot)) continue;
      listing.answer = undefined;
    }
  }

  /** DescribeSnapshots of the caller's own snapshots (`OwnerIds: ["self"]`), in one page. */
  list(input: DescribeSnapshotsCommandInput): Snapshot[] {
    if (input.NextToken) throw new Error("The model answers in one page");
    const query = queryKey(input);
    let listing = this.listings.get(query);
    if (!listing) {
      if (input.OwnerIds?.length !== 1 || input.OwnerIds[0] !== "self") throw new Error("The model lists the caller's own snapshots only");
      const matches = snapshotMatcher(input);
      const members = new Map<SimSnapshot, Snapshot>();
      for (const snapshot of this.snapshots.values()) if (matches(snapshot)) members.set(snapshot, describe(snapshot));
      this.listings.set(query, (listing = { matches, members }));
    }
    return (listing.answer ??= [...listing.members.values()]);
  }
}

interface Listing {
  readonly matches: (snapshot: SimSnapshot) => boolean;
  /** The matching snapshots and their descriptions, in the order they joined. */
  readonly members: Map<SimSnapshot, Snapshot>;
  answer?: Snapshot[];
}

/** The snapshots of `pool` that match, as DescribeSnapshots answers them. */
export function describeMatching(pool: Iterable<SimSnapshot>, matches: (snapshot: SimSnapshot) => boolean): Snapshot[] {
  const answer: Snapshot[] = [];
  for (const snapshot of pool) if (matches(snapshot)) answer.push(describe(snapshot));
  return answer;
}

/** A snapshot as DescribeSnapshots answers it now. */
function describe(s: SimSnapshot): Snapshot {
  return {
    SnapshotId: s.id,
    OwnerId: s.ownerId,
    State: s.state,
    StartTime: new Date(s.startTime),
    VolumeId: s.volumeId,
    KmsKeyId: s.kmsKeyId,
    Encrypted: true,
    Description: s.description,
    Tags: s.tags, // read-only to the copier
  };
}

/** What makes two listings the same question: the owners, the restorable-by list and every filter's name and values. */
function queryKey(input: DescribeSnapshotsCommandInput): string {
  let key = input.OwnerIds ? input.OwnerIds.join(",") : "";
  if (input.RestorableByUserIds) key += `|R=${input.RestorableByUserIds.join(",")}`;
  if (input.Filters) for (const filter of input.Filters) key += `|${filter.Name}=${filter.Values?.join(",")}`;
  return key;
}

/** DescribeSnapshots' RestorableByUserIds and the filters the copiers use (status, tag:<key>, tag-key), as one test. */
export function snapshotMatcher(input: DescribeSnapshotsCommandInput): (snapshot: SimSnapshot) => boolean {
  const restorableBy = input.RestorableByUserIds;
  const states: (readonly string[])[] = [];
  const tags: { readonly key: string; readonly values: readonly string[] }[] = [];
  const tagKeys: (readonly string[])[] = [];
  for (const filter of input.Filters ?? []) {
    const values = filter.Values ?? [];
    if (filter.Name === "status") states.push(values);
    else if (filter.Name === "tag-key") tagKeys.push(values);
    else if (filter.Name?.startsWith("tag:")) tags.push({ key: filter.Name.slice(4), values });
    else throw new Error(`The model does not filter on ${filter.Name}`);
  }
  // Loops rather than some/every with closures: this runs for every snapshot of every listing answered afresh.
  return (snapshot) => {
    if (restorableBy && !restorableBy.some((user) => snapshot.sharedWith.has(user))) return false;
    for (const values of states) if (!values.includes(snapshot.state)) return false;
    for (const { key, values } of tags) if (!hasTag(snapshot.tags, key, values)) return false;
    for (const keys of tagKeys) if (!snapshot.tags.some((tag) => keys.includes(tag.Key ?? ""))) return false;
    return true;
  };
}

function hasTag(tags: readonly Tag[], key: string, values: readonly string[]): boolean {
  for (const tag of tags) if (tag.Key === key && values.includes(tag.Value ?? "")) return true;
  return false;
}
