import { CopySnapshotCommand, DeleteSnapshotCommand, DescribeSnapshotsCommand, ModifySnapshotAttributeCommand, type Tag } from "@aws-sdk/client-ec2";
import type { Ec2Sender } from "../../modules/source-account/snapshot-copier/handler";
import { AccountSnapshots, describeMatching, snapshotMatcher } from "./account-snapshots";
import { between, MINUTE, type SimClock } from "./sim-clock";

/**
 * An in-memory model of the EBS snapshot API of many accounts in one or more regions, for the estate simulation.
 * It enforces what the copiers must live with:
 * - at most 20 copies in progress per account and destination Region ("Concurrent snapshot copies per destination
 *   Region", not adjustable): one more CopySnapshot answers `ResourceLimitExceeded`;
 * - a copy is incremental, and fast, only when the destination already holds a completed copy of the same volume
 *   under the same key; otherwise it is a full copy and slow;
 * - a share of all calls is throttled (`RequestLimitExceeded`);
 * - deleting a snapshot that a copy in progress reads fails that copy.
 *
 * One model can hold many accounts; the estate simulation gives each source account a model of its own and the DR
 * account another, which adopts the snapshots shared with it (the ids carry the model's prefix, so they stay unique).
 */

export const COPY_QUOTA_PER_REGION = 20;

export interface CopyDurations {
  /** Minutes, uniform between the two. */
  readonly incremental: readonly [number, number];
  readonly full: readonly [number, number];
  readonly snapshot: readonly [number, number];
}

export interface SimSnapshot {
  readonly id: string;
  readonly ownerId: string;
  readonly region: string;
  /** The volume the data comes from, through any number of copies (EBS gives copies an arbitrary volume id). */
  readonly lineage: string;
  readonly volumeId: string;
  readonly kmsKeyId: string;
  readonly description: string;
  readonly startTime: number;
  state: "pending" | "completed" | "error";
  tags: Tag[];
  readonly sharedWith: Set<string>;
  /** For a copy: the snapshot it reads while pending. */
  readonly copiedFrom?: string;
  incremental?: boolean;
  /** When it was deleted, if it was. */
  deletedAt?: number;
}

/** What EBS tells an account through EventBridge, and a share seen by the account shared with. */
export type Ec2Notification =
  | { readonly kind: "createSnapshot"; readonly snapshot: SimSnapshot }
  | { readonly kind: "copySnapshot"; readonly snapshot: SimSnapshot; readonly sourceId: string; readonly result: "succeeded" | "failed"; readonly cause?: string }
  | { readonly kind: "shareSnapshot"; readonly snapshot: SimSnapshot; readonly sharedWith: string };

export interface Ec2ModelOptions {
  readonly clock: SimClock;
  readonly random: () => number;
  readonly durations: CopyDurations;
  /** Share of API calls answered with `RequestLimitExceeded`. */
  readonly throttleShare: number;
  readonly notify: (notification: Ec2Notification) => void;
  /** Hex digits that start every snapshot id of this model, so that ids from several models never collide. @default "" */
  readonly idPrefix?: string;
}

const operationOf = (command: unknown): string =>
  command instanceof DescribeSnapshotsCommand
    ? "DescribeSnapshots"
    : (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, "");
const THROTTLED: Record<string, string> = { DescribeSnapshots: "DescribeSnapshots:throttled" };

const lineageKey = (accountId: string, region: string, lineage: string, kmsKeyId: string) => `${accountId}/${region}/${lineage}/${kmsKeyId}`;

/** An EC2 error as the SDK raises it (name and Code); without a stack trace, which the simulation never reads. */
const apiError = (code: string, message: string) => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Object.assign(new Error(message), { name: code, Code: code });
  } finally {
    Error.stackTraceLimit = limit;
  }
};

export class Ec2Model {
  private readonly byId = new Map<string, SimSnapshot>();
  private readonly byAccountRegion = new Map<string, AccountSnapshots>();
  /** Completed copies by account, region, volume lineage and key: what makes the next copy incremental. */
  private readonly completedCopies = new Map<string, number>();
  private nextId = 1;
  /** Calls by operation and outcome, for the report. */
  readonly calls = new Map<string, number>();
  /** Every copy started: by whom, and whether it was incremental. */
  readonly copiesStarted: { readonly ownerId: string; readonly incremental: boolean }[] = [];
  /** Highest number of copies ever in progress in one account and region. */
  maxCopiesInProgress = 0;

  constructor(private readonly options: Ec2ModelOptions) {}

