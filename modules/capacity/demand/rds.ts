import type { SnapshotDrConfig } from "../../config/load-config";
import { heldForHours, inFlight, resourceCountsOf } from "../inputs";
import type { QuotaKey } from "../quotas";
import type { Demand } from "../types";

/**
 * RDS and Aurora (docs/design.md §2d), one automated snapshot per database per day:
 * - source account, each region: the copier's transit copies (manual snapshots) kept for
 *   `rds.transitCopyRetentionHours`, and its copies in flight as the databases' backup windows come round;
 * - DR account, each region where sources share: the importer's copies, kept `rds.retentionDays`, and with
 *   `rds.copyToSecondaryRegion` the same again in the secondary region; the importer runs hourly and copies what
 *   was shared since, so an hour's snapshots are in flight together (longer when a copy takes longer than an hour).
 * The databases' own manual snapshots count against the same quotas and are not known here.
 */
export function rdsDemand(config: SnapshotDrConfig): Demand[] {
  if (!config.rds.enabled) return [];
  const dr = config.drAccount;
  const { rdsCopyMinutes, rdsBackupWindowSpreadHours } = config.capacity;
  const spreadMinutes = rdsBackupWindowSpreadHours * 60;
  const kept = (quota: QuotaKey) => (quota === "rdsManualDbInstanceSnapshots" ? "dbInstanceSnapshotsPerRegion" : "dbClusterSnapshotsPerRegion");
  const demands: Demand[] = [];
  const sharedPerDay = new Map<string, { instances: number; clusters: number }>();

  for (const account of config.sourceAccounts) {
    const counts = resourceCountsOf(config, account);
    for (const region of account.regions) {
      const at = { account: account.id, role: "source" as const, region };
      for (const quota of ["rdsManualDbInstanceSnapshots", "rdsManualDbClusterSnapshots"] as const) {
        demands.push({ ...at, quota, amount: counts[kept(quota)] * heldForHours(1, config.rds.transitCopyRetentionHours) });
      }
      const databases = counts.dbInstanceSnapshotsPerRegion + counts.dbClusterSnapshotsPerRegion;
      demands.push({ ...at, quota: "rdsConcurrentSnapshotCopies", amount: inFlight(databases, spreadMinutes, rdsCopyMinutes) });
      const shared = sharedPerDay.get(region) ?? { instances: 0, clusters: 0 };
      sharedPerDay.set(region, { instances: shared.instances + counts.dbInstanceSnapshotsPerRegion, clusters: shared.clusters + counts.dbClusterSnapshotsPerRegion });
    }
  }

  const copiesPerHourOverlap = Math.max(1, Math.ceil(rdsCopyMinutes / 60));
  const hourlyBatch = (perDay: number) => Math.ceil(perDay / Math.min(24, Math.max(1, rdsBackupWindowSpreadHours)));
  for (const [region, shared] of [...sharedPerDay].sort(([a], [b]) => a.localeCompare(b))) {
    const secondary = config.rds.copyToSecondaryRegion ? dr.copyRegions.find((copyRegion) => copyRegion !== region) : undefined;
    for (const target of secondary ? [region, secondary] : [region]) {
      const at = { account: dr.id, role: "dr" as const, region: target };
      demands.push({ ...at, quota: "rdsManualDbInstanceSnapshots", amount: shared.instances * config.rds.retentionDays });
      demands.push({ ...at, quota: "rdsManualDbClusterSnapshots", amount: shared.clusters * config.rds.retentionDays });
      demands.push({ ...at, quota: "rdsConcurrentSnapshotCopies", amount: hourlyBatch(shared.instances + shared.clusters) * copiesPerHourOverlap });
    }
  }
  return demands;
}
