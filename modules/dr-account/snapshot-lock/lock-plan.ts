/**
 * What the snapshot lock function decides for one snapshot, without calling AWS: whether it is a DR copy to
 * lock, and until when. Dependency-free: the handler's bundle includes it.
 *
 * EBS snapshot lock (EC2 API LockSnapshot; EBS User Guide "Snapshot lock concepts"):
 * - LockMode `governance`: the snapshot cannot be deleted until the lock expires or a principal allowed
 *   `ec2:UnlockSnapshot` unlocks it (or shortens it with `ec2:LockSnapshot`); no cooling-off period, and the
 *   request must omit CoolOffPeriod.
 * - LockMode `compliance`: nobody can unlock it or shorten the lock after the cooling-off period (CoolOffPeriod,
 *   1 to 72 hours, optional; omitted, the lock binds at once); it can only be extended.
 * - The lock ends after LockDuration days (1 to 36,500) or at ExpirationDate; a lock placed on a pending snapshot
 *   starts when the snapshot completes. Once expired, the snapshot can be deleted again.
 * - "While a snapshot is locked, it can't be deleted by any user, regardless of their IAM permissions" (EBS User
 *   Guide, "Amazon EBS snapshot lock"): that includes DLM's execution role when the copy's retention ends, and
 *   AWS's snapshot lock announcement advises against locking snapshots that DLM manages past their retention. So
 *   the lock here always ends `endBeforeExpiryDays` before DLM expires the copy, and DLM deletes it on time (then
 *   the locked Recycle Bin rule keeps it a while longer).
 */

/** The tag DLM puts on every snapshot a policy of the account creates (one of DLM's lifecycle tags). */
export const DLM_POLICY_TAG = "aws:dlm:lifecycle-policy-id";
/** The lifecycle tag in which DLM records when an age-based retention rule will delete the snapshot. */
export const DLM_EXPIRATION_TAG = "aws:dlm:expirationTime";

export const DAY_MS = 24 * 3600 * 1000;
/** LockSnapshot: LockDuration is 1 to 36,500 days; a lock shorter than a day cannot be placed. */
export const MIN_LOCK_MS = DAY_MS;
export const MAX_LOCK_DAYS = 36500;

export type LockMode = "governance" | "compliance";

export interface LockSettings {
  readonly drAccountId: string;
  readonly mode: LockMode;
  /** Compliance mode only. */
  readonly coolOffHours?: number;
  /**
   * drAccount.copyRetention in whole days, counted short (a month as 28 days, a year as 365): the expiry used when
   * a copy carries no DLM expiration tag.
   */
  readonly retentionDays: number;
  readonly endBeforeExpiryDays: number;
}

export interface SnapshotFacts {
  readonly snapshotId: string;
  readonly ownerId?: string;
  readonly state?: string;
  readonly startTime?: Date;
  readonly tags: Readonly<Record<string, string>>;
}

export type LockDecision =
  | {
      readonly action: "lock";
      readonly snapshotId: string;
      readonly request: { SnapshotId: string; LockMode: LockMode; ExpirationDate: Date; CoolOffPeriod?: number };
    }
  | { readonly action: "skip"; readonly snapshotId: string; readonly reason: string };

const skip = (snapshotId: string, reason: string): LockDecision => ({ action: "skip", snapshotId, reason });

/** When DLM will delete the copy: its expiration tag, else its start time plus the configured retention. */
export function expiryOf(snapshot: SnapshotFacts, retentionDays: number): Date | undefined {
  const tagged = snapshot.tags[DLM_EXPIRATION_TAG];
  if (tagged !== undefined) {
    const parsed = new Date(tagged);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return snapshot.startTime ? new Date(snapshot.startTime.getTime() + retentionDays * DAY_MS) : undefined;
}

/** The lock for one snapshot: only the DR account's own DLM copies, pending or completed, until shortly before DLM expires them. */
export function lockDecision(snapshot: SnapshotFacts, settings: LockSettings, now: Date): LockDecision {
  const id = snapshot.snapshotId;
  if (snapshot.ownerId !== undefined && snapshot.ownerId !== settings.drAccountId) return skip(id, `owned by ${snapshot.ownerId}, not the DR account`);
  if (snapshot.tags[DLM_POLICY_TAG] === undefined) return skip(id, `no ${DLM_POLICY_TAG} tag: not a DLM copy`);
  // Snapshot lock applies to pending and completed snapshots (EBS User Guide, "Lock a snapshot").
  if (snapshot.state !== undefined && snapshot.state !== "pending" && snapshot.state !== "completed") return skip(id, `state ${snapshot.state}`);
  const expiry = expiryOf(snapshot, settings.retentionDays);
  if (!expiry) return skip(id, "no start time or DLM expiration tag");
  const until = new Date(Math.min(expiry.getTime() - settings.endBeforeExpiryDays * DAY_MS, now.getTime() + MAX_LOCK_DAYS * DAY_MS));
  if (until.getTime() - now.getTime() < MIN_LOCK_MS) return skip(id, `DLM expires it at ${expiry.toISOString()}: too soon for a lock of at least a day`);
  return {
    action: "lock",
    snapshotId: id,
    request: {
      SnapshotId: id,
      LockMode: settings.mode,
      ExpirationDate: until,
      // CoolOffPeriod is for compliance mode only; a governance request that carries it fails.
      ...(settings.mode === "compliance" && settings.coolOffHours !== undefined ? { CoolOffPeriod: settings.coolOffHours } : {}),
    },
  };
}

/** `arn:aws:ec2::us-west-2:snapshot/snap-...` (the EBS notification's snapshot_id) or a bare ID → `snap-...`. */
export function snapshotIdOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /(snap-[0-9a-f]+)$/.exec(value);
  return match ? match[1] : undefined;
}

/** drAccount.copyRetention counted short in days, so that a lock computed from it never outlasts DLM's retention. */
export function retentionLowerBoundDays(interval: number, unit: "DAYS" | "WEEKS" | "MONTHS" | "YEARS"): number {
  const days = { DAYS: 1, WEEKS: 7, MONTHS: 28, YEARS: 365 }[unit];
  return interval * days;
}
