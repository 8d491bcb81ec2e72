import * as fs from "fs";
import * as path from "path";
import { RDSClient, type Tag } from "@aws-sdk/client-rds";
import {
  ACCOUNT_ID,
  KMS_KEY_ARN,
  POSITIVE_INTEGER,
  REGION,
  identifierPrefixProblem,
  parseRdsArn,
  snapshotIdentifier,
  tagValueOf,
  type SnapshotKind,
} from "../../source-account/rds-snapshot-copier/rds-identifiers";
import {
  ALREADY_EXISTS,
  KIND_LABEL,
  RdsSnapshotApi,
  tagValue,
  type RdsSnapshot,
} from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import {
  createRetrying,
  defaultSleep,
  describeError,
  errorCode,
  errorMessage,
  hasErrorCode,
} from "../../lambda/runtime/retry";
import { RDS_RETRYABLE_ERRORS } from "../../source-account/rds-snapshot-copier/rds-retryable-errors";
import { settingsReader } from "../../lambda/runtime/settings";

/**
 * RDS snapshot importer of the DR account, one per DR region, run hourly: a snapshot shared with an account
 * raises no event in that account, so it is found by listing.
 *
 * 1. Import: every available DB snapshot and DB cluster snapshot shared with this account by one of
 *    SOURCE_ACCOUNT_IDS (the source accounts' transit copies) is copied — source identifier = its ARN, as RDS
 *    requires for a shared snapshot — under DR_KMS_KEY_ARN into `<IMPORT_PREFIX><source account>-<id>`, so
 *    this account owns a copy under its own key. Skipped when that copy already exists.
 * 2. Secondary region (when SECONDARY_REGION is set): every available import copy is copied again, by the
 *    RDS client of the secondary region, under SECONDARY_KMS_KEY_ARN, unless already there. The source is the
 *    copy's ARN; the SDK's RDS middleware then presigns the `PreSignedUrl` for the source region itself.
 *    (`SourceRegion` is not an input of CopyDBSnapshot / CopyDBClusterSnapshot in SDK v3 3.934: it would be
 *    dropped silently; the SDK derives the source region from the ARN.)
 * 3. Retention: import copies (marker tag and prefix) older than RETENTION_DAYS are deleted in both regions.
 *
 * Option groups: a custom option group is neither shared with another account nor copied to another region.
 * A DB snapshot with a non-default option group is imported as is and a `limitation` line is logged: restoring
 * it in DR needs an equivalent option group (`OptionGroupName` on restore). For a cross-region copy of an
 * Oracle / SQL Server TDE snapshot RDS requires `OptionGroupName` and the copy fails, reported as a failure.
 *
 * One snapshot's failure does not stop the others; all failures are thrown together at the end.
 */

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

export interface ImportResult {
  readonly action: "import";
  /** Identifiers of the import copies started in this region. */
  readonly imported: readonly string[];
  /** Identifiers of the copies started in the secondary region. */
  readonly copiedToSecondary: readonly string[];
  /** `<region>:<identifier>` of the deleted expired import copies. */
  readonly deleted: readonly string[];
  readonly skipped: number;
}

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------

export interface Settings {
  readonly drAccountId: string;
  readonly sourceAccountIds: readonly string[];
  /** Key ARN of the DR account's key in this region. */
  readonly drKmsKeyArn: string;
  readonly secondaryRegion?: string;
  /** Key ARN of the DR account's key in SECONDARY_REGION; set exactly when secondaryRegion is. */
  readonly secondaryKmsKeyArn?: string;
  readonly retentionDays: number;
  readonly importTagKey: string;
  readonly importTagValue: string;
  readonly importPrefix: string;
}

/** Tags the importer writes itself; the import marker must not collide with them. */
export const PROVENANCE_TAG_KEYS = ["SourceAccount", "SourceSnapshotArn"];

