/** The report's notes: what the matrix does not cover, or covers with assumptions, for a configuration. */
import type { SnapshotDrConfig } from "../../../modules/config/load-config";
import { breakGlassRoleArnOf, ebsModeOf } from "../../../modules/config/naming";
import { flowsOf, PRINCIPAL_CONTEXT_KEYS, type MatrixRow } from "../access-matrix";
import { byId } from "./text";

/** What the matrix does not cover, or covers with assumptions, for this configuration. */
export function notesOf(config: SnapshotDrConfig, rows: readonly MatrixRow[]): string[] {
  const notes: string[] = [
    "Identity policies that are not in the synthesized JSON (AWS managed policies, service-linked roles, a hypothetical administrator or outsider) are replaced by a stand-in that allows everything, named in the row: the decision then rests on the policies this project deploys.",
    `Every row also carries ${PRINCIPAL_CONTEXT_KEYS.join(", ")} (KMS calls) of its principal; the tables list the other context keys.`,
    "SCPs of the `org-<organization id>` stacks are evaluated for the principals of the accounts they are attached to (not for service-linked roles, which AWS exempts); an SCP attached to a root or OU is taken to cover every configured account of that organization.",
  ];
  for (const account of [...config.sourceAccounts].sort(byId)) {
    for (const [region, arn] of Object.entries(account.ebs.kmsKeyArns ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (ebsModeOf(config, account) === "share") {
        notes.push(`Not simulated: ${account.id} shares snapshots in ${region} under the existing key ${arn}, whose key policy is not managed here (the synthesis prints the statements it needs).`);
      }
    }
  }
  if (config.drAccount.kmsB.lockDown) notes.push("drAccount.kmsB.lockDown is on: the source copiers' calls on KMS-B are expected Denied.");
  if (flowsOf(config).includes("backup")) {
    const g = config.backup.guardrails;
    if (!g.restrictCopyTargets) notes.push("backup.guardrails.restrictCopyTargets is off: no SCP keeps copies out of unlisted vaults, so the matrix has no such rows.");
    if (!g.denyLeaveOrganization) notes.push("backup.guardrails.denyLeaveOrganization is off: no SCP keeps the DR account in the organization, so the matrix has no such row.");
    if (!breakGlassRoleArnOf(config)) notes.push("drAccount.breakGlassRoleArn is not set: the DR vaults' Deny exempts the deploy role alone; nobody else may delete recovery points or change the vaults' policy, lock or notifications.");
  }
  if (rows.some((row) => !row.asExpected)) {
    notes.push("Rows whose actual decision differs from the expected one are listed under \"Rows that differ\": each is a finding about the synthesized policies, not about the report.");
  }
  return notes;
}
