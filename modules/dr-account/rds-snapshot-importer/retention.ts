import type { RdsSnapshot, RdsSnapshotApi } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { KIND_LABEL } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { errorCode } from "../../lambda/runtime/retry";
import type { ImportRun, Inventory } from "./import-run";
import { isThrottling } from "./run-limits";

/** Statuses in which an import copy may be deleted; one still being created or copied is left alone. */
const DELETABLE_STATUSES = new Set(["available", "failed"]);
/** Statuses after which a copy no longer reads its source. */
const SETTLED_STATUSES = new Set(["available", "failed"]);

/**
 * Step 1 of a run, before any import so that a run short of time never starves it: delete the import copies older
 * than RETENTION_DAYS in both regions (only copies with the marker and prefix are in the inventory), unless a copy
 * still reads them.
 */
export async function deleteExpiredCopies(run: ImportRun, { local, remote }: Inventory): Promise<void> {
  retention: for (const [kind, copies] of local) {
    const label = KIND_LABEL[kind];
    const remoteCopies = remote.get(kind);
    const remoteById = new Map((remoteCopies ?? []).map((snapshot) => [snapshot.identifier, snapshot]));
    const targets: [RdsSnapshotApi, string | undefined, RdsSnapshot[]][] = [[run.primary, run.region, copies]];
    if (run.secondary && remoteCopies) targets.push([run.secondary, run.settings.secondaryRegion, remoteCopies]);
    for (const [api, where, regionCopies] of targets) {
      for (const copy of regionCopies) {
        if (!run.expired(copy)) continue;
        if (!DELETABLE_STATUSES.has(copy.status)) {
          run.skip(kind, copy.identifier, `expired but status is ${copy.status}`, { region: where });
          continue;
        }
        // Deleting the source of a copy in progress can make that copy fail.
        if (api === run.primary && run.secondary && !remoteCopies) {
          run.skip(kind, copy.identifier, "expired but the secondary region could not be listed", { region: where });
          continue;
        }
        const secondaryCopy = api === run.primary ? remoteById.get(copy.identifier) : undefined;
        if (secondaryCopy && !SETTLED_STATUSES.has(secondaryCopy.status)) {
          run.skip(kind, copy.identifier, `expired but its secondary-region copy is ${secondaryCopy.status}`, { region: where });
          continue;
        }
        if (run.deadlineNear()) {
          run.defer("retention: invocation deadline near", regionCopies.filter((candidate) => run.expired(candidate)).length);
          break retention;
        }
        try {
          await api.delete(kind, copy.identifier);
          run.deleted.push(`${where}:${copy.identifier}`);
          run.log({ decision: "deleted", kind, snapshot: copy.identifier, region: where, createTime: copy.createTime });
        } catch (error) {
          if (isThrottling(error)) {
            run.defer(`retention: ${errorCode(error)} in ${where}`, 1);
            break retention;
          }
          run.fail(`delete of ${label} ${copy.identifier} in ${where}`, error, { kind, snapshot: copy.identifier, region: where });
        }
      }
    }
  }
}