  /** The EC2 client of one account in one region. */
  clientFor(accountId: string, region: string): Ec2Sender {
    const own = this.accountSnapshots(accountId, region);
    const send = (command: unknown) => {
      try {
        return Promise.resolve(this.handle(accountId, region, own, command));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return { send } as unknown as Ec2Sender;
  }

  snapshot(id: string): SimSnapshot | undefined {
    return this.byId.get(id);
  }

  /** A snapshot taken by the account's lifecycle policy; completes after the snapshot duration. */
  createSnapshot(accountId: string, region: string, volumeId: string, kmsKeyId: string, tags: Tag[]): SimSnapshot {
    const snapshot = this.add({ ownerId: accountId, region, lineage: volumeId, volumeId, kmsKeyId, description: "Created by DLM", tags, state: "pending" });
    const [min, max] = this.options.durations.snapshot;
    this.options.clock.after(between(this.options.random, min, max) * MINUTE, () => {
      this.update(snapshot, () => (snapshot.state = "completed"));
      this.options.notify({ kind: "createSnapshot", snapshot });
    });
    return snapshot;
  }

  /** A completed snapshot as it exists before the simulation starts. */
  seed(snapshot: Omit<SimSnapshot, "id" | "sharedWith" | "startTime"> & { startTime: number; sharedWith?: string[] }): SimSnapshot {
    const created = this.add({ ...snapshot, sharedWith: undefined });
    this.update(created, () => {
      Object.assign(created, { startTime: snapshot.startTime });
      for (const account of snapshot.sharedWith ?? []) created.sharedWith.add(account);
    });
    if (created.state === "completed") this.countCompleted(created, 1);
    return created;
  }

  /** A snapshot of another model's account, shared with an account of this one: it can be copied until it is deleted. */
  adopt(snapshot: SimSnapshot): void {
    this.byId.set(snapshot.id, snapshot);
    this.accountSnapshots(snapshot.ownerId, snapshot.region).add(snapshot);
    if (snapshot.state === "completed") this.countCompleted(snapshot, 1);
  }

  /** Starts a copy into `accountId`'s `region` (the caller's own region); the quota and incremental rules apply. */
  startCopy(accountId: string, region: string, source: SimSnapshot, kmsKeyId: string, description: string, tags: Tag[]): SimSnapshot {
    const destination = this.accountSnapshots(accountId, region);
    const inProgress = destination.copiesInProgress;
    if (inProgress >= COPY_QUOTA_PER_REGION) throw apiError("ResourceLimitExceeded", "too many snapshot copies in progress");
    if (source.state !== "completed") throw apiError("IncorrectState", `Snapshot ${source.id} is not completed`);
    const incremental = (this.completedCopies.get(lineageKey(accountId, region, source.lineage, kmsKeyId)) ?? 0) > 0;
    const copy = this.add({
      ownerId: accountId,
      region,
      lineage: source.lineage,
      volumeId: "vol-ffffffff",
      kmsKeyId,
      description,
      tags,
      state: "pending",
      copiedFrom: source.id,
    });
    copy.incremental = incremental;
    this.copiesStarted.push({ ownerId: accountId, incremental });
    destination.copiesInProgress = inProgress + 1;
    this.maxCopiesInProgress = Math.max(this.maxCopiesInProgress, inProgress + 1);
    const [min, max] = incremental ? this.options.durations.incremental : this.options.durations.full;
    this.options.clock.after(between(this.options.random, min, max) * MINUTE, () => {
      if (copy.state !== "pending") return;
      destination.copiesInProgress--;
      const sourceGone = !this.byId.has(source.id);
      this.update(copy, () => (copy.state = sourceGone ? "error" : "completed"));
      if (!sourceGone) this.countCompleted(copy, 1);
      this.options.notify({ kind: "copySnapshot", snapshot: copy, sourceId: source.id, result: sourceGone ? "failed" : "succeeded", ...(sourceGone ? { cause: "source snapshot deleted during the copy" } : {}) });
    });
    return copy;
  }

  delete(id: string): void {
    const snapshot = this.byId.get(id);
    if (!snapshot) throw apiError("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`);
    const home = this.accountSnapshots(snapshot.ownerId, snapshot.region);
    if (snapshot.state === "pending" && snapshot.copiedFrom !== undefined) {
      home.copiesInProgress--;
      snapshot.state = "error";
    }
    if (snapshot.state === "completed") this.countCompleted(snapshot, -1);
    snapshot.deletedAt = this.options.clock.now();
    this.byId.delete(id);
    home.delete(snapshot);
  }

  private add(fields: Omit<SimSnapshot, "id" | "sharedWith" | "startTime"> & { sharedWith?: undefined }): SimSnapshot {
    const prefix = this.options.idPrefix ?? "";
    const id = `snap-${prefix}${(this.nextId++).toString(16).padStart(17 - prefix.length, "0")}`;
    const snapshot: SimSnapshot = { ...fields, id, startTime: this.options.clock.now(), sharedWith: new Set() };
    this.byId.set(id, snapshot);
    this.accountSnapshots(fields.ownerId, fields.region).add(snapshot);
    return snapshot;
  }

  private countCompleted(snapshot: SimSnapshot, delta: number): void {
    if (snapshot.copiedFrom === undefined) return;
    const key = lineageKey(snapshot.ownerId, snapshot.region, snapshot.lineage, snapshot.kmsKeyId);
    this.completedCopies.set(key, (this.completedCopies.get(key) ?? 0) + delta);
  }

  /** Changes a snapshot: the listings it appears in before or after are answered afresh. */
  private update(snapshot: SimSnapshot, change: () => void): void {
    change();
    this.accountSnapshots(snapshot.ownerId, snapshot.region).changed(snapshot);
  }

  private accountSnapshots(accountId: string, region: string): AccountSnapshots {
    const key = `${accountId}/${region}`;
    let snapshots = this.byAccountRegion.get(key);
    if (!snapshots) this.byAccountRegion.set(key, (snapshots = new AccountSnapshots()));
    return snapshots;
  }

  private count(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
  }

  private handle(accountId: string, region: string, own: AccountSnapshots, command: unknown): unknown {
    const operation = operationOf(command);
    this.count(operation);
    if (this.options.random() < this.options.throttleShare) {
      this.count(THROTTLED[operation] ?? `${operation}:throttled`);
      throw apiError("RequestLimitExceeded", "Request limit exceeded.");
    }
    if (command instanceof DescribeSnapshotsCommand) {
      const { input } = command;
      if (!input.SnapshotIds) return { Snapshots: own.list(input) };
      const byIds = input.SnapshotIds.map((id) => this.byId.get(id)).filter((s): s is SimSnapshot => s !== undefined && s.region === region);
      return { Snapshots: describeMatching(byIds, snapshotMatcher(input)) };
    }
    if (command instanceof CopySnapshotCommand) {
      const { SourceSnapshotId, SourceRegion, KmsKeyId, Description, TagSpecifications } = command.input;
      if (SourceRegion !== region) throw new Error(`The model copies within a region, got ${SourceRegion} into ${region}`);
      const source = this.byId.get(SourceSnapshotId ?? "");
      if (!source || (source.ownerId !== accountId && !source.sharedWith.has(accountId))) {
        throw apiError("InvalidSnapshot.NotFound", `The snapshot '${SourceSnapshotId}' does not exist.`);
      }
      try {
        const copy = this.startCopy(accountId, region, source, KmsKeyId ?? "aws/ebs", Description ?? "", [...(TagSpecifications?.[0]?.Tags ?? [])]);
        return { SnapshotId: copy.id };
      } catch (error) {
        this.count(`${operation}:${(error as Error).name}`);
        throw error;
      }
    }
    if (command instanceof ModifySnapshotAttributeCommand) {
      const { SnapshotId, OperationType, UserIds, Attribute } = command.input;
      const snapshot = this.byId.get(SnapshotId ?? "");
      if (!snapshot || snapshot.ownerId !== accountId) throw apiError("InvalidSnapshot.NotFound", `The snapshot '${SnapshotId}' does not exist.`);
      if (Attribute !== "createVolumePermission" || OperationType !== "add") throw new Error("The model only adds createVolumePermission");
      if (snapshot.state !== "completed") throw apiError("IncorrectState", `Snapshot ${SnapshotId} is not completed`);
      for (const user of UserIds ?? []) {
        if (snapshot.sharedWith.has(user)) continue;
        this.update(snapshot, () => snapshot.sharedWith.add(user));
        this.options.notify({ kind: "shareSnapshot", snapshot, sharedWith: user });
      }
      return {};
    }
    if (command instanceof DeleteSnapshotCommand) {
      const snapshot = this.byId.get(command.input.SnapshotId ?? "");
      if (snapshot && snapshot.ownerId !== accountId) throw apiError("UnauthorizedOperation", "not the owner");
      this.delete(command.input.SnapshotId ?? "");
      return {};
    }
    throw new Error(`The EC2 model does not implement ${operation}`);
  }
}
