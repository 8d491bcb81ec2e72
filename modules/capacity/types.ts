import type { QuotaKey } from "./quotas";

/** `ok`, `near` (over `capacity.nearPercent` of the limit) or `over` the limit. */
export type CapacityStatus = "ok" | "near" | "over";

/** One row of `report/capacity.json` (docs/design.md §6): exactly these fields. */
export interface CapacityRow {
  readonly account: string;
  readonly region: string;
  /** AWS's name of the quota. */
  readonly quota: string;
  /** The Service Quotas code, or null where the quota has none. */
  readonly quotaCode: string | null;
  readonly limit: number;
  readonly adjustable: boolean;
  readonly demand: number;
  readonly status: CapacityStatus;
}

/** What one flow asks of one quota of one account in one region. Demands on the same quota add up. */
export interface Demand {
  readonly account: string;
  /** Whether the account is the DR account or a source account (for the report and the stack that asks). */
  readonly role: "dr" | "source";
  readonly region: string;
  readonly quota: QuotaKey;
  readonly amount: number;
}

/** EBS copies the DR account receives in one copy region, for the report. */
export interface EbsCopyLoad {
  readonly region: string;
  readonly copiesPerRun: number;
  readonly copiesPerDay: number;
  /** Peak copies in flight with incremental copies, and on the first day (full copies). */
  readonly peakInFlight: number;
  readonly peakInFlightFirstDay: number;
  /** Minutes each copy may take for 20 at a time to finish a run within the stagger window (null without one). */
  readonly minutesPerCopyWithinWindow: number | null;
  /** Minutes each copy may take for 20 at a time to finish a run before the next one starts. */
  readonly minutesPerCopyWithinInterval: number;
}
