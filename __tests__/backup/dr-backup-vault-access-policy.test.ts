import { drBackupVaultAccessPolicy, DrBackupVaultAccessPolicyProps, PROTECTED_VAULT_ACTIONS } from "../../modules/backup/dr-backup-vault-access-policy";
import type { PolicyDocument } from "../../modules/iam/policy-document";
import { allowEverythingPolicy, expectAllowed, expectDenied, type PolicyRequest } from "../../scripts/review/policy-simulator";
import { catalogueProblems } from "../support/iam-catalogue";

const DR_ACCOUNT = "222222222222";
const SOURCE_ACCOUNT = "111111111111";
const OUTSIDE_ACCOUNT = "444444444444";
const SOURCE_ORG = "o-aaaaaaaaaa";
const OTHER_ORG = "o-cccccccccc";
const WORKLOADS_OU = "o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/";
const SANDBOX_OU = "o-aaaaaaaaaa/r-ab12/ou-ab12-99999999/";
const VAULT = `arn:aws:backup:us-east-1:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
const RECOVERY_POINT = `arn:aws:backup:us-east-1:${DR_ACCOUNT}:recovery-point:0f0f0f0f-1111-4222-a333-444455556666`;
const BREAK_GLASS = `arn:aws:iam::${DR_ACCOUNT}:role/break-glass`;
const DEPLOYER = `arn:aws:iam::${DR_ACCOUNT}:role/OrganizationAccountAccessRole`;
const DR_ADMIN = `arn:aws:iam::${DR_ACCOUNT}:role/Admin`;

const DEPLOY_ONLY = { deployRoleArn: DEPLOYER };
const policy = (overrides: Partial<DrBackupVaultAccessPolicyProps>) =>
  drBackupVaultAccessPolicy({
    partition: "aws",
    copySources: { kind: "organizations", organizationIds: [SOURCE_ORG] },
    recoveryPointProtection: DEPLOY_ONLY,
    ...overrides,
  });
/** The copy statement: the first; the second is always the Deny. */
const copyStatementOf = (document: PolicyDocument) => document.Statement.slice(0, 1);

/** A principal of a source account copying into the DR vault (cross-account: both sides must allow). */
function copyInto(principalAccount: string, orgId: string, orgPaths: readonly string[], resourcePolicy: PolicyDocument, description: string): PolicyRequest {
  const principal = `arn:aws:iam::${principalAccount}:role/snapshot-dr-backup`;
  return {
    description,
    principal,
    action: "backup:CopyIntoBackupVault",
    resource: VAULT,
    resourceAccount: DR_ACCOUNT,
    context: {
      "aws:PrincipalArn": principal,
      "aws:PrincipalAccount": principalAccount,
      "aws:PrincipalOrgID": orgId,
      "aws:PrincipalOrgPaths": orgPaths,
    },
    identityPolicies: [allowEverythingPolicy()],
    resourcePolicy,
  };
}

/** A principal of the DR account acting on a recovery point or the vault (same account). */
function drCall(principal: string, action: string, resource: string, resourcePolicy: PolicyDocument): PolicyRequest {
  return {
    description: `${principal} ${action}`,
    principal,
    action,
    resource,
    resourceAccount: DR_ACCOUNT,
    context: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": DR_ACCOUNT, "aws:PrincipalOrgID": "o-bbbbbbbbbb" },
    identityPolicies: [allowEverythingPolicy()],
    resourcePolicy,
  };
}

describe("DR backup vault access policy", () => {
  describe("copies from the organization", () => {
    const document = policy({ copySources: { kind: "organizations", organizationIds: [SOURCE_ORG, SOURCE_ORG] } });

    test("allows CopyIntoBackupVault to every principal of the organization", () => {
      // GIVEN the source organization (listed twice) WHEN the policy is built THEN one copy statement, IDs deduplicated
      expect(copyStatementOf(document)).toEqual([
        {
          Sid: "CopyIntoVaultFromOrganizations",
          Effect: "Allow",
          Principal: "*",
          Action: "backup:CopyIntoBackupVault",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalOrgID": [SOURCE_ORG] } },
        },
      ]);
    });

    test("a principal of the organization may copy in; an outside account may not", async () => {
      // GIVEN the policy WHEN a source account principal copies in THEN it is allowed
      await expectAllowed(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [WORKLOADS_OU], document, "organization member"));
      // WHEN a principal of another organization copies in THEN the vault policy denies it
      await expectDenied(copyInto(OUTSIDE_ACCOUNT, OTHER_ORG, ["o-cccccccccc/r-cd34/ou-cd34-11111111/"], document, "outside account"), "resource");
    });
  });

  describe("copies from listed OUs", () => {
    const document = policy({ copySources: { kind: "organizationalUnits", orgPaths: [WORKLOADS_OU, "o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/*"] } });

    test("allows CopyIntoBackupVault under the listed OU paths", () => {
      // GIVEN two OU paths WHEN the policy is built THEN ForAnyValue:StringLike on aws:PrincipalOrgPaths, sorted
      expect(copyStatementOf(document)).toEqual([
        {
          Sid: "CopyIntoVaultFromOrganizationalUnits",
          Effect: "Allow",
          Principal: "*",
          Action: "backup:CopyIntoBackupVault",
          Resource: "*",
          Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/", "o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/*"] } },
        },
      ]);
    });

    test("a principal of a listed OU (or below a /* path) may copy in; an unlisted OU may not", async () => {
      // GIVEN the policy WHEN a principal directly in the listed OU copies in THEN it is allowed
      await expectAllowed(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [WORKLOADS_OU], document, "listed OU"));
      // WHEN a principal in an OU below the /* path copies in THEN it is allowed
      await expectAllowed(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, ["o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/ou-ab12-33333333/"], document, "below listed OU"));
      // WHEN a principal of the same organization in an unlisted OU copies in THEN the vault policy denies it
      await expectDenied(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [SANDBOX_OU], document, "unlisted OU"), "resource");
      // WHEN a principal in an OU below a path listed without /* copies in THEN it is denied: the path is exact
      await expectDenied(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [`${WORKLOADS_OU}ou-ab12-44444444/`], document, "below exact OU"), "resource");
    });

    test("rejects an OU path that is not o-.../r-.../ou-.../", () => {
      // GIVEN an OU ID alone WHEN the policy is built THEN it fails naming the expected shape
      expect(() => policy({ copySources: { kind: "organizationalUnits", orgPaths: ["ou-ab12-11111111"] } })).toThrow(
        "Expected organizational unit path like o-xxxxxxxxxx/r-xxxx/ou-xxxx-xxxxxxxx/ (matching ^o-[a-z0-9]{10,32}\\/r-[0-9a-z]{4,32}\\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\\/)+\\*?$), got 'ou-ab12-11111111'",
      );
    });

    test("rejects an OU path without its trailing slash", () => {
      // GIVEN a path missing the final / WHEN the policy is built THEN it fails (StringLike would never match)
      expect(() => policy({ copySources: { kind: "organizationalUnits", orgPaths: ["o-aaaaaaaaaa/r-ab12/ou-ab12-11111111"] } })).toThrow(
        /^Expected organizational unit path like .* got 'o-aaaaaaaaaa\/r-ab12\/ou-ab12-11111111'$/,
      );
    });

    test("rejects an empty OU list", () => {
      // GIVEN no OU path WHEN the policy is built THEN it fails
      expect(() => policy({ copySources: { kind: "organizationalUnits", orgPaths: [] } })).toThrow("The DR vault access policy needs at least one organizational unit path");
    });
  });

  describe("copies from listed accounts", () => {
    const accounts = (accountIds: readonly string[]) => ({ kind: "accounts" as const, accountIds, organizationId: SOURCE_ORG });
    const document = policy({ copySources: accounts(["333333333333", SOURCE_ACCOUNT]) });

    test("allows CopyIntoBackupVault to principals of the listed accounts of the organization", () => {
      // GIVEN two accounts WHEN the policy is built THEN aws:PrincipalAccount lists them, sorted, with the organization
      expect(copyStatementOf(document)).toEqual([
        {
          Sid: "CopyIntoVaultFromAccounts",
          Effect: "Allow",
          Principal: "*",
          Action: "backup:CopyIntoBackupVault",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": [SOURCE_ACCOUNT, "333333333333"], "aws:PrincipalOrgID": SOURCE_ORG } },
        },
      ]);
    });

    test("a listed account may copy in; an unlisted account of the organization may not", async () => {
      // GIVEN the policy WHEN a principal of a listed account copies in THEN it is allowed
      await expectAllowed(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [WORKLOADS_OU], document, "listed account"));
      // WHEN a principal of an unlisted account of the same organization copies in THEN it is denied
      await expectDenied(copyInto(OUTSIDE_ACCOUNT, SOURCE_ORG, [WORKLOADS_OU], document, "unlisted account"), "resource");
      // WHEN a listed account that has left for another organization copies in THEN it is denied too
      await expectDenied(copyInto(SOURCE_ACCOUNT, OTHER_ORG, [], document, "listed account, other organization"), "resource");
    });

    test("each further account costs 15 characters of the policy, nothing else", () => {
      // GIVEN the policy for 100 and for 1,000 accounts WHEN serialized as Terraform writes it
      const ids = (count: number) => Array.from({ length: count }, (_, i) => String(100000000000 + i));
      const size = (count: number) => JSON.stringify(policy({ copySources: accounts(ids(count)) })).length;
      // THEN the difference is exactly 15 characters per account ("111111111111",)
      expect(size(1000) - size(100)).toBe(900 * 15);
    });

    test("rejects a malformed organization ID", () => {
      // GIVEN an organization ID without its prefix WHEN the policy is built THEN it fails
      expect(() => policy({ copySources: { kind: "accounts", accountIds: [SOURCE_ACCOUNT], organizationId: "aaaaaaaaaa" } })).toThrow(
        "Expected organization ID to match ^o-[a-z0-9]{10,32}$, got 'aaaaaaaaaa'",
      );
    });

    test("rejects an account ID that is not 12 digits", () => {
      // GIVEN an 11-digit ID WHEN the policy is built THEN it fails
      expect(() => policy({ copySources: accounts(["11111111111"]) })).toThrow("Expected source account ID to be 12 digits, got '11111111111'");
    });
  });

  test("rejects a malformed organization ID and an empty list", () => {
    // GIVEN an ID without the o- prefix, then none WHEN the policy is built THEN each fails
    expect(() => policy({ copySources: { kind: "organizations", organizationIds: ["aaaaaaaaaa"] } })).toThrow(
      "Expected organization ID to match ^o-[a-z0-9]{10,32}$, got 'aaaaaaaaaa'",
    );
    expect(() => policy({ copySources: { kind: "organizations", organizationIds: [] } })).toThrow("The DR vault access policy needs at least one organization ID");
  });

  test("rejects an unknown partition", () => {
    // GIVEN a typo in the partition WHEN the policy is built THEN it fails
    expect(() => policy({ partition: "aws-gov" })).toThrow("Expected partition to be one of aws, aws-cn, aws-us-gov, got 'aws-gov'");
  });

  describe("recovery point protection", () => {
    const document = policy({ recoveryPointProtection: { deployRoleArn: DEPLOYER, breakGlassRoleArn: BREAK_GLASS } });

    test("denies the destructive actions, lock and notification changes included, to all but the exempted roles", () => {
      // GIVEN a break-glass role and the deploy role WHEN the policy is built THEN the second statement is the Deny, roles sorted
      expect(document.Statement[1]).toEqual({
        Sid: "DenyVaultChangesExceptExemptRoles",
        Effect: "Deny",
        Principal: "*",
        Action: [
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
        ],
        Resource: "*",
        Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER, BREAK_GLASS] } },
      });
    });

    test("without a break-glass role the Deny is still there, exempting the deploy role alone", () => {
      // GIVEN only the deploy role WHEN the policy is built THEN the Deny exempts exactly it
      expect(policy({}).Statement[1]).toEqual(
        expect.objectContaining({ Sid: "DenyVaultChangesExceptExemptRoles", Effect: "Deny", Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] } } }),
      );
    });

    test("a DR administrator cannot delete or shorten recovery points, nor change the policy, the lock, the notifications or the vault", async () => {
      // GIVEN an administrator with an allow-all identity policy, with and without a break-glass role
      for (const protectedPolicy of [document, policy({})]) {
        // WHEN it calls each protected action THEN the vault policy denies it explicitly
        for (const action of PROTECTED_VAULT_ACTIONS) {
          const resource = action.includes("RecoveryPoint") ? RECOVERY_POINT : VAULT;
          const outcome = await expectDenied(drCall(DR_ADMIN, action, resource, protectedPolicy));
          expect(outcome.decision).toBe("ExplicitlyDenied");
        }
      }
    });

    test("the break-glass role can still delete a recovery point; the deployer can still update the policy, the lock and the notifications", async () => {
      // GIVEN the exempted roles WHEN they act THEN they are allowed
      await expectAllowed(drCall(BREAK_GLASS, "backup:DeleteRecoveryPoint", RECOVERY_POINT, document));
      for (const action of ["backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration", "backup:PutBackupVaultNotifications"]) {
        await expectAllowed(drCall(DEPLOYER, action, VAULT, document));
      }
    });

    test("copies into the vault are not affected", async () => {
      // GIVEN the protection WHEN an organization member copies in THEN it is still allowed
      await expectAllowed(copyInto(SOURCE_ACCOUNT, SOURCE_ORG, [WORKLOADS_OU], document, "copy with protection"));
    });

    test("rejects an exempted principal that is not a role ARN", () => {
      // GIVEN a user ARN WHEN the policy is built THEN it fails
      expect(() => policy({ recoveryPointProtection: { deployRoleArn: DEPLOYER, breakGlassRoleArn: `arn:aws:iam::${DR_ACCOUNT}:user/alice` } })).toThrow(
        `Expected an exempted principal to be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got 'arn:aws:iam::${DR_ACCOUNT}:user/alice'`,
      );
    });
  });

  test("every action, operator and condition key exists in the IAM catalogue", async () => {
    // GIVEN each form of the policy with protection WHEN linted THEN there is no problem
    const protection = { deployRoleArn: DEPLOYER, breakGlassRoleArn: BREAK_GLASS };
    for (const copySources of [
      { kind: "organizations", organizationIds: [SOURCE_ORG] },
      { kind: "organizationalUnits", orgPaths: [WORKLOADS_OU] },
      { kind: "accounts", accountIds: [SOURCE_ACCOUNT], organizationId: SOURCE_ORG },
    ] as const) {
      expect(await catalogueProblems(policy({ copySources, recoveryPointProtection: protection }))).toEqual([]);
    }
  });
});
