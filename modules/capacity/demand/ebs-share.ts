import type { SnapshotDrConfig } from "../../config/load-config";
import { ebsModeOf } from "../../config/naming";
import { resourceCountsOf } from "../inputs";
import type { Demand } from "../types";

/**
 * EBS sharing, source side (docs/design.md §2b): in each region of each `share` account, one DLM snapshot policy
 * and `ebs.retainCount` snapshots per volume. Sharing copies nothing in the source account.
 */
export function ebsShareDemand(config: SnapshotDrConfig): Demand[] {
  const demands: Demand[] = [];
  for (const account of config.sourceAccounts) {
    if (ebsModeOf(config, account) !== "share") continue;
    const volumes = resourceCountsOf(config, account).volumesPerRegion;
    for (const region of account.regions) {
      const at = { account: account.id, role: "source" as const, region };
      demands.push({ ...at, quota: "dlmPoliciesPerRegion", amount: 1 });
      demands.push({ ...at, quota: "ebsSnapshotsPerRegion", amount: volumes * config.ebs.retainCount });
    }
  }
  return demands;
}
