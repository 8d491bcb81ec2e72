/** Small text and ordering helpers shared by the report's sections. */
import type { SnapshotDrConfig } from "../../../modules/config/load-config";

export type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

export const sorted = (values: Iterable<string>) => [...values].sort((a, b) => a.localeCompare(b));
export const byId = (a: SourceAccount, b: SourceAccount) => a.id.localeCompare(b.id);
export const retention = (r: { interval: number; unit: string }) => `${r.interval} ${r.unit.toLowerCase()}`;
export const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;
