import type { SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import type { RdsSnapshot, RdsSnapshotApi } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { KIND_LABEL } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { errorCode } from "../../lambda/runtime/retry";
import type { ImportRun, Inventory } from "./import-run";
import { isThrottling } from "./run-limits";

/** Statuses in which an import copy may be deleted; one still being created or copied is left alone. */
const DELETABLE_STATUSES = new Set(["available", "failed"]);
/** Statuses after which a copy no longer reads its source. */
const SETTLED_STATUSES = new Set(["available", "failed"]);

/** One expired import copy to delete, in the region whose API deletes it. */
interface Deletion {
  readonly api: RdsSnapshotApi;
  readonly region: string | undefined;
  readonly kind: SnapshotKind;
  readonly copy: RdsSnapshot;
}

/**
 * Step 1 of a run, before any import so that a run short of time never starves it: delete the import copies older
 * than RETENTION_DAYS in both regions (only copies with the marker and prefix are in the inventory), unless a copy
 * still reads them. Throttling that outlasts the retries stops the deletions in that region only (RDS throttles "for
 * each AWS account in each AWS Region", Amazon RDS User Guide, Request throttling for the Amazon RDS API); the
 * invocation's deadline stops them all. Either way the rest waits for the next run (one `deferred` line counting it)
 * and the run goes on to its imports, within their own bounds.
 */
export async function deleteExpiredCopies(run: ImportRun, inventory: Inventory): Promise<void> {
  const deletions = expiredCopies(run, inventory);
  const throttledRegions = new Set<string | undefined>();
  let deferredBecause: string | undefined;
  let left = 0;
  for (const [index, { api, region, kind, copy }] of deletions.entries()) {
    if (run.deadlineNear()) {
      deferredBecause ??= "retention: invocation deadline near";
      left += deletions.length - index;
      break;
    }
    if (throttledRegions.has(region)) {
      left++;
      continue;
    }
    try {
      await api.delete(kind, copy.identifier);
      run.deleted.push(`${region}:${copy.identifier}`);
      run.log({ decision: "deleted", kind, snapshot: copy.identifier, region, createTime: copy.createTime });
    } catch (error) {
      if (!isThrottling(error)) {
        run.fail(`delete of ${KIND_LABEL[kind]} ${copy.identifier} in ${region}`, error, { kind, snapshot: copy.identifier, region });
        continue;
      }
      throttledRegions.add(region);
      deferredBecause ??= `retention: ${errorCode(error)} in ${region}`;
      left++;
    }
  }
  if (deferredBecause) run.defer(deferredBecause, left);
}

/** The expired import copies that may be deleted now, by kind, this region's before the secondary region's. */
function expiredCopies(run: ImportRun, { local, remote }: Inventory): Deletion[] {
  const deletions: Deletion[] = [];
  for (const [kind, copies] of local) {
    const remoteCopies = remote.get(kind);
    const remoteById = new Map((remoteCopies ?? []).map((snapshot) => [snapshot.identifier, snapshot]));
    const targets: [RdsSnapshotApi, string | undefined, RdsSnapshot[]][] = [[run.primary, run.region, copies]];
    if (run.secondary && remoteCopies) targets.push([run.secondary, run.settings.secondaryRegion, remoteCopies]);
    for (const [api, region, regionCopies] of targets) {
      for (const copy of regionCopies) {
        if (!run.expired(copy)) continue;
        if (!DELETABLE_STATUSES.has(copy.status)) {
          run.skip(kind, copy.identifier, `expired but status is ${copy.status}`, { region });
          continue;
        }
        // Deleting the source of a copy in progress can make that copy fail.
        if (api === run.primary && run.secondary && !remoteCopies) {
          run.skip(kind, copy.identifier, "expired but the secondary region could not be listed", { region });
          continue;
        }
        const secondaryCopy = api === run.primary ? remoteById.get(copy.identifier) : undefined;
        if (secondaryCopy && !SETTLED_STATUSES.has(secondaryCopy.status)) {
          run.skip(kind, copy.identifier, `expired but its secondary-region copy is ${secondaryCopy.status}`, { region });
          continue;
        }
        deletions.push({ api, region, kind, copy });
      }
    }
  }
  return deletions;
}
