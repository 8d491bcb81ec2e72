import { ORG_PATH_PATTERN } from "../backup/dr-backup-vault-access-policy";
import type { SnapshotDrConfig } from "../config/load-config";
import { PolicyDocument, policyDocument, policyJson, PolicyStatement, sortedUnique } from "../iam/policy-document";

/**
 * Service control policies that keep AWS Backup copies where the design puts them (design §2c, seed 003
 * "Configuring your account as a destination account"), written for the set semantics of multi-valued keys
 * (design §5): a Deny with `ForAnyValue:...NotLike` denies a request if ANY value is outside the list, and a
 * second Deny with `Null` covers a request without the key, which `ForAnyValue` alone would let through.
 */

/**
 * `arn:<partition>:backup:<region or *>:<account>:backup-vault:<name, * allowed>`, or, for a vault every account
 * keeps under the same name (the copy-to-region vaults), `arn:<partition>:backup:<region>:*:backup-vault:<name>`
 * with a concrete region and name: never a wildcard account with a wildcard name.
 */
export const VAULT_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):backup:(([a-z0-9-]+|\*):\d{12}:backup-vault:[a-zA-Z0-9\-\_\*]{1,50}|[a-z0-9-]+:\*:backup-vault:[a-zA-Z0-9\-\_]{1,50})$/;

/**
 * (a) Attach to the DR account: an account that leaves the organization keeps its backups out of the
 * organization's reach, and no SCP would constrain it any more (seed 003, security considerations).
 */
export function denyLeaveOrganizationPolicy(): PolicyDocument {
  return policyDocument([{ Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }]);
}

/** What the copy guardrail depends on. */
export interface BackupCopyGuardrailProps {
  /**
   * The vaults copies may go to: the DR vaults, and every vault a plan copies to within its own account (a
   * cross-region copy is a `backup:CopyFromBackupVault` too). `*` may stand for the region or part of the name.
   */
  readonly allowedVaultArns: readonly string[];
  /**
   * (c) The OU paths of the accounts copies may go to (`o-.../r-.../ou-.../`, ending in `*` for the OUs below).
   * A copy within the source account has that account's own path as its target path: list it too.
   * @default - no statement on `backup:CopyTargetOrgPaths`
   */
  readonly allowedTargetOrgPaths?: readonly string[];
}

/**
 * (b) and optionally (c). Attach to the source accounts (or their OUs): `backup:CopyFromBackupVault` is denied
 * unless every copy target is an allowed vault (and, with (c), in an allowed OU), and denied when the request
 * names no target at all.
 */
export function backupCopyGuardrailPolicy(props: BackupCopyGuardrailProps): PolicyDocument {
  if (props.allowedVaultArns.length === 0) throw new Error("The copy guardrail needs at least one allowed vault ARN");
  for (const arn of props.allowedVaultArns) {
    if (!VAULT_ARN_PATTERN.test(arn)) {
      throw new Error(`Expected an allowed vault ARN like arn:aws:backup:<region>:<account>:backup-vault:<name> (matching ${VAULT_ARN_PATTERN.source}), got '${arn}'`);
    }
  }
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyCopyToUnlistedVaults",
      Effect: "Deny",
      Action: "backup:CopyFromBackupVault",
      Resource: "*",
      Condition: { "ForAnyValue:ArnNotLike": { "backup:CopyTargets": sortedUnique(props.allowedVaultArns) } },
    },
    {
      Sid: "DenyCopyWithoutTargets",
      Effect: "Deny",
      Action: "backup:CopyFromBackupVault",
      Resource: "*",
      Condition: { Null: { "backup:CopyTargets": "true" } },
    },
  ];
  if (props.allowedTargetOrgPaths !== undefined) {
    if (props.allowedTargetOrgPaths.length === 0) throw new Error("The copy guardrail's allowed target OU paths, when given, need at least one path");
    for (const path of props.allowedTargetOrgPaths) {
      if (!ORG_PATH_PATTERN.test(path)) {
        throw new Error(`Expected organizational unit path like o-xxxxxxxxxx/r-xxxx/ou-xxxx-xxxxxxxx/ (matching ${ORG_PATH_PATTERN.source}), got '${path}'`);
      }
    }
    statements.push(
      {
        Sid: "DenyCopyToUnlistedOrgPaths",
        Effect: "Deny",
        Action: "backup:CopyFromBackupVault",
        Resource: "*",
        Condition: { "ForAnyValue:StringNotLike": { "backup:CopyTargetOrgPaths": sortedUnique(props.allowedTargetOrgPaths) } },
      },
      {
        Sid: "DenyCopyWithoutTargetOrgPaths",
        Effect: "Deny",
        Action: "backup:CopyFromBackupVault",
        Resource: "*",
        Condition: { Null: { "backup:CopyTargetOrgPaths": "true" } },
      },
    );
  }
  return policyDocument(statements);
}

/** The size Organizations measures: the characters of the policy as sent, here minified JSON. */
export function scpSize(document: PolicyDocument): number {
  return policyJson(document).length;
}

/** Where the copy guardrail is attached, and what the reviewer must know about that choice. */
export interface CopyGuardrailTargets {
  readonly ids: readonly string[];
  /** A "Review:" notice, when the choice has a consequence the configuration does not show. */
  readonly notice?: string;
}

/**
 * The copy guardrail's targets: `backup.guardrails.copyGuardrailTargets` when given (accounts, OUs or the
 * root); else the organization's root (`organizations[].rootId`): one attachment whatever the estate's size,
 * and every account of the organization then copies only to the allowed vaults (others are added with
 * `backup.guardrails.additionalAllowedVaultArns`); else, with the root unknown, each account that backs up,
 * with a notice saying how to attach it once.
 */
export function copyGuardrailTargets(
  config: SnapshotDrConfig,
  organization: SnapshotDrConfig["organizations"][number],
  backupAccounts: readonly { readonly id: string }[],
): CopyGuardrailTargets {
  const explicit = config.backup.guardrails.copyGuardrailTargets;
  if (explicit) return { ids: explicit };
  if (organization.rootId) {
    return {
      ids: [organization.rootId],
      notice: `The AWS Backup copy guardrail is attached to the root ${organization.rootId} of ${organization.id}: every account of the organization may copy recovery points only to the DR vaults, the copy-to-region vaults and backup.guardrails.additionalAllowedVaultArns (set backup.guardrails.copyGuardrailTargets to narrow it to OUs or accounts).`,
    };
  }
  return {
    ids: backupAccounts.map((account) => account.id),
    notice: `The AWS Backup copy guardrail is attached to each of the ${backupAccounts.length} account(s) that back up, because the root of ${organization.id} is not configured: set organizations[].rootId (aws organizations list-roots) to attach it once to the root, or backup.guardrails.copyGuardrailTargets to attach it to OUs.`,
  };
}