/** Reads and validates the configuration; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read, optional } = settingsReader(env);
  const keyArn = "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)";

  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  // The list can outgrow Lambda's 4 KB of environment: then it is a file packaged beside the handler.
  const listFile = optional("SOURCE_ACCOUNT_IDS_FILE");
  const sourceAccountList =
    listFile !== undefined && optional("SOURCE_ACCOUNT_IDS") === undefined
      ? readPackagedFile(listFile, env, problems)
      : read("SOURCE_ACCOUNT_IDS", undefined, "");
  const drKmsKeyArn = read("DR_KMS_KEY_ARN", KMS_KEY_ARN, keyArn);
  const secondaryRegion = optional("SECONDARY_REGION");
  const secondaryKmsKeyArn = optional("SECONDARY_KMS_KEY_ARN");
  const retention = read("RETENTION_DAYS", POSITIVE_INTEGER, "a positive integer");
  const importTagKey = read("IMPORT_TAG_KEY", undefined, "");
  const importTagValue = read("IMPORT_TAG_VALUE", undefined, "");
  const importPrefix = read("IMPORT_PREFIX", undefined, "");

  const sourceAccountIds = [...new Set(sourceAccountList.split(",").map((id) => id.trim()))].filter((id) => id !== "");
  if (sourceAccountList !== "") {
    const bad = sourceAccountIds.filter((id) => !ACCOUNT_ID.test(id));
    if (sourceAccountIds.length === 0 || bad.length > 0) {
      problems.push(
        `SOURCE_ACCOUNT_IDS must be comma-separated 12-digit AWS account ids, got ${JSON.stringify(sourceAccountList)}`,
      );
    }
    if (drAccountId !== "" && sourceAccountIds.includes(drAccountId)) {
      problems.push(`SOURCE_ACCOUNT_IDS must not contain DR_ACCOUNT_ID ${drAccountId}`);
    }
  }

  const checkKey = (name: string, arn: string | undefined, region: string | undefined) => {
    const key = KMS_KEY_ARN.exec(arn ?? "");
    if (!key) return;
    if (ACCOUNT_ID.test(drAccountId) && key[3] !== drAccountId) {
      problems.push(`${name} must be in DR_ACCOUNT_ID ${drAccountId}, got account ${key[3]}`);
    }
    if (region && key[2] !== region) problems.push(`${name} must be in region ${region}, got region ${key[2]}`);
  };
  checkKey("DR_KMS_KEY_ARN", drKmsKeyArn, env.AWS_REGION);

  if (secondaryRegion !== undefined) {
    if (!REGION.test(secondaryRegion)) {
      problems.push(`SECONDARY_REGION must be an AWS region name, got ${JSON.stringify(secondaryRegion)}`);
    }
    if (env.AWS_REGION && secondaryRegion === env.AWS_REGION) {
      problems.push(`SECONDARY_REGION must differ from this region ${env.AWS_REGION}`);
    }
    if (secondaryKmsKeyArn === undefined) problems.push("SECONDARY_KMS_KEY_ARN is not set (required with SECONDARY_REGION)");
    else if (!KMS_KEY_ARN.test(secondaryKmsKeyArn)) {
      problems.push(`SECONDARY_KMS_KEY_ARN must be ${keyArn}, got ${JSON.stringify(secondaryKmsKeyArn)}`);
    } else checkKey("SECONDARY_KMS_KEY_ARN", secondaryKmsKeyArn, secondaryRegion);
  } else if (secondaryKmsKeyArn !== undefined) {
    problems.push("SECONDARY_KMS_KEY_ARN is set but SECONDARY_REGION is not");
  }

  if (PROVENANCE_TAG_KEYS.includes(importTagKey)) {
    problems.push(`IMPORT_TAG_KEY must not be one of ${PROVENANCE_TAG_KEYS.join(", ")}`);
  }
  if (/^(aws|rds):/i.test(importTagKey)) problems.push("IMPORT_TAG_KEY must not start with aws: or rds: (reserved)");
  const prefixProblem = importPrefix === "" ? undefined : identifierPrefixProblem(importPrefix);
  if (prefixProblem) problems.push(`IMPORT_PREFIX must be ${prefixProblem}, got ${JSON.stringify(importPrefix)}`);

  if (problems.length > 0) throw new Error(`Invalid RDS snapshot importer configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    sourceAccountIds,
    drKmsKeyArn,
    ...(secondaryRegion === undefined ? {} : { secondaryRegion, secondaryKmsKeyArn }),
    retentionDays: Number(retention),
    importTagKey,
    importTagValue,
    importPrefix,
  };
}

function readPackagedFile(name: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  const file = path.join(env.LAMBDA_TASK_ROOT ?? __dirname, path.basename(name));
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    problems.push(`SOURCE_ACCOUNT_IDS_FILE ${JSON.stringify(name)} cannot be read: ${(error as Error).message}`);
    return "";
  }
}

/** `<IMPORT_PREFIX><source account>-<sanitized source id>`, hashed when lossy or too long. */
export function importCopyIdentifier(
  importPrefix: string,
  sourceAccountId: string,
  sourceIdentifier: string,
  kind: SnapshotKind,
): string {
  return snapshotIdentifier(importPrefix, [sourceAccountId, sourceIdentifier], kind);
}

// ---------------------------------------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------------------------------------

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

export type RdsSnapshotImporterHandler = (event: RdsSnapshotImporterEvent) => Promise<ImportResult>;

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ component: "rds-snapshot-importer", ...entry }));
}

