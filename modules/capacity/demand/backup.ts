import type { SnapshotDrConfig } from "../../config/load-config";
import { backupDrVaultRegion, backupEnabledFor } from "../../config/naming";
import { cronRunsPerDay, resourceCountsOf } from "../inputs";
import type { Demand } from "../types";

/**
 * AWS Backup (docs/design.md §2c): every rule run makes a recovery point per selected resource in the source
 * vault of its region (kept by the rule's lifecycle), copies it into the DR vault (of the same region, or of the
 * first copy region; kept by `drCopyLifecycle`) and, with `copyToRegion`, into the source vault of that region.
 * Each vault's recovery points count against "Recovery points per backup vault".
 */
export function backupDemand(config: SnapshotDrConfig): Demand[] {
  const demands: Demand[] = [];
  const rules = config.backup.rules.map((rule) => ({
    runsPerDay: cronRunsPerDay(rule.schedule),
    sourceDays: rule.lifecycle.deleteAfterDays,
    drDays: (rule.drCopyLifecycle ?? rule.lifecycle).deleteAfterDays,
    copyTo: rule.copyToRegion ? { region: rule.copyToRegion.region, days: (rule.copyToRegion.lifecycle ?? rule.lifecycle).deleteAfterDays } : undefined,
  }));
  for (const account of config.sourceAccounts) {
    if (!backupEnabledFor(config, account)) continue;
    const resources = resourceCountsOf(config, account).backupResourcesPerRegion;
    for (const region of account.regions) {
      for (const rule of rules) {
        const perDay = resources * rule.runsPerDay;
        const vault = { role: "source" as const, quota: "backupRecoveryPointsPerVault" as const };
        demands.push({ ...vault, account: account.id, region, amount: perDay * rule.sourceDays });
        if (rule.copyTo && rule.copyTo.region !== region) {
          demands.push({ ...vault, account: account.id, region: rule.copyTo.region, amount: perDay * rule.copyTo.days });
        }
        demands.push({
          account: config.drAccount.id,
          role: "dr",
          region: backupDrVaultRegion(config, region),
          quota: "backupRecoveryPointsPerVault",
          amount: perDay * rule.drDays,
        });
      }
    }
  }
  return demands;
}
