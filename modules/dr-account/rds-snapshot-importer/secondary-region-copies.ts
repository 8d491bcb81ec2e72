import type { Tag } from "@aws-sdk/client-rds";
import { ALREADY_EXISTS, KIND_LABEL, tagValue } from "../../source-account/rds-snapshot-copier/rds-snapshot-api";
import { hasErrorCode } from "../../lambda/runtime/retry";
import type { ImportRun, Inventory } from "./import-run";
import { createdAt, inFlight } from "./import-shared-snapshots";
import { CopySlots } from "./run-limits";
import { PROVENANCE_TAG_KEYS } from "./settings";

/**
 * Step 3 (with SECONDARY_REGION): copy available import copies on to the secondary region under its key, oldest
 * first, as many as the copies in flight there leave.
 */
export async function copyToSecondaryRegion(run: ImportRun, { local, remote }: Inventory): Promise<void> {
  // Copy available import copies to the secondary region.
  const { secondary } = run;
  if (secondary && run.settings.secondaryRegion && run.settings.secondaryKmsKeyArn) {
    const secondarySlots = new CopySlots(run.settings.secondaryRegion, inFlight(remote.values()));
    let left = 0;
    for (const [kind, copies] of local) {
      const remoteCopies = remote.get(kind);
      if (!remoteCopies) continue;
      const label = KIND_LABEL[kind];
      const there = new Set(remoteCopies.map((snapshot) => snapshot.identifier));
      for (const copy of [...copies].sort((a, b) => createdAt(a) - createdAt(b))) {
        if (there.has(copy.identifier) || copy.status !== "available" || run.expired(copy) || run.deleted.includes(`${run.region}:${copy.identifier}`)) continue;
        if (!secondarySlots.open || run.deadlineNear()) {
          left++;
          continue;
        }
        const tags: Tag[] = [{ Key: run.settings.importTagKey, Value: run.settings.importTagValue }];
        for (const key of PROVENANCE_TAG_KEYS) {
          const value = tagValue(copy.tags, key);
          if (value !== undefined) tags.push({ Key: key, Value: value });
        }
        try {
          // The secondary region's client with the source ARN: the SDK presigns the source-region request.
          await secondary.copy(kind, { source: copy.arn, target: copy.identifier, kmsKeyId: run.settings.secondaryKmsKeyArn, tags });
          run.copiedToSecondary.push(copy.identifier);
          secondarySlots.take();
          run.log({ decision: "copied-to-secondary", kind, snapshot: copy.arn, secondaryRegion: run.settings.secondaryRegion, kmsKeyId: run.settings.secondaryKmsKeyArn });
          run.logOptionGroup(copy, "secondary-region copy");
        } catch (error) {
          if (hasErrorCode(error, ALREADY_EXISTS[kind])) run.skip(kind, copy.identifier, "already in the secondary region");
          else if (run.copyRefused(secondarySlots, error, kind, copy.identifier)) left++;
          else run.fail(`copy of ${label} ${copy.identifier} to ${run.settings.secondaryRegion}`, error, { kind, snapshot: copy.arn });
        }
      }
    }
    if (left > 0) run.defer(`secondary-region copy: ${run.deadlineNear() ? "invocation deadline near" : secondarySlots.closedBecause}`, left);
  }

}
