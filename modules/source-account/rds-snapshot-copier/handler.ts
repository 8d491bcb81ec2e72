import { RDSClient, type Tag } from "@aws-sdk/client-rds";
import {
  DATABASE_RESOURCE_TYPE,
  SNAPSHOT_RESOURCE_TYPE,
  formatRdsArn,
  parseRdsArn,
  snapshotIdentifier,
  tagValueOf,
  type SnapshotKind,
} from "./rds-identifiers";
import { HANDLED_EVENT_IDS } from "./rds-event-ids";
import { ALREADY_EXISTS, KIND_LABEL, RdsSnapshotApi, tagValue, type RdsSnapshot } from "./rds-snapshot-api";
import { createRetrying, defaultSleep, describeError, errorCode, errorMessage, hasErrorCode } from "../../lambda/runtime/retry";
import { RDS_RETRYABLE_ERRORS } from "./rds-retryable-errors";
import { readSettings, type Settings } from "./settings";
import type { RdsEventDetail, RdsSnapshotCopierEvent } from "./rds-events";

/**
 * RDS snapshot copier of a source account and region.
 *
 * A snapshot encrypted with the AWS managed key `aws/rds` cannot be shared, and automated snapshots cannot be
 * shared at all. So:
 *
 * 1. A snapshot of a DB instance or DB cluster selected for DR is created: copy it in this region under
 *    RDS_KMS_KEY_ARN (this account's customer managed key, whose key policy lets the DR account use it) into
 *    the transit copy `<TRANSIT_PREFIX><sanitized id>`, tagged with the transit marker and its provenance.
 * 2. The transit copy is available (its own created / copy-finished event, or the hourly run): share it
 *    (`restore` attribute) with exactly the DR account, which copies it again under a key of its own.
 * 3. Hourly (`Scheduled Event`): share every available, unshared transit copy; delete transit copies older
 *    than TRANSIT_RETENTION_HOURS.
 *
 * Only snapshots that carry the transit marker AND whose identifier starts with TRANSIT_PREFIX are ever shared
 * or deleted; a snapshot carrying the marker is never copied again.
 *
 * RDS event IDs relied on (AWS "Amazon RDS event categories and event messages"; sure of the meaning of all
 * six, less sure which snapshot a copy event names, hence the describe-then-decide on every event):
 * - DB snapshot (`SourceType` SNAPSHOT): RDS-EVENT-0042 manual snapshot created, RDS-EVENT-0091 automated
 *   snapshot created, RDS-EVENT-0197 "finished copy of snapshot" (local copy: how our transit copy completes),
 *   RDS-EVENT-0060 finished cross-Region copy (a snapshot copied into this region; treated as created).
 *   We believe the copy events name the new copy; if they named the source, the duplicate-copy check below
 *   still shares an available transit copy, and the hourly run shares it at the latest.
 * - DB cluster snapshot (`SourceType` CLUSTER_SNAPSHOT): RDS-EVENT-0075 manual cluster snapshot created,
 *   RDS-EVENT-0169 automated cluster snapshot created. AWS documents no copy-finished event for cluster
 *   snapshots; whether a finished copy raises RDS-EVENT-0075 is not documented, so the hourly run is what
 *   reliably shares cluster transit copies (up to an hour later).
 * Any other event ID of these detail types (e.g. 0040/0090/0074/0168 "being created", deletions, exports) is
 * skipped with a reason; an event of another source or detail type is an error.
 */

export type { EventBridgeEvent } from "../../lambda/runtime/eventbridge-event";
export { PROVENANCE_TAG_KEYS, readSettings, type Settings } from "./settings";
export type { RdsDbClusterSnapshotEvent, RdsDbSnapshotEvent, RdsEventDetail, RdsSnapshotCopierEvent, ScheduledEvent } from "./rds-events";

export { HANDLED_EVENT_IDS };
const AUTOMATED_SNAPSHOT_EVENT_IDS = new Set(["RDS-EVENT-0091", "RDS-EVENT-0169"]);

