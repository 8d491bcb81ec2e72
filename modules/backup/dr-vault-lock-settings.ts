import type { ParsedConfig } from "../config/schema";
import type { VaultLock } from "./dr-backup-vault";

type BackupSettings = ParsedConfig["backup"];

/** How long each backup rule keeps its copy in the DR vault: `drCopyLifecycle`, else the source lifecycle's expiry. */
export function drCopyRetentions(backup: BackupSettings): { readonly rule: string; readonly index: number; readonly days: number }[] {
  return backup.rules.map((rule, index) => ({ rule: rule.name, index, days: (rule.drCopyLifecycle ?? rule.lifecycle).deleteAfterDays }));
}

/**
 * The DR vaults' lock as configured, with a maximum retention always set: the configured one, else the longest
 * DR copy retention of the rules. Without a maximum, anyone allowed to copy in could store recovery points for
 * 100 years, undeletable under the lock and billed to the DR account. The mode is governance unless compliance
 * is chosen (with `changeableForDays`, which the configuration rules require for it).
 */
export function drVaultLockOf(backup: BackupSettings): VaultLock {
  const lock = backup.vaultLock;
  const maxRetentionDays = lock.maxRetentionDays ?? Math.max(lock.minRetentionDays, ...drCopyRetentions(backup).map((copy) => copy.days));
  return lock.mode === "compliance"
    ? // The configuration rules require changeableForDays in compliance mode, and the vault checks it again.
      { mode: "compliance", minRetentionDays: lock.minRetentionDays, maxRetentionDays, changeableForDays: lock.changeableForDays as number }
    : { mode: "governance", minRetentionDays: lock.minRetentionDays, maxRetentionDays };
}

/**
 * The "Review:" notice of a compliance lock. The date it becomes immutable depends on when Terraform first
 * applies it, which synthesis cannot know (and must not guess from the clock: output stays deterministic), so
 * the notice counts from the first apply and names the call that reads the exact date afterwards.
 */
export function complianceLockNotice(vaultName: string, region: string, changeableForDays: number): string {
  return (
    `The DR vault ${vaultName} in ${region} gets a COMPLIANCE-mode Backup Vault Lock. It can be removed only during the ` +
    `${changeableForDays} days after the first apply that creates it; from then on nobody, not even the account's root user, ` +
    "can remove the lock, shorten retention or delete the vault while it holds recovery points. After applying, read the date " +
    `it becomes immutable (LockDate) with: aws backup describe-backup-vault --backup-vault-name ${vaultName} --region ${region}`
  );
}
