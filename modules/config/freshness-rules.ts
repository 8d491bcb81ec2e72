import type { ConfigRule } from "./cross-field-rules";

/**
 * `sourceAccounts[].freshness`: the regions where the DR account's freshness check expects copies of a flow are
 * regions of the account, each once, and only for a flow the account uses (a flow that is off sends nothing, and
 * expecting it would keep the stale-sources alarm on for good).
 */
export const freshnessRegionsFitTheAccount: ConfigRule = {
  sections: ["sourceAccounts", "rds", "backup"],
  check: (config, problem) =>
    config.sourceAccounts.forEach((account, index) => {
      const backupOn = account.backup.enabled ?? config.backup.enabled;
      for (const flow of ["ebs", "rds", "backup"] as const) {
        const regions = account.freshness[flow];
        if (regions === undefined) continue;
        const path = `sourceAccounts[${index}].freshness.${flow}`;
        if (flow === "rds" && !config.rds.enabled && regions.length > 0) problem(path, "rds.enabled is false: no RDS copies come from any account");
        if (flow === "backup" && !backupOn && regions.length > 0) problem(path, `AWS Backup is off for account ${account.id} (backup.enabled, sourceAccounts[].backup.enabled)`);
        const seen = new Set<string>();
        regions.forEach((region, position) => {
          if (seen.has(region)) problem(`${path}[${position}]`, `duplicate region '${region}'`);
          seen.add(region);
          if (!account.regions.includes(region)) problem(`${path}[${position}]`, `region '${region}' is not one of this account's regions`);
        });
      }
    }),
};
