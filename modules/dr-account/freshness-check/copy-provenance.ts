/**
 * Which source a DR-owned copy came from, read from what AWS and the copiers leave on it. Dependency-free.
 *
 * - AWS Backup: a recovery point copied into the DR vault names the vault it was copied from
 *   (`SourceBackupVaultArn`, ListRecoveryPointsByBackupVault): its account and region are the source.
 * - RDS: the importer tags each copy `SourceSnapshotArn` (the shared snapshot's ARN: account and region) and
 *   `SourceAccount`.
 * - EBS: DLM tags every copy a policy makes with the policy (`aws:dlm:lifecycle-policy-id`, "each snapshot
 *   created by a policy has ... policy-related tags"); an event policy serves one source region, so the tag
 *   gives the region. The account is read from the copy's description: the source account the transit copy's
 *   description names (`<prefix> DR transit copy of snap-... from <account>`) when the copy carries it, else the
 *   owner of a snapshot shared with the DR account whose ID the description names. AWS does not document the
 *   description DLM writes on a cross-account copy; a copy that cannot be attributed is counted and logged, and
 *   its source shows as stale rather than being assumed fresh.
 */

const ACCOUNT = /\b(\d{12})\b/g;
const SNAPSHOT_ID = /\bsnap-[0-9a-f]{8,17}\b/g;
const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/;

export interface Tag {
  readonly Key?: string;
  readonly Value?: string;
}

export const tagValue = (tags: readonly Tag[] | undefined, key: string) => tags?.find((tag) => tag.Key === key)?.Value;

/** `{ account, region }` of an ARN, or undefined. */
export function arnOwner(arn: string | undefined): { account: string; region: string } | undefined {
  const match = ARN.exec(arn ?? "");
  return match ? { region: match[2], account: match[3] } : undefined;
}

/** The source of a recovery point in the DR vault: the account and region of the vault it was copied from. */
export const backupCopySource = (sourceBackupVaultArn: string | undefined) => arnOwner(sourceBackupVaultArn);

/** The source of an RDS import copy: its `SourceSnapshotArn` tag, else its `SourceAccount` tag in `region`. */
export function rdsCopySource(tags: readonly Tag[] | undefined, region: string): { account: string; region: string } | undefined {
  const fromArn = arnOwner(tagValue(tags, "SourceSnapshotArn"));
  if (fromArn) return fromArn;
  const account = tagValue(tags, "SourceAccount");
  return account && /^\d{12}$/.test(account) ? { account, region } : undefined;
}

/** The DLM tag AWS puts on every snapshot a lifecycle policy creates. */
export const DLM_POLICY_TAG = "aws:dlm:lifecycle-policy-id";

/**
 * The source account of an EBS copy: an expected account its description names (the transit copy's
 * "... from <account>"), else the owner of a shared snapshot whose ID it names. Undefined when neither.
 */
export function ebsCopyAccount(
  description: string | undefined,
  expectedAccounts: ReadonlySet<string>,
  ownerOfSharedSnapshot: ReadonlyMap<string, string>,
): string | undefined {
  const text = description ?? "";
  for (const match of text.matchAll(ACCOUNT)) if (expectedAccounts.has(match[1])) return match[1];
  for (const match of text.matchAll(SNAPSHOT_ID)) {
    const owner = ownerOfSharedSnapshot.get(match[0]);
    if (owner && expectedAccounts.has(owner)) return owner;
  }
  return undefined;
}
