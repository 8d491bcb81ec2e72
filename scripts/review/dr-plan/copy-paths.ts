/** The report's copy tables as data: what is copied where, under which key, for how long. */
import type { SnapshotDrConfig } from "../../../modules/config/load-config";
import {
  backupDrKeyAliasName,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  backupSourceKeyAliasName,
  backupSourceVaultName,
  ebsModeOf,
  kmsAAliasName,
  kmsBAliasName,
  kmsCAliasName,
  rdsDrKeyAliasName,
  rdsSourceKeyAliasName,
} from "../../../modules/config/naming";
import { flowsOf, type Flow } from "../access-matrix";
import { byId, days, retention, sorted } from "./text";

/** One place a copy is made or kept. */
export interface CopyStep {
  readonly account: string;
  readonly region: string;
  /** What is there: "EBS snapshots of volumes tagged ...", "transit copy", "DR copy". */
  readonly what: string;
  /** The key it is encrypted under: an alias name (naming.ts) and whose key it is. */
  readonly key: string;
  /** How long it is kept (from the configuration). */
  readonly kept: string;
}

/** A path of a flow: where the data starts, and each copy after it, in order (one entry per copy target). */
export interface CopyPath {
  readonly flow: Flow;
  readonly sourceAccount: string;
  readonly sourceRegion: string;
  /** `steps[0]` is the source; the others are copies of it (a DR step may fan out to several copy regions). */
  readonly steps: readonly CopyStep[];
}

function scheduleText(config: SnapshotDrConfig): string {
  const s = config.ebs.schedule;
  return s.cronExpression ? s.cronExpression : `every ${s.intervalHours ?? 24} h${s.time ? ` from ${s.time} UTC` : ""}`;
}

const tagsText = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** What is copied where, under which key, for how long: from the configuration and the names of naming.ts. */
export function copyPaths(config: SnapshotDrConfig): CopyPath[] {
  const dr = config.drAccount;
  const accounts = [...config.sourceAccounts].sort(byId);
  const drCopies = (what: string): CopyStep[] =>
    sorted(dr.copyRegions).map((region) => ({ account: dr.id, region, what, key: `${kmsCAliasName(config)} (KMS-C, DR account)`, kept: retention(dr.copyRetention) }));
  const paths: CopyPath[] = [];
  const sourceSnapshots = `EBS snapshots of volumes tagged ${tagsText(config.ebs.targetTags)} (${scheduleText(config)})`;
  for (const flow of flowsOf(config)) {
    for (const account of accounts) {
      for (const region of sorted(account.regions)) {
        if (flow === "reencrypt" && ebsModeOf(config, account) === "reencrypt") {
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              { account: account.id, region, what: sourceSnapshots, key: "the volume's key (any, or aws/ebs)", kept: `${config.ebs.retainCount} snapshots per volume` },
              { account: account.id, region, what: "transit copy, shared with the DR account", key: `${kmsBAliasName(config)} (KMS-B, DR account)`, kept: `${config.ebs.transitCopyRetentionHours} h` },
              ...drCopies("DR copy (DLM cross-account copy event policy)"),
            ],
          });
        }
        if (flow === "share" && ebsModeOf(config, account) === "share") {
          const existing = account.ebs.kmsKeyArns?.[region];
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              {
                account: account.id,
                region,
                what: `${sourceSnapshots}, shared with the DR account for ${retention(config.ebs.unshareAfter)}`,
                key: existing ? `${existing} (existing key, source account)` : `${kmsAAliasName(config)} (KMS-A, source account)`,
                kept: `${config.ebs.retainCount} snapshots per volume`,
              },
              ...drCopies("DR copy (DLM cross-account copy event policy)"),
            ],
          });
        }
        if (flow === "backup" && backupEnabledFor(config, account)) {
          for (const rule of config.backup.rules) {
            const drLifecycle = rule.drCopyLifecycle ?? { deleteAfterDays: rule.lifecycle.deleteAfterDays };
            const vaultRegion = backupDrVaultRegion(config, region);
            const lifecycleText = (l: { deleteAfterDays: number; coldStorageAfterDays?: number }) =>
              `${days(l.deleteAfterDays)}${l.coldStorageAfterDays !== undefined ? ` (cold storage after ${days(l.coldStorageAfterDays)})` : ""}`;
            paths.push({
              flow,
              sourceAccount: account.id,
              sourceRegion: region,
              steps: [
                {
                  account: account.id,
                  region,
                  what: `recovery points of ${config.backup.selection.resourceTypes.join(", ")} tagged ${tagsText(config.backup.selection.tags)}, rule ${rule.name} ${rule.schedule}, vault ${backupSourceVaultName(config)}`,
                  key: `${backupSourceKeyAliasName(config)} (source account)`,
                  kept: lifecycleText(rule.lifecycle),
                },
                {
                  account: dr.id,
                  region: vaultRegion,
                  what: `copy in vault ${backupDrVaultName(config)} (${config.backup.vaultLock.mode} lock, at least ${days(config.backup.vaultLock.minRetentionDays)})`,
                  key: `${backupDrKeyAliasName(config)} (DR account)`,
                  kept: lifecycleText(drLifecycle),
                },
                ...(rule.copyToRegion && rule.copyToRegion.region !== region
                  ? [
                      {
                        account: account.id,
                        region: rule.copyToRegion.region,
                        what: `copy in vault ${backupSourceVaultName(config)}`,
                        key: `${backupSourceKeyAliasName(config)} (source account)`,
                        kept: lifecycleText(rule.copyToRegion.lifecycle ?? rule.lifecycle),
                      },
                    ]
                  : []),
              ],
            });
          }
        }
        if (flow === "rds") {
          const secondary = config.rds.copyToSecondaryRegion ? dr.copyRegions.find((c) => c !== region) : undefined;
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              {
                account: account.id,
                region,
                what: `transit copies of snapshots of DB instances and clusters tagged ${config.rds.selectionTag.key}=${config.rds.selectionTag.value}, shared with the DR account`,
                key: `${rdsSourceKeyAliasName(config)} (source account)`,
                kept: `${config.rds.transitCopyRetentionHours} h`,
              },
              { account: dr.id, region, what: "DR copy (RDS snapshot importer)", key: `${rdsDrKeyAliasName(config)} (DR account)`, kept: days(config.rds.retentionDays) },
              ...(secondary
                ? [{ account: dr.id, region: secondary, what: "secondary DR copy", key: `${kmsCAliasName(config)} (KMS-C, DR account)`, kept: days(config.rds.retentionDays) }]
                : []),
            ],
          });
        }
      }
    }
  }
  return paths;
}