const EVENT_KIND: Readonly<Record<string, { kind: SnapshotKind; sourceType: string }>> = {
  "RDS DB Snapshot Event": { kind: "instance", sourceType: "SNAPSHOT" },
  "RDS DB Cluster Snapshot Event": { kind: "cluster", sourceType: "CLUSTER_SNAPSHOT" },
};

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

export type SnapshotOutcome =
  | {
      readonly action: "copied";
      readonly kind: SnapshotKind;
      readonly sourceSnapshot: string;
      readonly copySnapshot: string;
    }
  | { readonly action: "shared"; readonly kind: SnapshotKind; readonly snapshot: string; readonly sharedWith: string }
  | {
      readonly action: "skipped";
      readonly reason: string;
      readonly kind?: SnapshotKind;
      readonly snapshot?: string;
      readonly existingCopySnapshot?: string;
    };

export type HandlerResult =
  | SnapshotOutcome
  | { readonly action: "hourly"; readonly shared: number; readonly deleted: number; readonly kept: number };

/** The transit copy's identifier: `<TRANSIT_PREFIX><sanitized source id>`, hashed when lossy or too long. */
export function transitCopyIdentifier(transitPrefix: string, sourceIdentifier: string, kind: SnapshotKind): string {
  return snapshotIdentifier(transitPrefix, [sourceIdentifier], kind);
}

// ---------------------------------------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------------------------------------

export interface HandlerDeps {
  readonly rds: RDSClient;
  readonly settings: Settings;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

export type RdsSnapshotCopierHandler = (event: RdsSnapshotCopierEvent) => Promise<HandlerResult>;

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ component: "rds-snapshot-copier", ...entry }));
}

/** Statuses in which a transit copy may be deleted; one still being created or copied is left alone. */
const DELETABLE_STATUSES = new Set(["available", "failed"]);

/** `RDS-EVENT-0042` from `RDS-EVENT-0042` or `https://docs.aws.amazon.com/...#RDS-EVENT-0042`. */
function normalizeEventId(eventId: string | undefined): string | undefined {
  return /RDS-EVENT-\d{4}/.exec(eventId ?? "")?.[0];
}

