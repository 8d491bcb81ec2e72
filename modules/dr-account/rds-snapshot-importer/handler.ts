import { RDSClient } from "@aws-sdk/client-rds";
import type { SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import { KIND_LABEL, RdsSnapshotApi, tagValue, type RdsSnapshot } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { createRetrying, defaultSleep, errorCode } from "../../lambda/runtime/retry";
import { ImportRun, type ImportResult, type Inventory } from "./import-run";
import { importSharedSnapshots } from "./import-shared-snapshots";
import { deleteExpiredCopies } from "./retention";
import { IMPORTER_RETRYABLE_ERRORS, isThrottling } from "./run-limits";
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
 * region this run; the run goes on. Throttling and transient errors that outlast the retries (run-limits.ts
 * `isThrottling`), and the invocation's deadline, never fail the run; they leave work for the next hourly run:
 * - a throttled listing defers the whole run, before anything is deleted or copied: nothing is decided on a partial
 *   picture (the copies in flight would be undercounted);
 * - a throttled deletion stops the deletions in that region (RDS throttles per account and region); the rest wait;
 * - a throttled copy closes that region to copies for the run, as the quota does.
 * A deferred retention does not hold the imports back: deleting changes none of their bounds (only settled copies are
 * deleted, so the copies in flight are the same), and RDS stays the authority on the manual-snapshot quota — the
 * expired copies left count against it, so a full quota still shows as `quota-exceeded`. Any other failed listing
 * stops the run before anything is decided; any other failure of one snapshot does not stop the others. Failures are
 * thrown together at the end so the error reaches the function's alarm.
 *
 * Option groups: a custom option group is neither shared with another account nor copied to another region; a
 * `limitation` line is logged for such a DB snapshot (restoring it needs an equivalent option group).
 *
 * Log lines (JSON, `component: "rds-snapshot-importer"`, field `decision`):
 * - `deleted` (`kind`, `snapshot`, `region`, `createTime`): an expired import copy deleted.
 * - `imported` (`kind`, `sourceSnapshot`, `importCopy`, `kmsKeyId`): an import copy started.
 * - `copied-to-secondary` (`kind`, `snapshot`, `secondaryRegion`, `kmsKeyId`): a secondary-region copy started.
 * - `skipped` (`kind`, `snapshot`, `reason`, and `region` or `importCopy` where they apply).
 * - `limitation` (`step`, `kind`, `snapshot`, `optionGroupName`, `engine`, `reason`): a custom option group.
 * - `quota-exceeded` (`region`, `kind`, `snapshot`, `message`): RDS refused a copy with SnapshotQuotaExceeded (the
 *   quota alarm's metric filter counts these lines: rds-importer-quota-alarm.ts).
 * - `deferred` (`reason`, `left`): work left for the next run, one line per step that left some. `reason` starts
 *   with the step — `inventory:`, `retention:`, `import:`, `secondary-region copy:` — and says why (the AWS error
 *   code and region, copies in flight, the per-source cap, the deadline). `left` counts the deletions, imports or
 *   copies left; an `inventory:` line has none: nothing was counted, the whole run waits.
 * - `failed` (`what`, `error`, `message`, and `kind`, `region`, `snapshot`, `importCopy` where they apply).
 * - `retry` (`operation`, `attempt`, `delayMs`, `error`): the shared backoff (runtime/retry.ts).
 * - `import-run` (`imported`, `copiedToSecondary`, `deleted`, `skipped`, `quotaProblems`, `deferred`, `failed`):
 *   the run's summary, last.
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

  /**
   * The import copies here and in the secondary region, and the snapshots shared with this account: every listing,
   * or none (undefined). Without a complete picture nothing is decided: the copies in flight count both kinds, and
   * retention and imports read them. A listing throttled past the retries defers the run to the next one; any other
   * failure fails it, for the errors alarm, after nothing was deleted or copied.
   */
  async function takeInventory(run: ImportRun): Promise<Inventory | undefined> {
    const inventory: Inventory = { local: new Map(), remote: new Map(), shared: new Map() };
    const listed = async <T>(what: string, kind: SnapshotKind, region: string | undefined, list: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await list();
      } catch (error) {
        if (isThrottling(error)) run.defer(`inventory: ${errorCode(error)} listing ${what}`);
        else run.fail(`listing ${what}`, error, { kind, region });
        return undefined;
      }
    };
    for (const kind of KINDS) {
      const label = KIND_LABEL[kind];
      const local = await listed(`${label}s in ${run.region}`, kind, run.region, () => primary.list(kind, { SnapshotType: "manual" }));
      if (local === undefined) return undefined;
      inventory.local.set(kind, local.filter(isImportCopy));
      if (secondary) {
        const remote = await listed(`${label}s in ${settings.secondaryRegion}`, kind, settings.secondaryRegion, () => secondary.list(kind, { SnapshotType: "manual" }));
        if (remote === undefined) return undefined;
        inventory.remote.set(kind, remote.filter(isImportCopy));
      }
      const shared = await listed(`shared ${label}s in ${run.region}`, kind, run.region, () => primary.list(kind, { SnapshotType: "shared", IncludeShared: true }));
      if (shared === undefined) return undefined;
      inventory.shared.set(kind, shared);
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
    if (inventory) {
      await deleteExpiredCopies(run, inventory);
      await importSharedSnapshots(run, inventory);
      await copyToSecondaryRegion(run, inventory);
    }
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
