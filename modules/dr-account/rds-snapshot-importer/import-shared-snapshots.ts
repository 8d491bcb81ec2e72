import type { Tag } from "@aws-sdk/client-rds";
import { parseRdsArn, snapshotIdentifier, tagValueOf, type SnapshotKind } from "../../source-account/rds-snapshot-copier/rds-identifiers";
import { ALREADY_EXISTS, KIND_LABEL, type RdsSnapshot } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { hasErrorCode } from "../../lambda/runtime/retry";
import type { ImportRun, Inventory } from "./import-run";
import { CopySlots, IN_FLIGHT_STATUSES, MAX_IMPORTS_PER_SOURCE_PER_RUN } from "./run-limits";

/** `<IMPORT_PREFIX><source account>-<sanitized source id>`, hashed when lossy or too long. */
export function importCopyIdentifier(importPrefix: string, sourceAccountId: string, sourceIdentifier: string, kind: SnapshotKind): string {
  return snapshotIdentifier(importPrefix, [sourceAccountId, sourceIdentifier], kind);
}

/** Copies RDS is still making, of these lists. */
export const inFlight = (copies: Iterable<RdsSnapshot[] | undefined>) =>
  [...copies].flatMap((list) => list ?? []).filter((copy) => IN_FLIGHT_STATUSES.has(copy.status)).length;

export const createdAt = (snapshot: RdsSnapshot) => (snapshot.createTime ? new Date(snapshot.createTime).getTime() : 0);

/**
 * Step 2: copy the snapshots shared by the source accounts into DR-owned copies, oldest first — only those named
 * with the source copiers' transit prefix, at most MAX_IMPORTS_PER_SOURCE_PER_RUN per source account, and as many
 * as the copies in flight in this region leave. The identifier is the shared snapshot's ARN, as RDS requires.
 */
export async function importSharedSnapshots(run: ImportRun, { local, shared }: Inventory): Promise<void> {
    const primarySlots = new CopySlots(run.region, inFlight(local.values()));
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
      run.skip(kind, sourceArn, "not an RDS snapshot ARN");
      continue;
    }
    if (!run.settings.sourceAccountIds.includes(arn.accountId)) {
      run.skip(kind, sourceArn, `shared by ${arn.accountId}, which is not in SOURCE_ACCOUNT_IDS`);
      continue;
    }
    if (!arn.resourceName.startsWith(run.settings.sourceTransitPrefix)) {
      run.skip(kind, sourceArn, `not a transit copy of the source copier: its identifier does not start with ${run.settings.sourceTransitPrefix}`);
      continue;
    }
    if (snapshot.status !== "available") {
      run.skip(kind, sourceArn, `shared snapshot status is ${snapshot.status}`);
      continue;
    }
    if (kind === "cluster" && !snapshot.encrypted) {
      run.skip(kind, sourceArn, "unencrypted DB cluster snapshot: RDS cannot encrypt a cluster snapshot by copying it");
      continue;
    }
    let target: string;
    try {
      target = importCopyIdentifier(run.settings.importPrefix, arn.accountId, arn.resourceName, kind);
    } catch (error) {
      run.fail(`import of ${label} ${sourceArn}`, error, { kind, snapshot: sourceArn });
      continue;
    }
    if (localIds.has(target)) {
      run.skip(kind, sourceArn, "already imported", { importCopy: target });
      continue;
    }
    const fromSource = importsBySource.get(arn.accountId) ?? 0;
    if (!primarySlots.open || fromSource >= MAX_IMPORTS_PER_SOURCE_PER_RUN || run.deadlineNear()) {
      waiting++;
      continue;
    }
    const tags: Tag[] = [
      { Key: run.settings.importTagKey, Value: run.settings.importTagValue },
      { Key: "SourceAccount", Value: arn.accountId },
      { Key: "SourceSnapshotArn", Value: tagValueOf(sourceArn) },
    ];
    try {
      // KmsKeyId is required for an encrypted snapshot shared from another account. CopyTags is not used: the
      // source account's tags are its own.
      await run.primary.copy(kind, { source: sourceArn, target, kmsKeyId: run.settings.drKmsKeyArn, tags });
      run.imported.push(target);
      localIds.add(target);
      primarySlots.take();
      importsBySource.set(arn.accountId, fromSource + 1);
      run.log({ decision: "imported", kind, sourceSnapshot: sourceArn, importCopy: target, kmsKeyId: run.settings.drKmsKeyArn });
      run.logOptionGroup(snapshot, "import");
    } catch (error) {
      if (hasErrorCode(error, ALREADY_EXISTS[kind])) run.skip(kind, sourceArn, "already imported (copy raced)", { importCopy: target });
      else if (run.copyRefused(primarySlots, error, kind, sourceArn)) waiting++;
      else run.fail(`import of ${label} ${sourceArn} into ${target}`, error, { kind, snapshot: sourceArn, importCopy: target });
    }
  }
  if (waiting > 0) {
    const capped = [...importsBySource.values()].some((count) => count >= MAX_IMPORTS_PER_SOURCE_PER_RUN);
    const reason = run.deadlineNear() ? "invocation deadline near" : (primarySlots.closedBecause ?? (capped ? `${MAX_IMPORTS_PER_SOURCE_PER_RUN} imports per source account and run` : "limits"));
    run.defer(`import: ${reason}`, waiting);
  }

}
