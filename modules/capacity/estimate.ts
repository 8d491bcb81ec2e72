import { ConfigError, SnapshotDrConfig } from "../config/load-config";
import { backupDemand } from "./demand/backup";
import { ebsDrCopyDemand } from "./demand/ebs-dr-copies";
import { ebsReencryptDemand } from "./demand/ebs-reencrypt";
import { ebsShareDemand } from "./demand/ebs-share";
import { rdsDemand } from "./demand/rds";
import { QUOTAS, QuotaKey } from "./quotas";
import type { CapacityRow, CapacityStatus, Demand, EbsCopyLoad } from "./types";

/** A row with what the report needs beside the contract's fields. */
export interface EstimatedRow extends CapacityRow {
  readonly role: "dr" | "source";
  readonly quotaKey: QuotaKey;
}

export interface CapacityEstimate {
  /** Sorted by account (the DR account first), region and quota name. */
  readonly rows: readonly EstimatedRow[];
  readonly ebsCopyLoads: readonly EbsCopyLoad[];
  readonly nearPercent: number;
}

export function statusOf(demand: number, limit: number, nearPercent: number): CapacityStatus {
  if (demand > limit) return "over";
  return demand * 100 > limit * nearPercent ? "near" : "ok";
}

/** `capacity.accounts` may only name source accounts. */
function assertKnownAccounts(config: SnapshotDrConfig, source: string): void {
  const known = new Set(config.sourceAccounts.map((account) => account.id));
  const unknown = Object.keys(config.capacity.accounts).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      source,
      unknown.map((id) => ({ path: `capacity.accounts.${id}`, message: "is not a source account (sourceAccounts[].id)" })),
    );
  }
}

const cache = new WeakMap<SnapshotDrConfig, CapacityEstimate>();

/**
 * What the configured estate demands of every quota, per account and region (computed once per configuration).
 * `source` names the configuration in the ConfigError thrown when `capacity.accounts` names an unknown account.
 */
export function estimateCapacity(config: SnapshotDrConfig, source = "(inline)"): CapacityEstimate {
  const cached = cache.get(config);
  if (cached) return cached;
  assertKnownAccounts(config, source);
  const ebsDr = ebsDrCopyDemand(config);
  const demands: Demand[] = [...ebsDr.demands, ...ebsReencryptDemand(config), ...ebsShareDemand(config), ...rdsDemand(config), ...backupDemand(config)];

  const totals = new Map<string, { demand: Demand; amount: number }>();
  for (const demand of demands) {
    const key = `${demand.account}/${demand.region}/${demand.quota}`;
    const total = totals.get(key);
    if (total) total.amount += demand.amount;
    else totals.set(key, { demand, amount: demand.amount });
  }
  const nearPercent = config.capacity.nearPercent;
  const rows: EstimatedRow[] = [...totals.values()].map(({ demand, amount }) => {
    const quota = QUOTAS[demand.quota];
    return {
      account: demand.account,
      region: demand.region,
      quota: quota.name,
      quotaCode: quota.quotaCode,
      limit: quota.limit,
      adjustable: quota.adjustable,
      demand: amount,
      status: statusOf(amount, quota.limit, nearPercent),
      role: demand.role,
      quotaKey: demand.quota,
    };
  });
  const roleOrder = (row: EstimatedRow) => (row.role === "dr" ? 0 : 1);
  rows.sort(
    (a, b) =>
      roleOrder(a) - roleOrder(b) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.quota.localeCompare(b.quota),
  );
  const estimate = { rows, ebsCopyLoads: ebsDr.loads, nearPercent };
  cache.set(config, estimate);
  return estimate;
}

/** Rows over a limit that AWS does not raise: what makes `npm run capacity` exit 1. */
export const blockingRows = (estimate: CapacityEstimate): EstimatedRow[] => estimate.rows.filter((row) => row.status === "over" && !row.adjustable);

/** The value to ask for: enough that the demand sits at `nearPercent` of it, never below the default. */
export const desiredValue = (row: CapacityRow, nearPercent: number): number => Math.max(row.limit, Math.ceil((row.demand * 100) / nearPercent));

/** Adjustable rows near or over their limit, with a Service Quotas code to request the increase with. */
export const increaseCandidates = (estimate: CapacityEstimate): EstimatedRow[] =>
  estimate.rows.filter((row) => row.adjustable && row.status !== "ok" && row.quotaCode !== null);
