import { RDSClient } from "@aws-sdk/client-rds";
import type { SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import { KIND_LABEL, RdsSnapshotApi, tagValue, type RdsSnapshot } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { createRetrying, defaultSleep } from "../../lambda/runtime/retry";
import { ImportRun, type ImportResult, type Inventory } from "./import-run";
import { importSharedSnapshots } from "./import-shared-snapshots";
import { deleteExpiredCopies } from "./retention";
import { IMPORTER_RETRYABLE_ERRORS } from "./run-limits";
import { copyToSecondaryRegion } from "./secondary-region-copies";
import { readSettings, type Settings } from "./settings";

export { PROVENANCE_TAG_KEYS, readSettings, type Settings } from "./settings";
export { importCopyIdentifier } from "./import-shared-snapshots";
export type { ImportResult } from "./import-run";

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
/** Lambda's limit, for a run without a context. */
const MAX_INVOCATION_MS = 900_000;

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

  /** The import copies here and in the secondary region, and the snapshots shared with this account. */
  async function takeInventory(run: ImportRun): Promise<Inventory> {
    const inventory: Inventory = { local: new Map(), remote: new Map(), shared: new Map() };
    for (const kind of KINDS) {
      const label = KIND_LABEL[kind];
      try {
        inventory.local.set(kind, (await primary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy));
      } catch (error) {
        run.fail(`listing ${label}s in ${run.region}`, error, { kind, region: run.region });
        continue;
      }
      if (secondary) {
        try {
          inventory.remote.set(kind, (await secondary.list(kind, { SnapshotType: "manual" })).filter(isImportCopy));
        } catch (error) {
          run.fail(`listing ${label}s in ${settings.secondaryRegion}`, error, { kind, region: settings.secondaryRegion });
        }
      }
      try {
        inventory.shared.set(kind as SnapshotKind, await primary.list(kind, { SnapshotType: "shared", IncludeShared: true }));
      } catch (error) {
        run.fail(`listing shared ${label}s in ${run.region}`, error, { kind, region: run.region });
      }
    }
    return inventory;
  }

  return async (event, context) => {
    if (event?.source !== "aws.events" || event["detail-type"] !== "Scheduled Event") {
      throw new Error(`Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}`);
    }
    const started = Date.now();
    const remainingMs = context ? () => context.getRemainingTimeInMillis() : () => MAX_INVOCATION_MS - (Date.now() - started);
    const cutoff = now().getTime() - settings.retentionDays * 86_400_000;
    const run = new ImportRun(settings, event.region, primary, secondary, log, remainingMs, cutoff);

    const inventory = await takeInventory(run);
    await deleteExpiredCopies(run, inventory);
    await importSharedSnapshots(run, inventory);
    await copyToSecondaryRegion(run, inventory);
    return run.finish();
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