const KINDS = ["instance", "cluster"] as const;
/** Statuses in which an import copy may be deleted; one still being created or copied is left alone. */
const DELETABLE_STATUSES = new Set(["available", "failed"]);
/** Statuses after which a copy no longer reads its source. */
const SETTLED_STATUSES = new Set(["available", "failed"]);

const isDefaultOptionGroup = (name: string | undefined) => name === undefined || name === "" || name.startsWith("default:");

export function createHandler(deps: HandlerDeps): RdsSnapshotImporterHandler {
  const { settings } = deps;
  if (settings.secondaryRegion !== undefined && (!deps.secondaryRds || !settings.secondaryKmsKeyArn)) {
    throw new Error("SECONDARY_REGION is set: the secondary RDS client and SECONDARY_KMS_KEY_ARN are required");
  }
  const now = deps.now ?? (() => new Date());
  const retrying = createRetrying({ sleep: deps.sleep ?? defaultSleep, random: deps.random ?? Math.random, log, retryableErrors: RDS_RETRYABLE_ERRORS });
  const primary = new RdsSnapshotApi(deps.rds, retrying);
  const secondary = deps.secondaryRds && new RdsSnapshotApi(deps.secondaryRds, retrying);

  const isImportCopy = (snapshot: RdsSnapshot) =>
    tagValue(snapshot.tags, settings.importTagKey) === settings.importTagValue &&
    snapshot.identifier.startsWith(settings.importPrefix);

  return async (event) => {
    if (event?.source !== "aws.events" || event["detail-type"] !== "Scheduled Event") {
      throw new Error(
        `Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}`,
      );
    }
    const region = event.region;
    const cutoff = now().getTime() - settings.retentionDays * 86_400_000;
    const expired = (snapshot: RdsSnapshot) =>
      snapshot.createTime !== undefined && new Date(snapshot.createTime).getTime() < cutoff;

    const imported: string[] = [];
    const copiedToSecondary: string[] = [];
    const deleted: string[] = [];
    let skipped = 0;
    const failures: string[] = [];

    const skip = (kind: SnapshotKind, snapshot: string, reason: string, extra: Record<string, unknown> = {}) => {
      skipped++;
      log({ decision: "skipped", kind, snapshot, reason, ...extra });
    };
    const fail = (what: string, error: unknown, extra: Record<string, unknown>) => {
      log({ decision: "failed", what, error: errorCode(error), message: errorMessage(error), ...extra });
      failures.push(`${what} (${describeError(error)})`);
    };
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

    for (const kind of KINDS) {
      const label = KIND_LABEL[kind];

      // Inventory: the import copies already here (and in the secondary region).
      let local: RdsSnapshot[];
      let remote: RdsSnapshot[] | undefined;
      try {
        local = (await primary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy);
      } catch (error) {
        fail(`listing ${label}s in ${region}`, error, { kind, region });
        continue;
      }
      if (secondary) {
        try {
          remote = (await secondary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy);
        } catch (error) {
          fail(`listing ${label}s in ${settings.secondaryRegion}`, error, { kind, region: settings.secondaryRegion });
        }
      }
      const localIds = new Set(local.map((snapshot) => snapshot.identifier));

      // 1. Import shared snapshots of the source accounts.
      let shared: RdsSnapshot[] = [];
      try {
        shared = await primary.list(kind, { SnapshotType: "shared", IncludeShared: true });
      } catch (error) {
        fail(`listing shared ${label}s in ${region}`, error, { kind, region });
      }
      for (const snapshot of shared) {
        // For a shared snapshot RDS may report the ARN as the identifier; the ARN is authoritative.
        const arn = parseRdsArn(snapshot.arn || snapshot.identifier);
        const sourceArn = snapshot.arn || snapshot.identifier;
        if (!arn) {
          skip(kind, sourceArn, "not an RDS snapshot ARN");
          continue;
        }
        if (!settings.sourceAccountIds.includes(arn.accountId)) {
          skip(kind, sourceArn, `shared by ${arn.accountId}, which is not in SOURCE_ACCOUNT_IDS`);
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
        const tags: Tag[] = [
          { Key: settings.importTagKey, Value: settings.importTagValue },
          { Key: "SourceAccount", Value: arn.accountId },
          { Key: "SourceSnapshotArn", Value: tagValueOf(sourceArn) },
        ];
        try {
          // KmsKeyId is required for an encrypted snapshot shared from another account (and encrypts an
          // unencrypted DB snapshot). CopyTags is not used: the source account's tags are its own.
          await primary.copy(kind, { source: sourceArn, target, kmsKeyId: settings.drKmsKeyArn, tags });
          imported.push(target);
          localIds.add(target);
          log({ decision: "imported", kind, sourceSnapshot: sourceArn, importCopy: target, kmsKeyId: settings.drKmsKeyArn });
          logOptionGroup(snapshot, "import");
        } catch (error) {
          if (hasErrorCode(error, ALREADY_EXISTS[kind])) skip(kind, sourceArn, "already imported (copy raced)", { importCopy: target });
          else fail(`import of ${label} ${sourceArn} into ${target}`, error, { kind, snapshot: sourceArn, importCopy: target });
        }
      }

      // 2. Copy finished import copies to the secondary region.
      const remoteById = new Map((remote ?? []).map((snapshot) => [snapshot.identifier, snapshot]));
      if (secondary && remote && settings.secondaryRegion && settings.secondaryKmsKeyArn) {
        for (const copy of local) {
          if (remoteById.has(copy.identifier)) continue;
          if (copy.status !== "available" || expired(copy)) continue;
          const tags: Tag[] = [{ Key: settings.importTagKey, Value: settings.importTagValue }];
          for (const key of PROVENANCE_TAG_KEYS) {
            const value = tagValue(copy.tags, key);
            if (value !== undefined) tags.push({ Key: key, Value: value });
          }
          try {
            // The secondary region's client with the source ARN: the SDK presigns the source-region request.
            await secondary.copy(kind, {
              source: copy.arn,
              target: copy.identifier,
              kmsKeyId: settings.secondaryKmsKeyArn,
              tags,
            });
            copiedToSecondary.push(copy.identifier);
            log({
              decision: "copied-to-secondary",
              kind,
              snapshot: copy.arn,
              secondaryRegion: settings.secondaryRegion,
              kmsKeyId: settings.secondaryKmsKeyArn,
            });
            logOptionGroup(copy, "secondary-region copy");
          } catch (error) {
            if (hasErrorCode(error, ALREADY_EXISTS[kind])) skip(kind, copy.identifier, "already in the secondary region");
            else fail(`copy of ${label} ${copy.identifier} to ${settings.secondaryRegion}`, error, { kind, snapshot: copy.arn });
          }
        }
      }

      // 3. Retention in both regions; never anything without the marker and prefix (filtered above).
      const targets: [RdsSnapshotApi, string | undefined, RdsSnapshot[]][] = [[primary, region, local]];
      if (secondary && remote) targets.push([secondary, settings.secondaryRegion, remote]);
      for (const [api, where, copies] of targets) {
        for (const copy of copies) {
          if (!expired(copy)) continue;
          if (!DELETABLE_STATUSES.has(copy.status)) {
            skip(kind, copy.identifier, `expired but status is ${copy.status}`, { region: where });
            continue;
          }
          // Deleting the source of a copy in progress can make that copy fail.
          if (api === primary && secondary && !remote) {
            skip(kind, copy.identifier, "expired but the secondary region could not be listed", { region: where });
            continue;
          }
          const secondaryCopy = api === primary ? remoteById.get(copy.identifier) : undefined;
          if (secondaryCopy && !SETTLED_STATUSES.has(secondaryCopy.status)) {
            skip(kind, copy.identifier, `expired but its secondary-region copy is ${secondaryCopy.status}`, { region: where });
            continue;
          }
          try {
            await api.delete(kind, copy.identifier);
            deleted.push(`${where}:${copy.identifier}`);
            log({ decision: "deleted", kind, snapshot: copy.identifier, region: where, createTime: copy.createTime });
          } catch (error) {
            fail(`delete of ${label} ${copy.identifier} in ${where}`, error, { kind, snapshot: copy.identifier, region: where });
          }
        }
      }
    }

    log({
      decision: "import-run",
      imported: imported.length,
      copiedToSecondary: copiedToSecondary.length,
      deleted: deleted.length,
      skipped,
      failed: failures.length,
    });
    if (failures.length > 0) {
      throw new Error(
        `RDS snapshot import imported ${imported.length}, copied ${copiedToSecondary.length} to the secondary region ` +
          `and deleted ${deleted.length} but had ${failures.length} failure(s): ${failures.join("; ")}`,
      );
    }
    return { action: "import", imported, copiedToSecondary, deleted, skipped };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------------

let lambdaHandler: RdsSnapshotImporterHandler | undefined;

/** Built on first use so a bad configuration fails the invocation with a clear message, not the module load. */
export const handler = async (event: RdsSnapshotImporterEvent): Promise<ImportResult> => {
  if (!lambdaHandler) {
    const settings = readSettings(process.env);
    lambdaHandler = createHandler({
      rds: new RDSClient({ maxAttempts: 1 }),
      ...(settings.secondaryRegion
        ? { secondaryRds: new RDSClient({ region: settings.secondaryRegion, maxAttempts: 1 }) }
        : {}),
      settings,
    });
  }
  return lambdaHandler(event);
};
