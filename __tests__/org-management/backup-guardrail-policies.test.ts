import {
  backupCopyGuardrailPolicy,
  denyLeaveOrganizationPolicy,
  scpSize,
  VAULT_ARN_PATTERN,
} from "../../modules/org-management/backup-guardrail-policies";
import { policyDocument, policyJson } from "../../modules/iam/policy-document";
import { catalogueProblems } from "../support/iam-catalogue";
import { expectScpDecision, type ScpRequest } from "../../scripts/review/scp-simulator";

const SOURCE_ACCOUNT = "111111111111";
const DR_ACCOUNT = "222222222222";
const OTHER_ACCOUNT = "333333333333";
const DR_VAULT_EAST = `arn:aws:backup:us-east-1:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
const DR_VAULT_WEST = `arn:aws:backup:us-west-2:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
const UNLISTED_VAULT = `arn:aws:backup:us-east-1:${OTHER_ACCOUNT}:backup-vault:exfiltration`;
const SOURCE_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/snapshot-dr-backup`;
const RECOVERY_POINT = `arn:aws:backup:us-east-1:${SOURCE_ACCOUNT}:recovery-point:0f0f0f0f-1111-4222-a333-444455556666`;
const DR_OU_PATH = "o-aaaaaaaaaa/r-ab12/ou-ab12-dddddddd/";
const OTHER_OU_PATH = "o-aaaaaaaaaa/r-ab12/ou-ab12-eeeeeeee/";

const guardrail = backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_WEST, DR_VAULT_EAST] });

/** A CopyFromBackupVault of the source account's backup role, under the given SCP. */
const copyRequest = (description: string, context: ScpRequest["context"], policy = guardrail): ScpRequest => ({
  description,
  principal: SOURCE_ROLE,
  action: "backup:CopyFromBackupVault",
  resource: RECOVERY_POINT,
  resourceAccount: SOURCE_ACCOUNT,
  context: { "aws:PrincipalArn": SOURCE_ROLE, "aws:PrincipalAccount": SOURCE_ACCOUNT, ...context },
  scps: [{ name: "backup-copy-guardrail", policy }],
});

describe("backup guardrail SCPs", () => {
  describe("(a) deny leaving the organization", () => {
    test("is one Deny of organizations:LeaveOrganization", () => {
      // GIVEN nothing WHEN the policy is built THEN it denies exactly that action
      expect(denyLeaveOrganizationPolicy()).toEqual({
        Version: "2012-10-17",
        Statement: [{ Sid: "DenyLeaveOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }],
      });
    });

    test("denies LeaveOrganization to an administrator of the DR account", async () => {
      // GIVEN an administrator of the DR account with an allow-all identity policy, under the SCP
      const admin = `arn:aws:iam::${DR_ACCOUNT}:role/Admin`;
      // WHEN it calls LeaveOrganization THEN the SCP denies it explicitly
      await expectScpDecision(
        {
          description: "DR admin leaves the organization",
          principal: admin,
          action: "organizations:LeaveOrganization",
          resource: "*",
          resourceAccount: DR_ACCOUNT,
          context: { "aws:PrincipalArn": admin, "aws:PrincipalAccount": DR_ACCOUNT },
          scps: [{ name: "deny-leave", policy: denyLeaveOrganizationPolicy() }],
        },
        "ExplicitlyDenied",
      );
    });
  });

  describe("(b) copies only to the allowed vaults", () => {
    test("denies copies to any unlisted target and copies without targets", () => {
      // GIVEN two DR vaults WHEN the guardrail is built THEN it has the ForAnyValue Deny and the Null Deny, vaults sorted
      expect(guardrail.Statement).toEqual([
        {
          Sid: "DenyCopyToUnlistedVaults",
          Effect: "Deny",
          Action: "backup:CopyFromBackupVault",
          Resource: "*",
          Condition: { "ForAnyValue:ArnNotLike": { "backup:CopyTargets": [DR_VAULT_EAST, DR_VAULT_WEST] } },
        },
        {
          Sid: "DenyCopyWithoutTargets",
          Effect: "Deny",
          Action: "backup:CopyFromBackupVault",
          Resource: "*",
          Condition: { Null: { "backup:CopyTargets": "true" } },
        },
      ]);
    });

    test("allows a copy to an allowed vault", async () => {
      // GIVEN the guardrail and FullAWSAccess WHEN the source role copies to the DR vault THEN it is allowed
      await expectScpDecision(copyRequest("copy to the DR vault", { "backup:CopyTargets": [DR_VAULT_EAST] }), "Allowed");
    });

    test("allows a copy to both allowed vaults at once", async () => {
      // GIVEN the guardrail WHEN the targets are both DR vaults THEN it is allowed
      await expectScpDecision(copyRequest("copy to both DR vaults", { "backup:CopyTargets": [DR_VAULT_EAST, DR_VAULT_WEST] }), "Allowed");
    });

    test("denies a copy to an unlisted vault", async () => {
      // GIVEN the guardrail WHEN the target is another account's vault THEN the SCP denies it
      await expectScpDecision(copyRequest("copy to an unlisted vault", { "backup:CopyTargets": [UNLISTED_VAULT] }), "ExplicitlyDenied");
    });

    test("denies a mixed target list (allowed + unlisted)", async () => {
      // GIVEN the guardrail WHEN one target is allowed and one is not THEN the ForAnyValue Deny matches
      await expectScpDecision(copyRequest("mixed targets", { "backup:CopyTargets": [DR_VAULT_EAST, UNLISTED_VAULT] }), "ExplicitlyDenied");
    });

    test("denies a copy request without a target list", async () => {
      // GIVEN the guardrail WHEN the request carries no backup:CopyTargets THEN the Null Deny matches
      await expectScpDecision(copyRequest("no targets", {}), "ExplicitlyDenied");
    });

    test("the documented ForAllValues:ArnNotLike form would let a mixed list through (why it is not used)", async () => {
      // GIVEN AWS's example shape: one Deny with ForAllValues:ArnNotLike
      const forAllValues = policyDocument([
        {
          Sid: "DenyUnlistedForAllValues",
          Effect: "Deny",
          Action: "backup:CopyFromBackupVault",
          Resource: "*",
          Condition: { "ForAllValues:ArnNotLike": { "backup:CopyTargets": [DR_VAULT_EAST] } },
        },
      ]);
      // WHEN the targets mix an allowed and a forbidden vault THEN it is allowed: the gap ForAnyValue closes
      await expectScpDecision(copyRequest("mixed, ForAllValues", { "backup:CopyTargets": [DR_VAULT_EAST, UNLISTED_VAULT] }, forAllValues), "Allowed");
    });

    test("ForAnyValue:ArnNotLike alone would let a request without targets through (why the Null statement is there)", async () => {
      // GIVEN only the first statement of the guardrail
      const forAnyValueOnly = policyDocument([guardrail.Statement[0]]);
      // WHEN the request carries no backup:CopyTargets THEN it is allowed: the gap the Null Deny closes
      await expectScpDecision(copyRequest("missing, ForAnyValue only", {}, forAnyValueOnly), "Allowed");
    });

    test("rejects an allowed vault ARN with both a wildcard account and a wildcard name", () => {
      // GIVEN an account wildcard WHEN the guardrail is built THEN it fails naming the pattern
      expect(() => backupCopyGuardrailPolicy({ allowedVaultArns: ["arn:aws:backup:*:*:backup-vault:*"] })).toThrow(
        `Expected an allowed vault ARN like arn:aws:backup:<region>:<account>:backup-vault:<name> (matching ${VAULT_ARN_PATTERN.source}), got 'arn:aws:backup:*:*:backup-vault:*'`,
      );
    });

    test("requires at least one allowed vault", () => {
      // GIVEN no vault WHEN the guardrail is built THEN it fails: it would deny every copy
      expect(() => backupCopyGuardrailPolicy({ allowedVaultArns: [] })).toThrow("The copy guardrail needs at least one allowed vault ARN");
    });
  });

  describe("(c) copies only into the allowed OUs", () => {
    const withOrgPaths = backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_EAST], allowedTargetOrgPaths: [DR_OU_PATH] });
    const orgPathRequest = (description: string, orgPaths?: readonly string[]) =>
      copyRequest(
        description,
        { "backup:CopyTargets": [DR_VAULT_EAST], ...(orgPaths ? { "backup:CopyTargetOrgPaths": orgPaths } : {}) },
        withOrgPaths,
      );

    test("adds the ForAnyValue:StringNotLike Deny and the Null Deny on backup:CopyTargetOrgPaths", () => {
      // GIVEN an allowed OU path WHEN the guardrail is built THEN the last two statements are on the OU paths
      expect(withOrgPaths.Statement.slice(2)).toEqual([
        {
          Sid: "DenyCopyToUnlistedOrgPaths",
          Effect: "Deny",
          Action: "backup:CopyFromBackupVault",
          Resource: "*",
          Condition: { "ForAnyValue:StringNotLike": { "backup:CopyTargetOrgPaths": [DR_OU_PATH] } },
        },
        {
          Sid: "DenyCopyWithoutTargetOrgPaths",
          Effect: "Deny",
          Action: "backup:CopyFromBackupVault",
          Resource: "*",
          Condition: { Null: { "backup:CopyTargetOrgPaths": "true" } },
        },
      ]);
    });

    test("allows a copy into the allowed OU, denies another OU, a mixed list and a missing list", async () => {
      // GIVEN the guardrail with the DR OU WHEN copies target these OU paths THEN only the DR OU alone is allowed
      await expectScpDecision(orgPathRequest("DR OU", [DR_OU_PATH]), "Allowed");
      await expectScpDecision(orgPathRequest("other OU", [OTHER_OU_PATH]), "ExplicitlyDenied");
      await expectScpDecision(orgPathRequest("mixed OUs", [DR_OU_PATH, OTHER_OU_PATH]), "ExplicitlyDenied");
      await expectScpDecision(orgPathRequest("no OU paths"), "ExplicitlyDenied");
    });

    test("rejects a malformed OU path", () => {
      // GIVEN an OU ID without its path WHEN the guardrail is built THEN it fails naming the expected shape
      expect(() => backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_EAST], allowedTargetOrgPaths: ["ou-ab12-dddddddd"] })).toThrow(
        "Expected organizational unit path like o-xxxxxxxxxx/r-xxxx/ou-xxxx-xxxxxxxx/ (matching ^o-[a-z0-9]{10,32}\\/r-[0-9a-z]{4,32}\\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\\/)+\\*?$), got 'ou-ab12-dddddddd'",
      );
    });

    test("rejects an empty OU path list", () => {
      // GIVEN an empty list WHEN the guardrail is built THEN it fails: it would deny every copy
      expect(() => backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_EAST], allowedTargetOrgPaths: [] })).toThrow(
        "The copy guardrail's allowed target OU paths, when given, need at least one path",
      );
    });
  });

  describe("size", () => {
    test("measures the minified JSON", () => {
      // GIVEN the guardrail WHEN measured THEN the size is the length of the JSON sent to Organizations
      expect(scpSize(guardrail)).toBe(policyJson(guardrail).length);
      expect(scpSize(guardrail)).toBeLessThan(JSON.stringify(guardrail, null, 2).length);
    });

    test("does not depend on the number of source accounts: the copy-to-region vault names every account with a wildcard", () => {
      // GIVEN the DR vaults and one copy-to-region vault pattern WHEN built THEN the size is far under 5,120
      const guardrailOfEstate = backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_EAST, "arn:aws:backup:eu-west-1:*:backup-vault:snapshot-dr-source"] });
      expect(scpSize(guardrailOfEstate)).toBeLessThan(1000);
    });
  });

  test("every action, operator and condition key exists in the IAM catalogue and applies to its action", async () => {
    // GIVEN every SCP this module builds WHEN linted against iam-data THEN there is no problem
    const documents = [denyLeaveOrganizationPolicy(), backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT_EAST], allowedTargetOrgPaths: [DR_OU_PATH] })];
    for (const document of documents) expect(await catalogueProblems(document)).toEqual([]);
  });

  test("the catalogue lint is not vacuous: it reports a misspelt key, operator and action", async () => {
    // GIVEN a Deny with a misspelt condition key, set operator and action, and a KMS key on a backup action
    const typos = policyDocument([
      {
        Sid: "Typos",
        Effect: "Deny",
        Action: ["backup:CopyFromBackupVault", "backup:CopyFromVault"],
        Resource: "*",
        Condition: { "ForAnyValues:ArnNotLike": { "backup:CopyTarget": ["x"] }, StringEquals: { "kms:GrantIsForAWSResource": "true" } },
      },
    ]);
    // WHEN linted THEN each one is reported
    expect(await catalogueProblems(typos)).toEqual([
      "statement Typos: unknown action backup:CopyFromVault",
      "statement Typos: unknown condition operator ForAnyValues:ArnNotLike",
      "statement Typos: unknown condition key backup:CopyTarget",
      "statement Typos: kms:GrantIsForAWSResource applies to no action of the statement",
    ]);
  });
});
