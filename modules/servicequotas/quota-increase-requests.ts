import type { SnapshotDrConfig } from "../config/load-config";
import { desiredValue, estimateCapacity, increaseCandidates } from "../capacity/estimate";
import { QUOTAS } from "../capacity/quotas";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { ServiceQuotaIncrease } from "./service-quota-increase";

/**
 * With `capacity.requestQuotaIncreases`, the stack of an account asks for every adjustable quota of that account
 * that the capacity estimate finds near or over its limit, in the region where it binds: the DR stack for the
 * DR account, each source stack for its own account. Quotas without a Service Quotas code are left to the
 * report (AWS Support).
 */
export function requestQuotaIncreases(stack: SnapshotDrStack, config: SnapshotDrConfig, accountId: string): void {
  if (!config.capacity.requestQuotaIncreases) return;
  const estimate = estimateCapacity(config);
  for (const row of increaseCandidates(estimate)) {
    if (row.account !== accountId || !stack.regions.includes(row.region)) continue;
    const quota = QUOTAS[row.quotaKey];
    new ServiceQuotaIncrease(stack, `quota-increase-${row.region}-${quota.serviceCode}-${(quota.quotaCode as string).toLowerCase()}`, {
      provider: stack.providerFor(row.region),
      serviceCode: quota.serviceCode,
      quotaCode: quota.quotaCode as string,
      value: desiredValue(row, estimate.nearPercent),
    });
  }
}
