import type { SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import type { RdsSnapshot, RdsSnapshotApi } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { describeError, errorCode, errorMessage } from "../../lambda/runtime/retry";
import { DEADLINE_RESERVE_MS, isQuotaError, isThrottling, type CopySlots } from "./run-limits";
import type { Settings } from "./settings";

/** What one run found: the import copies here and in the secondary region, and the snapshots shared with it. */
export interface Inventory {
  readonly local: Map<SnapshotKind, RdsSnapshot[]>;
  /** Undefined for a kind whose secondary-region listing failed. */
  readonly remote: Map<SnapshotKind, RdsSnapshot[] | undefined>;
  readonly shared: Map<SnapshotKind, RdsSnapshot[]>;
}

export interface ImportResult {
  readonly action: "import";
  /** Identifiers of the import copies started in this region. */
  readonly imported: readonly string[];
  /** Identifiers of the copies started in the secondary region. */
  readonly copiedToSecondary: readonly string[];
  /** `<region>:<identifier>` of the deleted expired import copies. */
  readonly deleted: readonly string[];
  readonly skipped: number;
  /** Copies RDS refused with SnapshotQuotaExceeded: `<region>: <message>`. */
  readonly quotaProblems: readonly string[];
  /**
   * Why work was left for the next run, one reason per step that left some, each starting with the step:
   * `inventory:` (a throttled listing: the whole run waits), `retention:`, `import:`, `secondary-region copy:`.
   */
  readonly deferred: readonly string[];
}

const isDefaultOptionGroup = (name: string | undefined) => name === undefined || name === "" || name.startsWith("default:");

/** The state of one importer run, the APIs it uses, and how it reports (one JSON log line per decision). */
export class ImportRun {
  readonly imported: string[] = [];
  readonly copiedToSecondary: string[] = [];
  readonly deleted: string[] = [];
  readonly quotaProblems: string[] = [];
  readonly deferred: string[] = [];
  readonly failures: string[] = [];
  skipped = 0;

  constructor(
    readonly settings: Settings,
    /** This (the primary DR) region. */
    readonly region: string,
    readonly primary: RdsSnapshotApi,
    readonly secondary: RdsSnapshotApi | undefined,
    readonly log: (entry: Record<string, unknown>) => void,
    private readonly remainingMs: () => number,
    private readonly cutoff: number,
  ) {}

  expired(snapshot: RdsSnapshot): boolean {
    return snapshot.createTime !== undefined && new Date(snapshot.createTime).getTime() < this.cutoff;
  }

  deadlineNear(): boolean {
    return this.remainingMs() < DEADLINE_RESERVE_MS;
  }

  skip(kind: SnapshotKind, snapshot: string, reason: string, extra: Record<string, unknown> = {}): void {
    this.skipped++;
    this.log({ decision: "skipped", kind, snapshot, reason, ...extra });
  }

  fail(what: string, error: unknown, extra: Record<string, unknown>): void {
    this.log({ decision: "failed", what, error: errorCode(error), message: errorMessage(error), ...extra });
    this.failures.push(`${what} (${describeError(error)})`);
  }

  /** Work left for the next run: `left` counts it, unless nothing was counted (a deferred inventory defers it all). */
  defer(reason: string, left?: number): void {
    this.deferred.push(reason);
    this.log({ decision: "deferred", reason, ...(left === undefined ? {} : { left }) });
  }

  /** A copy RDS refused or could not start now: true when no more copies should go to that region this run. */
  copyRefused(slots: CopySlots, error: unknown, kind: SnapshotKind, snapshot: string): boolean {
    if (isQuotaError(error)) {
      this.quotaProblems.push(`${slots.region}: ${errorMessage(error)}`);
      this.log({ decision: "quota-exceeded", region: slots.region, kind, snapshot, message: errorMessage(error) });
      slots.close(`SnapshotQuotaExceeded in ${slots.region}`);
      return true;
    }
    if (isThrottling(error)) {
      slots.close(`${errorCode(error)} in ${slots.region}`);
      return true;
    }
    return false;
  }

  logOptionGroup(snapshot: RdsSnapshot, step: string): void {
    if (snapshot.kind !== "instance" || isDefaultOptionGroup(snapshot.optionGroupName)) return;
    this.log({
      decision: "limitation",
      step,
      kind: snapshot.kind,
      snapshot: snapshot.arn,
      optionGroupName: snapshot.optionGroupName,
      engine: snapshot.engine,
      reason:
        "custom option groups are not shared across accounts or copied across regions: restoring this copy needs " +
        "an equivalent option group (OptionGroupName); TDE snapshots cannot be copied across regions without one",
    });
  }

  /** The summary line; throws the failures together so the error reaches the function's alarm. */
  finish(): ImportResult {
    this.log({
      decision: "import-run",
      imported: this.imported.length,
      copiedToSecondary: this.copiedToSecondary.length,
      deleted: this.deleted.length,
      skipped: this.skipped,
      quotaProblems: this.quotaProblems.length,
      deferred: this.deferred.length,
      failed: this.failures.length,
    });
    if (this.failures.length > 0) {
      throw new Error(
        `RDS snapshot import imported ${this.imported.length}, copied ${this.copiedToSecondary.length} to the secondary region ` +
          `and deleted ${this.deleted.length} but had ${this.failures.length} failure(s): ${this.failures.join("; ")}`,
      );
    }
    const { imported, copiedToSecondary, deleted, skipped, quotaProblems, deferred } = this;
    return { action: "import", imported, copiedToSecondary, deleted, skipped, quotaProblems, deferred };
  }
}
