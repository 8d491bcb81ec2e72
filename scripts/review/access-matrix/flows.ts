import { type SnapshotDrConfig } from "../../../modules/config/load-config";
import { backupEnabledFor, ebsModeOf } from "../../../modules/config/naming";
import { FLOWS, Flow } from "./types";

/** Which flows a configuration switches on. */
export function flowsOf(config: SnapshotDrConfig): Flow[] {
  const on: Record<Flow, boolean> = {
    reencrypt: config.sourceAccounts.some((account) => ebsModeOf(config, account) === "reencrypt"),
    share: config.sourceAccounts.some((account) => ebsModeOf(config, account) === "share"),
    backup: config.sourceAccounts.some((account) => backupEnabledFor(config, account)),
    rds: config.rds.enabled,
  };
  return FLOWS.filter((flow) => on[flow]);
}
