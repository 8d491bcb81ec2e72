import { PolicyDocument, policyDocument, PolicyStatement, sortedUnique } from "../iam/policy-document";
import { assertAccountId, assertPartition } from "./backup-arns";

/**
 * Who may copy into the DR vault (`backup:CopyIntoBackupVault`, seed 003 "Sharing a backup vault"). AWS Backup
 * copies across accounts only within one organization, so every choice names principals of the DR account's
 * organization.
 */
export type CopySources =
  /** Every principal of the organization(s): `Principal: "*"` with `StringEquals aws:PrincipalOrgID`. */
  | { readonly kind: "organizations"; readonly organizationIds: readonly string[] }
  /**
   * Principals of accounts under the listed OU paths: `ForAnyValue:StringLike aws:PrincipalOrgPaths`. A path
   * ending in `/` is the OU itself; ending in `/*`, the OU and every OU below it.
   */
  | { readonly kind: "organizationalUnits"; readonly orgPaths: readonly string[] }
  /**
   * Principals of the listed accounts of the organization: `StringEquals` on `aws:PrincipalAccount` and
   * `aws:PrincipalOrgID`. The list costs 15 characters per account (`"111111111111",`); OU paths cost nothing per account.
   */
  | { readonly kind: "accounts"; readonly accountIds: readonly string[]; readonly organizationId: string };

/** The Deny that keeps what is in the vault there, and the vault's settings as deployed, for all but a few roles. */
export interface RecoveryPointProtection {
  /**
   * The role Terraform deploys with: exempt, since it must still create and update the vault's policy, lock and
   * notifications (the DR organization's SCP narrows what it may do).
   */
  readonly deployRoleArn: string;
  /**
   * The break-glass role (`drAccount.breakGlassRoleArn`), which may still delete or shorten recovery points.
   * @default - none: only the deploy role is exempt
   */
  readonly breakGlassRoleArn?: string;
  /**
   * Further roles exempted the same way.
   * @default - none
   */
  readonly additionalExemptRoleArns?: readonly string[];
}

/** What the DR vault's access policy depends on. */
export interface DrBackupVaultAccessPolicyProps {
  readonly partition: string;
  readonly copySources: CopySources;
  /** Deny {@link PROTECTED_VAULT_ACTIONS} to every principal except the deploy role and the break-glass role. */
  readonly recoveryPointProtection: RecoveryPointProtection;
}

/**
 * What a compromised DR administrator would do to destroy the copies or blind their owners, and what the
 * protection denies: delete or shorten recovery points, drop or replace the access policy, remove or loosen the
 * lock, silence the copy job notifications, delete the vault. Listed one by one: AWS Backup access policies
 * don't support a wildcard in the Action key (AWS Backup, "Vault access policies"). Every one of them acts on a
 * backup vault or a recovery point of the vault, so the vault's policy applies (Service Authorization Reference).
 */
export const PROTECTED_VAULT_ACTIONS = [
  "backup:DeleteBackupVault",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:DeleteBackupVaultNotifications",
  "backup:DeleteRecoveryPoint",
  "backup:DisassociateRecoveryPoint",
  "backup:PutBackupVaultAccessPolicy",
  "backup:PutBackupVaultLockConfiguration",
  "backup:PutBackupVaultNotifications",
  "backup:UpdateRecoveryPointLifecycle",
] as const;

export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** `o-<org>/r-<root>/ou-<...>/.../`, optionally ending in `*` (the OU and the OUs below it). */
export const ORG_PATH_PATTERN = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)+\*?$/;
const ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function copyStatement(sources: CopySources): PolicyStatement {
  const action = "backup:CopyIntoBackupVault";
  switch (sources.kind) {
    case "organizations": {
      if (sources.organizationIds.length === 0) throw new Error("The DR vault access policy needs at least one organization ID");
      for (const id of sources.organizationIds) {
        if (!ORGANIZATION_ID_PATTERN.test(id)) throw new Error(`Expected organization ID to match ${ORGANIZATION_ID_PATTERN.source}, got '${id}'`);
      }
      return {
        Sid: "CopyIntoVaultFromOrganizations",
        Effect: "Allow",
        Principal: "*",
        Action: action,
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalOrgID": sortedUnique(sources.organizationIds) } },
      };
    }
    case "organizationalUnits": {
      if (sources.orgPaths.length === 0) throw new Error("The DR vault access policy needs at least one organizational unit path");
      for (const path of sources.orgPaths) {
        if (!ORG_PATH_PATTERN.test(path)) {
          throw new Error(`Expected organizational unit path like o-xxxxxxxxxx/r-xxxx/ou-xxxx-xxxxxxxx/ (matching ${ORG_PATH_PATTERN.source}), got '${path}'`);
        }
      }
      return {
        Sid: "CopyIntoVaultFromOrganizationalUnits",
        Effect: "Allow",
        Principal: "*",
        Action: action,
        Resource: "*",
        Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": sortedUnique(sources.orgPaths) } },
      };
    }
    case "accounts": {
      if (sources.accountIds.length === 0) throw new Error("The DR vault access policy needs at least one account ID");
      for (const id of sources.accountIds) assertAccountId(id, "source account ID");
      if (!ORGANIZATION_ID_PATTERN.test(sources.organizationId)) {
        throw new Error(`Expected organization ID to match ${ORGANIZATION_ID_PATTERN.source}, got '${sources.organizationId}'`);
      }
      return {
        Sid: "CopyIntoVaultFromAccounts",
        Effect: "Allow",
        Principal: "*",
        Action: action,
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalAccount": sortedUnique(sources.accountIds), "aws:PrincipalOrgID": sources.organizationId } },
      };
    }
  }
}

function protectionStatement(protection: RecoveryPointProtection): PolicyStatement {
  const exempt = [protection.deployRoleArn, ...(protection.breakGlassRoleArn ? [protection.breakGlassRoleArn] : []), ...(protection.additionalExemptRoleArns ?? [])];
  for (const arn of exempt) {
    if (!ROLE_ARN_PATTERN.test(arn)) throw new Error(`Expected an exempted principal to be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got '${arn}'`);
  }
  return {
    Sid: "DenyVaultChangesExceptExemptRoles",
    Effect: "Deny",
    Principal: "*",
    Action: [...PROTECTED_VAULT_ACTIONS],
    Resource: "*",
    // aws:PrincipalArn of a role session is the role's ARN, so every session of the break-glass role is exempt.
    Condition: { ArnNotLike: { "aws:PrincipalArn": sortedUnique(exempt) } },
  };
}

/**
 * The DR vault's access policy: who may copy into it (seed 003), and a Deny that keeps recovery points, the
 * policy, the lock, the notifications and the vault out of reach of everyone but the deploy and break-glass roles.
 */
export function drBackupVaultAccessPolicy(props: DrBackupVaultAccessPolicyProps): PolicyDocument {
  assertPartition(props.partition);
  return policyDocument([copyStatement(props.copySources), protectionStatement(props.recoveryPointProtection)]);
}
