import type { SnapshotDrConfig } from "../../config/load-config";
import { ebsModeOf } from "../../config/naming";
import { ebsRunsPerDay, heldForHours, resourceCountsOf } from "../inputs";
import type { Demand } from "../types";

/**
 * EBS re-encryption, source side (docs/design.md §2a step 2): in each region of each `reencrypt` account, one DLM
 * snapshot policy, `ebs.retainCount` snapshots per volume, the transit copies kept for
 * `ebs.transitCopyRetentionHours`, and the transit copies in flight: the copier copies every snapshot of a run as
 * it completes, in the same region, so a run's copies all count against that region's concurrent copies.
 */
export function ebsReencryptDemand(config: SnapshotDrConfig): Demand[] {
  const runsPerDay = ebsRunsPerDay(config);
  const demands: Demand[] = [];
  for (const account of config.sourceAccounts) {
    if (ebsModeOf(config, account) !== "reencrypt") continue;
    const volumes = resourceCountsOf(config, account).volumesPerRegion;
    const transitCopies = volumes * heldForHours(runsPerDay, config.ebs.transitCopyRetentionHours);
    for (const region of account.regions) {
      const at = { account: account.id, role: "source" as const, region };
      demands.push({ ...at, quota: "dlmPoliciesPerRegion", amount: 1 });
      demands.push({ ...at, quota: "ebsSnapshotsPerRegion", amount: volumes * config.ebs.retainCount + transitCopies });
      demands.push({ ...at, quota: "ebsConcurrentSnapshotCopies", amount: volumes });
    }
  }
  return demands;
}
