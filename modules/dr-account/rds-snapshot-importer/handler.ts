import { RDSClient, type Tag } from "@aws-sdk/client-rds";
import { parseRdsArn, snapshotIdentifier, tagValueOf, type SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import { ALREADY_EXISTS, KIND_LABEL, RdsSnapshotApi, tagValue, type RdsSnapshot } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { createRetrying, defaultSleep, describeError, errorCode, errorMessage, hasErrorCode } from "../../lambda/runtime/retry";
import {
  CopySlots,
  DEADLINE_RESERVE_MS,
  IMPORTER_RETRYABLE_ERRORS,
  IN_FLIGHT_STATUSES,
  isQuotaError,
  isThrottling,
  MAX_IMPORTS_PER_SOURCE_PER_RUN,
} from "./run-limits";
import { PROVENANCE_TAG_KEYS, readSettings, type Settings } from "./settings";

export { PROVENANCE_TAG_KEYS, readSettings, type Settings } from "./settings";

/**
 * RDS snapshot importer of the DR account, one per DR region, run hourly: a snapshot shared with an account
 * raises no event in that account, so it is found by listing. Each run, within its limits (run-limits.ts):
 *
 * 1. Retention first, so that a run that runs out of time never starves it: import copies (marker tag and prefix)
 *    older than RETENTION_DAYS are deleted in both regions.
 * 2. Import: available DB snapshots and DB cluster snapshots shared with this account by one of SOURCE_ACCOUNT_IDS
 *    whose identifier starts with SOURCE_TRANSIT_PREFIX (the source copiers' transit copies) are copied — source
 *    identifier = its ARN, as RDS requires for a shared snapshot — under DR_KMS_KEY_ARN into
 *    `<IMPORT_PREFIX><source account>-<id>`, unless that copy exists. Oldest first, at most
 *    MAX_IMPORTS_PER_SOURCE_PER_RUN per source account and as many as the 20 copies in flight leave.
 * 3. Secondary region (when SECONDARY_REGION is set): available import copies are copied again by the secondary
 *    region's RDS client under SECONDARY_KMS_KEY_ARN (the SDK presigns the source-region request from the ARN).
 *
 * `SnapshotQuotaExceeded` is a quota problem: logged (`quota-exceeded`), never retried, no more copies into that
 * region this run; the run goes on. Throttling that outlasts the retries, and the invocation's deadline, leave the
 * rest for the next run (`deferred`). Any other failure of one snapshot does not stop the others; they are thrown
 * together at the end so the error reaches the function's alarm.
 *
 * Option groups: a custom option group is neither shared with another account nor copied to another region; a
 * `limitation` line is logged for such a DB snapshot (restoring it needs an equivalent option group).
 *
 * Log lines (JSON, `component: "rds-snapshot-importer"`, field `decision`): `deleted`, `imported`,
 * `copied-to-secondary`, `skipped` (with `reason`), `limitation`, `quota-exceeded` (`region`, `kind`, `snapshot`,
 * `message`), `deferred` (`reason`: throttling, copies in flight, per-source cap or deadline; `left`), `retry`,
 * `failed` (`what`, `error`, `message`), and the run's summary `import-run`.
 */

export interface ScheduledEvent {
  readonly version?: string;
  readonly id?: string;
  readonly "detail-type": "Scheduled Event";
  /** `aws.events`. */
  readonly source: string;
  readonly account?: string;
  readonly time?: string;
  readonly region: string;
  readonly resources?: readonly string[];
  readonly detail: Record<string, unknown>;
}

export type RdsSnapshotImporterEvent = ScheduledEvent;

/** The part of the Lambda context the importer uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
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
  /** Why work was left for the next run, if it was. */
  readonly deferred: readonly string[];
}

/** `<IMPORT_PREFIX><source account>-<sanitized source id>`, hashed when lossy or too long. */
export function importCopyIdentifier(importPrefix: string, sourceAccountId: string, sourceIdentifier: string, kind: SnapshotKind): string {
  return snapshotIdentifier(importPrefix, [sourceAccountId, sourceIdentifier], kind);
}

