import type { SnapshotDrConfig } from "../../config/load-config";
import { ebsModeOf } from "../../config/naming";
import { MAX_SNAPSHOT_OWNERS_PER_POLICY } from "../../dr-account/cross-account-copy-event-policy";
import { ebsRunsPerDay, resourceCountsOf, retentionDays } from "../inputs";
import { QUOTAS } from "../quotas";
import { scheduleOffsetMinutes, staggerWindowMinutes } from "../schedule-stagger";
import type { Demand, EbsCopyLoad } from "../types";

/**
 * EBS, DR side (both modes, docs/design.md §2a step 3 and §2b): in every region with source accounts, one DLM
 * cross-account copy event policy per 50 of them; in every copy region, a copy of every shared snapshot, kept
 * for `drAccount.copyRetention`, and the copies in flight under "Concurrent snapshot copies per destination
 * Region".
 */

/** A run's copies from one account, starting `startMinute` into the schedule period. */
interface CopyBatch {
  readonly startMinute: number;
  readonly copies: number;
}

/**
 * The most copies in flight at any minute of the schedule period (copies repeat every period; a copy longer than
 * the period overlaps the next runs' copies).
 */
export function peakCopiesInFlight(batches: readonly CopyBatch[], periodMinutes: number, durationMinutes: number): number {
  const period = Math.max(1, Math.round(periodMinutes));
  const wholePeriods = Math.floor(durationMinutes / period);
  const rest = durationMinutes - wholePeriods * period;
  const delta = new Float64Array(period + 1);
  let everywhere = 0;
  for (const { startMinute, copies } of batches) {
    everywhere += wholePeriods * copies;
    if (rest === 0) continue;
    const start = ((Math.round(startMinute) % period) + period) % period;
    const end = start + rest;
    delta[start] += copies;
    if (end <= period) delta[end] -= copies;
    else {
      delta[period] -= copies;
      delta[0] += copies;
      delta[end - period] -= copies;
    }
  }
  let running = 0;
  let peak = 0;
  for (let minute = 0; minute < period; minute++) {
    running += delta[minute];
    peak = Math.max(peak, running);
  }
  return everywhere + peak;
}

export function ebsDrCopyDemand(config: SnapshotDrConfig): { demands: Demand[]; loads: EbsCopyLoad[] } {
  const dr = config.drAccount.id;
  const runsPerDay = ebsRunsPerDay(config);
  const periodMinutes = 1440 / runsPerDay;
  const window = staggerWindowMinutes(config);
  const copyMinutes = config.capacity.ebsCopyMinutes;
  const keptDays = retentionDays(config.drAccount.copyRetention);

  const ownersByRegion = new Map<string, number>();
  const batches: CopyBatch[] = [];
  let copiesPerRun = 0;
  for (const account of config.sourceAccounts) {
    const volumes = resourceCountsOf(config, account).volumesPerRegion;
    // A re-encrypted snapshot is shared once its transit copy (itself a copy) has finished.
    const delay = ebsModeOf(config, account) === "reencrypt" ? copyMinutes.incremental : 0;
    const startMinute = scheduleOffsetMinutes(config, account.id) + delay;
    for (const region of account.regions) {
      ownersByRegion.set(region, (ownersByRegion.get(region) ?? 0) + 1);
      batches.push({ startMinute, copies: volumes });
      copiesPerRun += volumes;
    }
  }

  const demands: Demand[] = [...ownersByRegion].map(([region, owners]) => ({
    account: dr,
    role: "dr",
    region,
    quota: "dlmPoliciesPerRegion",
    amount: Math.ceil(owners / MAX_SNAPSHOT_OWNERS_PER_POLICY),
  }));
  const limit = QUOTAS.ebsConcurrentSnapshotCopies.limit;
  const loads: EbsCopyLoad[] = [];
  for (const region of config.drAccount.copyRegions) {
    const peak = peakCopiesInFlight(batches, periodMinutes, copyMinutes.incremental);
    demands.push({ account: dr, role: "dr", region, quota: "ebsConcurrentSnapshotCopies", amount: peak });
    demands.push({ account: dr, role: "dr", region, quota: "ebsSnapshotsPerRegion", amount: Math.ceil(copiesPerRun * runsPerDay * keptDays) });
    loads.push({
      region,
      copiesPerRun,
      copiesPerDay: Math.ceil(copiesPerRun * runsPerDay),
      peakInFlight: peak,
      peakInFlightFirstDay: peakCopiesInFlight(batches, periodMinutes, copyMinutes.full),
      minutesPerCopyWithinWindow: window > 0 && copiesPerRun > 0 ? (limit * window) / copiesPerRun : null,
      minutesPerCopyWithinInterval: copiesPerRun > 0 ? (limit * periodMinutes) / copiesPerRun : periodMinutes,
    });
  }
  return { demands, loads };
}