export function createHandler(deps: HandlerDeps): RdsSnapshotCopierHandler {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  const retrying = createRetrying({ sleep: deps.sleep ?? defaultSleep, random: deps.random ?? Math.random, log, retryableErrors: RDS_RETRYABLE_ERRORS });
  const api = new RdsSnapshotApi(deps.rds, retrying);

  const hasTransitMarker = (snapshot: RdsSnapshot) =>
    tagValue(snapshot.tags, settings.transitTagKey) === settings.transitTagValue;
  /** Marker and prefix: the only snapshots this function shares or deletes. */
  const isTransitCopy = (snapshot: RdsSnapshot) =>
    hasTransitMarker(snapshot) && snapshot.identifier.startsWith(settings.transitPrefix);

  function skip(reason: string, kind?: SnapshotKind, snapshot?: string, existingCopySnapshot?: string): SnapshotOutcome {
    log({ decision: "skipped", reason, kind, snapshot, existingCopySnapshot });
    return { action: "skipped", reason, kind, snapshot, existingCopySnapshot };
  }

  /** Why a transit copy must not be shared yet, or undefined when it may be. */
  function notShareableReason(copy: RdsSnapshot): string | undefined {
    if (copy.status !== "available") return `transit copy status is ${copy.status}`;
    if (!copy.encrypted) return "transit copy is not encrypted";
    if (copy.kmsKeyId !== settings.rdsKmsKeyArn) {
      return `transit copy is encrypted under ${copy.kmsKeyId}, not RDS_KMS_KEY_ARN ${settings.rdsKmsKeyArn}`;
    }
    const owner = parseRdsArn(copy.arn)?.accountId;
    if (owner !== settings.sourceAccountId) return `transit copy is owned by ${owner}, not ${settings.sourceAccountId}`;
    return undefined;
  }

  /** Shares an available transit copy with exactly the DR account unless it already is. */
  async function shareTransitCopy(copy: RdsSnapshot): Promise<SnapshotOutcome> {
    const reason = notShareableReason(copy);
    if (reason) return skip(reason, copy.kind, copy.identifier);
    const accounts = await api.restoreAccounts(copy.kind, copy.identifier);
    if (accounts.includes(settings.drAccountId)) return skip("already shared with the DR account", copy.kind, copy.identifier);
    await api.share(copy.kind, copy.identifier, settings.drAccountId);
    const otherAccounts = accounts.filter((account) => account !== settings.drAccountId);
    log({
      decision: "shared",
      kind: copy.kind,
      snapshot: copy.identifier,
      sharedWith: settings.drAccountId,
      ...(otherAccounts.length > 0 ? { alsoSharedWith: otherAccounts } : {}),
    });
    return { action: "shared", kind: copy.kind, snapshot: copy.identifier, sharedWith: settings.drAccountId };
  }

  /** Why a snapshot is not selected for DR, or undefined when it is. The snapshot's own tag wins over the DB's. */
  async function notSelectedReason(snapshot: RdsSnapshot): Promise<string | undefined> {
    const key = settings.selectionTagKey;
    const expected = settings.selectionTagValue;
    const own = tagValue(snapshot.tags, key);
    if (own !== undefined) {
      return own === expected ? undefined : `not selected for DR: snapshot tag ${key} is ${JSON.stringify(own)}`;
    }
    const snapshotArn = parseRdsArn(snapshot.arn);
    if (!snapshotArn || !snapshot.dbIdentifier) {
      return `not selected for DR: no tag ${key} on the snapshot and no source DB to look up`;
    }
    const database = snapshot.kind === "instance" ? "DB instance" : "DB cluster";
    const databaseArn = formatRdsArn({
      ...snapshotArn,
      resourceType: DATABASE_RESOURCE_TYPE[snapshot.kind],
      resourceName: snapshot.dbIdentifier,
    });
    const databaseTags = await api.databaseTags(databaseArn);
    if (databaseTags === undefined) {
      return `not selected for DR: no tag ${key} on the snapshot and ${database} ${snapshot.dbIdentifier} no longer exists`;
    }
    const inherited = tagValue(databaseTags, key);
    if (inherited === undefined) return `not selected for DR: no tag ${key} on the snapshot or on ${database} ${snapshot.dbIdentifier}`;
    if (inherited !== expected) {
      return `not selected for DR: tag ${key} of ${database} ${snapshot.dbIdentifier} is ${JSON.stringify(inherited)}`;
    }
    return undefined;
  }

  async function copyToTransit(snapshot: RdsSnapshot): Promise<SnapshotOutcome> {
    const { kind } = snapshot;
    const target = transitCopyIdentifier(settings.transitPrefix, snapshot.identifier, kind);

    // EventBridge delivers at least once: a transit copy under the deterministic identifier means done before.
    const existing = await api.describe(kind, target);
    if (existing) {
      if (!isTransitCopy(existing)) {
        return skip(`${target} already exists without the transit marker; not copied, not shared`, kind, snapshot.identifier, target);
      }
      // The copy-finished event may have named the source snapshot: share a finished copy now.
      if (existing.status === "available" && notShareableReason(existing) === undefined) return shareTransitCopy(existing);
      return skip(`transit copy already exists (status ${existing.status})`, kind, snapshot.identifier, target);
    }

    const tags: Tag[] = [
      { Key: settings.transitTagKey, Value: settings.transitTagValue },
      { Key: "SourceAccount", Value: settings.sourceAccountId },
      { Key: "SourceSnapshotArn", Value: tagValueOf(snapshot.arn) },
      { Key: "SourceKmsKeyId", Value: snapshot.encrypted ? (snapshot.kmsKeyId ?? "unknown") : "unencrypted" },
      { Key: "SourceDBIdentifier", Value: snapshot.dbIdentifier ?? "unknown" },
    ];
    try {
      // Same region and account: the identifier is the source. CopyTags keeps the source's tags (e.g. the
      // selection tag); the explicit Tags add the marker and provenance. (How RDS resolves a key present in
      // both is not documented; TRANSIT_TAG_KEY is required to differ from SELECTION_TAG_KEY.)
      // KmsKeyId re-encrypts an encrypted snapshot and encrypts an unencrypted DB snapshot.
      await api.copy(kind, {
        source: snapshot.identifier,
        target,
        kmsKeyId: settings.rdsKmsKeyArn,
        copyTags: true,
        tags,
      });
    } catch (error) {
      if (hasErrorCode(error, ALREADY_EXISTS[kind])) {
        return skip("transit copy already exists (copy raced)", kind, snapshot.identifier, target);
      }
      throw error;
    }
    log({
      decision: "copied",
      kind,
      sourceSnapshot: snapshot.identifier,
      sourceSnapshotType: snapshot.snapshotType,
      sourceKmsKeyId: snapshot.kmsKeyId ?? "unencrypted",
      copySnapshot: target,
      kmsKeyId: settings.rdsKmsKeyArn,
    });
    return { action: "copied", kind, sourceSnapshot: snapshot.identifier, copySnapshot: target };
  }

  async function onSnapshot(snapshot: RdsSnapshot): Promise<SnapshotOutcome> {
    const { kind, identifier } = snapshot;
    if (isTransitCopy(snapshot)) return shareTransitCopy(snapshot);
    // A transit copy inherits the selection tag through CopyTags; copying a marked snapshot again would loop.
    if (hasTransitMarker(snapshot)) {
      return skip(`carries the transit marker but does not start with ${settings.transitPrefix}; not copied, not shared`, kind, identifier);
    }
    if (snapshot.status !== "available") return skip(`snapshot status is ${snapshot.status}`, kind, identifier);
    const notSelected = await notSelectedReason(snapshot);
    if (notSelected) return skip(notSelected, kind, identifier);
    if (kind === "cluster" && !snapshot.encrypted) {
      return skip(
        "unencrypted DB cluster snapshot: RDS cannot encrypt a cluster snapshot by copying it " +
          "(restore it into an encrypted cluster and snapshot that)",
        kind,
        identifier,
      );
    }
    return copyToTransit(snapshot);
  }

  async function onSnapshotEvent(kind: SnapshotKind, detail: RdsEventDetail, region: string): Promise<SnapshotOutcome> {
    const eventId = normalizeEventId(detail.EventID);
    if (!eventId || !(eventId in HANDLED_EVENT_IDS[kind])) {
      return skip(`event ${detail.EventID ?? "without EventID"} is not a created or copy-finished event (${detail.Message ?? ""})`, kind, detail.SourceIdentifier);
    }

    let identifier = detail.SourceIdentifier;
    const arn = parseRdsArn(detail.SourceArn);
    if (arn) {
      if (arn.resourceType !== SNAPSHOT_RESOURCE_TYPE[kind]) {
        throw new Error(`${KIND_LABEL[kind]} event names a ${arn.resourceType}: ${detail.SourceArn}`);
      }
      if (arn.accountId !== settings.sourceAccountId) {
        return skip(`owned by ${arn.accountId}, not ${settings.sourceAccountId}`, kind, arn.resourceName);
      }
      if (arn.region !== region) return skip(`in region ${arn.region}, not ${region}`, kind, arn.resourceName);
      identifier = arn.resourceName;
    }
    if (!identifier) throw new Error(`${KIND_LABEL[kind]} event ${eventId} has neither SourceArn nor SourceIdentifier`);

    try {
      const automated = identifier.startsWith("rds:") || AUTOMATED_SNAPSHOT_EVENT_IDS.has(eventId);
      const typeHint = automated ? "automated" : kind === "instance" && identifier.startsWith("awsbackup:") ? "awsbackup" : undefined;
      const snapshot = await api.describe(kind, identifier, typeHint);
      if (!snapshot) return skip("snapshot no longer exists", kind, identifier);
      return await onSnapshot(snapshot);
    } catch (error) {
      log({ decision: "failed", kind, snapshot: identifier, eventId, error: errorCode(error), message: errorMessage(error) });
      // Fail the invocation so async retries and then the dead-letter queue bring it to an operator.
      throw new Error(`${KIND_LABEL[kind]} ${identifier} (${eventId}) failed: ${describeError(error)}`, { cause: error });
    }
  }

  async function hourly(): Promise<HandlerResult> {
    const cutoff = now().getTime() - settings.transitRetentionHours * 3_600_000;
    let shared = 0;
    let deleted = 0;
    let kept = 0;
    const failures: string[] = [];

    for (const kind of ["instance", "cluster"] as const) {
      let transitCopies: RdsSnapshot[];
      try {
        // RDS has no tag filter on DescribeDB*Snapshots: list the manual ones, check marker and prefix here.
        transitCopies = (await api.list(kind, { SnapshotType: "manual" })).filter(isTransitCopy);
      } catch (error) {
        log({ decision: "list-failed", kind, error: errorCode(error), message: errorMessage(error) });
        failures.push(`listing ${KIND_LABEL[kind]}s (${describeError(error)})`);
        continue;
      }

      for (const copy of transitCopies) {
        // For a DB snapshot copy SnapshotCreateTime is the copy's time. For a cluster snapshot copy AWS does not
        // document whether it is the copy's or the original's; a transit copy is made minutes after its source,
        // so the difference is the copy's duration — keep TRANSIT_RETENTION_HOURS well above one import cycle.
        const expired = copy.createTime !== undefined && new Date(copy.createTime).getTime() < cutoff;
        try {
          if (expired && DELETABLE_STATUSES.has(copy.status)) {
            await api.delete(kind, copy.identifier);
            deleted++;
            log({ decision: "deleted", kind, snapshot: copy.identifier, status: copy.status, createTime: copy.createTime });
            continue;
          }
          kept++;
          if (!expired && copy.status === "available") {
            const outcome = await shareTransitCopy(copy);
            if (outcome.action === "shared") shared++;
          }
        } catch (error) {
          const operation = expired ? "delete" : "share";
          log({ decision: `${operation}-failed`, kind, snapshot: copy.identifier, error: errorCode(error), message: errorMessage(error) });
          failures.push(`${operation} ${KIND_LABEL[kind]} ${copy.identifier} (${describeError(error)})`);
        }
      }
    }

    log({ decision: "hourly", shared, deleted, kept, failed: failures.length });
    if (failures.length > 0) {
      throw new Error(
        `Hourly run shared ${shared} and deleted ${deleted} transit copies but had ${failures.length} failure(s): ${failures.join("; ")}`,
      );
    }
    return { action: "hourly", shared, deleted, kept };
  }

  return async (event) => {
    const unhandled = () =>
      new Error(
        `Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}`,
      );

    if (event?.source === "aws.events" && event["detail-type"] === "Scheduled Event") return hourly();
    const mapping = event?.source === "aws.rds" ? EVENT_KIND[event["detail-type"]] : undefined;
    if (!mapping) throw unhandled();

    const detail = event.detail as RdsEventDetail;
    if (detail?.SourceType !== mapping.sourceType) {
      throw new Error(
        `Event not handled: ${event["detail-type"]} with SourceType ${JSON.stringify(detail?.SourceType)}, expected ${mapping.sourceType}`,
      );
    }
    if (!event.region) throw new Error("Event has no region");
    return onSnapshotEvent(mapping.kind, detail, event.region);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------------

let lambdaHandler: RdsSnapshotCopierHandler | undefined;

/** Built on first use so a bad configuration fails the invocation with a clear message, not the module load. */
export const handler = async (event: RdsSnapshotCopierEvent): Promise<HandlerResult> => {
  lambdaHandler ??= createHandler({ rds: new RDSClient({ maxAttempts: 1 }), settings: readSettings(process.env) });
  return lambdaHandler(event);
};