export interface HandlerDeps {
  /** RDS of this (the primary DR) region. */
  readonly rds: RDSClient;
  /** RDS of SECONDARY_REGION; required when settings.secondaryRegion is set. */
  readonly secondaryRds?: RDSClient;
  readonly settings: Settings;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

export type RdsSnapshotImporterHandler = (event: RdsSnapshotImporterEvent, context?: InvocationContext) => Promise<ImportResult>;

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ component: "rds-snapshot-importer", ...entry }));
}

const KINDS = ["instance", "cluster"] as const;
/** Statuses in which an import copy may be deleted; one still being created or copied is left alone. */
const DELETABLE_STATUSES = new Set(["available", "failed"]);
/** Statuses after which a copy no longer reads its source. */
const SETTLED_STATUSES = new Set(["available", "failed"]);
/** Lambda's limit, for a run without a context. */
const MAX_INVOCATION_MS = 900_000;

const isDefaultOptionGroup = (name: string | undefined) => name === undefined || name === "" || name.startsWith("default:");
const createdAt = (snapshot: RdsSnapshot) => (snapshot.createTime ? new Date(snapshot.createTime).getTime() : 0);

export function createHandler(deps: HandlerDeps): RdsSnapshotImporterHandler {
  const { settings } = deps;
  if (settings.secondaryRegion !== undefined && (!deps.secondaryRds || !settings.secondaryKmsKeyArn)) {
    throw new Error("SECONDARY_REGION is set: the secondary RDS client and SECONDARY_KMS_KEY_ARN are required");
  }
  const now = deps.now ?? (() => new Date());
  const retrying = createRetrying({ sleep: deps.sleep ?? defaultSleep, random: deps.random ?? Math.random, log, retryableErrors: IMPORTER_RETRYABLE_ERRORS });
  const primary = new RdsSnapshotApi(deps.rds, retrying);
  const secondary = deps.secondaryRds && new RdsSnapshotApi(deps.secondaryRds, retrying);

  const isImportCopy = (snapshot: RdsSnapshot) =>
    tagValue(snapshot.tags, settings.importTagKey) === settings.importTagValue && snapshot.identifier.startsWith(settings.importPrefix);

  return async (event, context) => {
    if (event?.source !== "aws.events" || event["detail-type"] !== "Scheduled Event") {
      throw new Error(`Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}`);
    }
    const region = event.region;
    const started = Date.now();
    const remainingMs = context ? () => context.getRemainingTimeInMillis() : () => MAX_INVOCATION_MS - (Date.now() - started);
    const cutoff = now().getTime() - settings.retentionDays * 86_400_000;
    const expired = (snapshot: RdsSnapshot) => snapshot.createTime !== undefined && new Date(snapshot.createTime).getTime() < cutoff;

    const imported: string[] = [];
    const copiedToSecondary: string[] = [];
    const deleted: string[] = [];
    const quotaProblems: string[] = [];
    const deferred: string[] = [];
    const failures: string[] = [];
    let skipped = 0;

    const skip = (kind: SnapshotKind, snapshot: string, reason: string, extra: Record<string, unknown> = {}) => {
      skipped++;
      log({ decision: "skipped", kind, snapshot, reason, ...extra });
    };
    const fail = (what: string, error: unknown, extra: Record<string, unknown>) => {
      log({ decision: "failed", what, error: errorCode(error), message: errorMessage(error), ...extra });
      failures.push(`${what} (${describeError(error)})`);
    };
    const defer = (reason: string, left: number) => {
      deferred.push(reason);
      log({ decision: "deferred", reason, left });
    };
    const deadlineNear = () => remainingMs() < DEADLINE_RESERVE_MS;
    const logOptionGroup = (snapshot: RdsSnapshot, step: string) => {
      if (snapshot.kind !== "instance" || isDefaultOptionGroup(snapshot.optionGroupName)) return;
      log({
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
    };
    /** A copy RDS refused or could not start now: true when no more copies should go to that region this run. */
    const copyRefused = (slots: CopySlots, error: unknown, kind: SnapshotKind, snapshot: string): boolean => {
      if (isQuotaError(error)) {
        const message = `${slots.region}: ${errorMessage(error)}`;
        quotaProblems.push(message);
        log({ decision: "quota-exceeded", region: slots.region, kind, snapshot, message: errorMessage(error) });
        slots.close(`SnapshotQuotaExceeded in ${slots.region}`);
        return true;
      }
      if (isThrottling(error)) {
        slots.close(`${errorCode(error)} in ${slots.region}`);
        return true;
      }
      return false;
    };

    // Inventory: the import copies here and in the secondary region, and the snapshots shared with this account.
    const local = new Map<SnapshotKind, RdsSnapshot[]>();
    const remote = new Map<SnapshotKind, RdsSnapshot[] | undefined>();
    const shared = new Map<SnapshotKind, RdsSnapshot[]>();
    for (const kind of KINDS) {
      const label = KIND_LABEL[kind];
      try {
        local.set(kind, (await primary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy));
      } catch (error) {
        fail(`listing ${label}s in ${region}`, error, { kind, region });
        continue;
      }
      if (secondary) {
        try {
          remote.set(kind, (await secondary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy));
        } catch (error) {
          fail(`listing ${label}s in ${settings.secondaryRegion}`, error, { kind, region: settings.secondaryRegion });
        }
      }
      try {
        shared.set(kind, await primary.list(kind, { SnapshotType: "shared", IncludeShared: true }));
      } catch (error) {
        fail(`listing shared ${label}s in ${region}`, error, { kind, region });
      }
    }

    // 1. Retention in both regions; never anything without the marker and prefix (filtered above).
    retention: for (const [kind, copies] of local) {
      const label = KIND_LABEL[kind];
      const remoteCopies = remote.get(kind);
      const remoteById = new Map((remoteCopies ?? []).map((snapshot) => [snapshot.identifier, snapshot]));
      const targets: [RdsSnapshotApi, string | undefined, RdsSnapshot[]][] = [[primary, region, copies]];
      if (secondary && remoteCopies) targets.push([secondary, settings.secondaryRegion, remoteCopies]);
      for (const [api, where, regionCopies] of targets) {
        for (const copy of regionCopies) {
          if (!expired(copy)) continue;
          if (!DELETABLE_STATUSES.has(copy.status)) {
            skip(kind, copy.identifier, `expired but status is ${copy.status}`, { region: where });
            continue;
          }
          // Deleting the source of a copy in progress can make that copy fail.
          if (api === primary && secondary && !remoteCopies) {
            skip(kind, copy.identifier, "expired but the secondary region could not be listed", { region: where });
            continue;
          }
          const secondaryCopy = api === primary ? remoteById.get(copy.identifier) : undefined;
          if (secondaryCopy && !SETTLED_STATUSES.has(secondaryCopy.status)) {
            skip(kind, copy.identifier, `expired but its secondary-region copy is ${secondaryCopy.status}`, { region: where });
            continue;
          }
          if (deadlineNear()) {
            defer("retention: invocation deadline near", regionCopies.filter(expired).length);
            break retention;
          }
          try {
            await api.delete(kind, copy.identifier);
            deleted.push(`${where}:${copy.identifier}`);
            log({ decision: "deleted", kind, snapshot: copy.identifier, region: where, createTime: copy.createTime });
          } catch (error) {
            if (isThrottling(error)) {
              defer(`retention: ${errorCode(error)} in ${where}`, 1);
              break retention;
            }
            fail(`delete of ${label} ${copy.identifier} in ${where}`, error, { kind, snapshot: copy.identifier, region: where });
          }
        }
      }
    }
    const deletedIds = new Set(deleted);
    const stillThere = (where: string | undefined, copy: RdsSnapshot) => !deletedIds.has(`${where}:${copy.identifier}`);

    // 2. Import shared transit copies of the source accounts, oldest first, within the copy slots and per-source cap.
    const inFlight = (copies: Iterable<RdsSnapshot[] | undefined>) =>
      [...copies].flatMap((list) => list ?? []).filter((copy) => IN_FLIGHT_STATUSES.has(copy.status)).length;
    const primarySlots = new CopySlots(region, inFlight(local.values()));
    const importsBySource = new Map<string, number>();
    const localIds = new Set([...local.values()].flatMap((copies) => copies.map((copy) => copy.identifier)));
    const candidates = [...shared].flatMap(([kind, snapshots]) => (local.has(kind) ? snapshots : [])).sort((a, b) => createdAt(a) - createdAt(b));
    let waiting = 0;
    for (const snapshot of candidates) {
      const kind = snapshot.kind;
      const label = KIND_LABEL[kind];
      // For a shared snapshot RDS may report the ARN as the identifier; the ARN is authoritative.
      const sourceArn = snapshot.arn || snapshot.identifier;
      const arn = parseRdsArn(sourceArn);
      if (!arn) {
        skip(kind, sourceArn, "not an RDS snapshot ARN");
        continue;
      }
      if (!settings.sourceAccountIds.includes(arn.accountId)) {
        skip(kind, sourceArn, `shared by ${arn.accountId}, which is not in SOURCE_ACCOUNT_IDS`);
        continue;
      }
      if (!arn.resourceName.startsWith(settings.sourceTransitPrefix)) {
        skip(kind, sourceArn, `not a transit copy of the source copier: its identifier does not start with ${settings.sourceTransitPrefix}`);
        continue;
      }
      if (snapshot.status !== "available") {
        skip(kind, sourceArn, `shared snapshot status is ${snapshot.status}`);
        continue;
      }
      if (kind === "cluster" && !snapshot.encrypted) {
        skip(kind, sourceArn, "unencrypted DB cluster snapshot: RDS cannot encrypt a cluster snapshot by copying it");
        continue;
      }
      let target: string;
      try {
        target = importCopyIdentifier(settings.importPrefix, arn.accountId, arn.resourceName, kind);
      } catch (error) {
        fail(`import of ${label} ${sourceArn}`, error, { kind, snapshot: sourceArn });
        continue;
      }
      if (localIds.has(target)) {
        skip(kind, sourceArn, "already imported", { importCopy: target });
        continue;
      }
      const fromSource = importsBySource.get(arn.accountId) ?? 0;
      if (!primarySlots.open || fromSource >= MAX_IMPORTS_PER_SOURCE_PER_RUN || deadlineNear()) {
        waiting++;
        continue;
      }
      const tags: Tag[] = [
        { Key: settings.importTagKey, Value: settings.importTagValue },
        { Key: "SourceAccount", Value: arn.accountId },
        { Key: "SourceSnapshotArn", Value: tagValueOf(sourceArn) },
      ];
      try {
        // KmsKeyId is required for an encrypted snapshot shared from another account. CopyTags is not used: the
        // source account's tags are its own.
        await primary.copy(kind, { source: sourceArn, target, kmsKeyId: settings.drKmsKeyArn, tags });
        imported.push(target);
        localIds.add(target);
        primarySlots.take();
        importsBySource.set(arn.accountId, fromSource + 1);
        log({ decision: "imported", kind, sourceSnapshot: sourceArn, importCopy: target, kmsKeyId: settings.drKmsKeyArn });
        logOptionGroup(snapshot, "import");
      } catch (error) {
        if (hasErrorCode(error, ALREADY_EXISTS[kind])) skip(kind, sourceArn, "already imported (copy raced)", { importCopy: target });
        else if (copyRefused(primarySlots, error, kind, sourceArn)) waiting++;
        else fail(`import of ${label} ${sourceArn} into ${target}`, error, { kind, snapshot: sourceArn, importCopy: target });
      }
    }
    if (waiting > 0) {
      const capped = [...importsBySource.values()].some((count) => count >= MAX_IMPORTS_PER_SOURCE_PER_RUN);
      const reason = deadlineNear() ? "invocation deadline near" : (primarySlots.closedBecause ?? (capped ? `${MAX_IMPORTS_PER_SOURCE_PER_RUN} imports per source account and run` : "limits"));
      defer(`import: ${reason}`, waiting);
    }

    // 3. Copy available import copies to the secondary region.
    if (secondary && settings.secondaryRegion && settings.secondaryKmsKeyArn) {
      const secondarySlots = new CopySlots(settings.secondaryRegion, inFlight(remote.values()));
      let left = 0;
      for (const [kind, copies] of local) {
        const remoteCopies = remote.get(kind);
        if (!remoteCopies) continue;
        const label = KIND_LABEL[kind];
        const there = new Set(remoteCopies.map((snapshot) => snapshot.identifier));
        for (const copy of [...copies].sort((a, b) => createdAt(a) - createdAt(b))) {
          if (there.has(copy.identifier) || copy.status !== "available" || expired(copy) || !stillThere(region, copy)) continue;
          if (!secondarySlots.open || deadlineNear()) {
            left++;
            continue;
          }
          const tags: Tag[] = [{ Key: settings.importTagKey, Value: settings.importTagValue }];
          for (const key of PROVENANCE_TAG_KEYS) {
            const value = tagValue(copy.tags, key);
            if (value !== undefined) tags.push({ Key: key, Value: value });
          }
          try {
            // The secondary region's client with the source ARN: the SDK presigns the source-region request.
            await secondary.copy(kind, { source: copy.arn, target: copy.identifier, kmsKeyId: settings.secondaryKmsKeyArn, tags });
            copiedToSecondary.push(copy.identifier);
            secondarySlots.take();
            log({ decision: "copied-to-secondary", kind, snapshot: copy.arn, secondaryRegion: settings.secondaryRegion, kmsKeyId: settings.secondaryKmsKeyArn });
            logOptionGroup(copy, "secondary-region copy");
          } catch (error) {
            if (hasErrorCode(error, ALREADY_EXISTS[kind])) skip(kind, copy.identifier, "already in the secondary region");
            else if (copyRefused(secondarySlots, error, kind, copy.identifier)) left++;
            else fail(`copy of ${label} ${copy.identifier} to ${settings.secondaryRegion}`, error, { kind, snapshot: copy.arn });
          }
        }
      }
      if (left > 0) defer(`secondary-region copy: ${deadlineNear() ? "invocation deadline near" : secondarySlots.closedBecause}`, left);
    }

    log({
      decision: "import-run",
      imported: imported.length,
      copiedToSecondary: copiedToSecondary.length,
      deleted: deleted.length,
      skipped,
      quotaProblems: quotaProblems.length,
      deferred: deferred.length,
      failed: failures.length,
    });
    if (failures.length > 0) {
      throw new Error(
        `RDS snapshot import imported ${imported.length}, copied ${copiedToSecondary.length} to the secondary region ` +
          `and deleted ${deleted.length} but had ${failures.length} failure(s): ${failures.join("; ")}`,
      );
    }
    return { action: "import", imported, copiedToSecondary, deleted, skipped, quotaProblems, deferred };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------------

let lambdaHandler: RdsSnapshotImporterHandler | undefined;

/** Built on first use so a bad configuration fails the invocation with a clear message, not the module load. */
export const handler = async (event: RdsSnapshotImporterEvent, context?: InvocationContext): Promise<ImportResult> => {
  if (!lambdaHandler) {
    const settings = readSettings(process.env);
    lambdaHandler = createHandler({
      rds: new RDSClient({ maxAttempts: 1 }),
      ...(settings.secondaryRegion ? { secondaryRds: new RDSClient({ region: settings.secondaryRegion, maxAttempts: 1 }) } : {}),
      settings,
    });
  }
  return lambdaHandler(event, context);
};
