import { Testing } from "cdktf";
import { parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { policyJson } from "../../modules/iam/policy-document";
import { ORGANIZATIONS_POLICY_SIZE_LIMITS } from "../../modules/policy-lint/checks/OrganizationsPolicyWithinSizeLimit";

const SCP_MAX_CHARACTERS = ORGANIZATIONS_POLICY_SIZE_LIMITS.scp!;
import { drAccountGuardrailPolicies, type DrAccountGuardrailProps } from "../../modules/org-management/dr-account-guardrail-policies";
import { ServiceControlPolicy } from "../../modules/org-management/service-control-policy";
import { generateConfig } from "../../scripts/generate-config";
import { validationProblems } from "../../stacks/synthesize";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { OrgManagementStack, organizationsWithWork } from "../../stacks/org-management-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RAW = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888", deployRoleName: "DrOrgDeploy" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }],
};
const BREAK_GLASS = "arn:aws:iam::222222222222:role/BreakGlass";

const configWith = (drAccount: Json = {}): SnapshotDrConfig => parseConfig({ ...structuredClone(RAW), drAccount: { ...RAW.drAccount, ...drAccount } });
const drOrgOf = (config: SnapshotDrConfig) => config.organizations.find((o) => o.id === config.drAccount.organizationId)!;
const synthOrg = (config: SnapshotDrConfig): Json => JSON.parse(Testing.synth(new OrgManagementStack(Testing.app(), config, drOrgOf(config))));
const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const statementsOf = (json: Json): Json[] => resourcesOf(json, "aws_organizations_policy").flatMap((p) => JSON.parse(p.content).Statement);
const statement = (json: Json, sid: string) => statementsOf(json).find((s) => s.Sid === sid)!;

const PROPS: DrAccountGuardrailProps = {
  partition: "aws",
  drAccountId: "222222222222",
  namePrefix: "snapshot-dr",
  breakGlassRoleArn: BREAK_GLASS,
  deployRoleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
  dlmRoleArn: "arn:aws:iam::222222222222:role/snapshot-dr-dlm-cross-account-copy",
  snapshotLockRoleArn: "arn:aws:iam::222222222222:role/snapshot-dr-snapshot-lock",
  rdsImporterRoleArn: "arn:aws:iam::222222222222:role/snapshot-dr-rds-snapshot-importer",
  drKeyAliases: ["alias/snapshot-dr/kms-b", "alias/snapshot-dr/kms-c", "alias/snapshot-dr/rds-dr", "alias/snapshot-dr/backup-dr"],
};

describe("the org stack of the DR organization", () => {
  test("exists whenever the DR organization is listed, and not when its guardrails are switched off", () => {
    // GIVEN no AWS Backup WHEN the organizations with work are listed THEN the DR organization is, unless switched off
    expect(organizationsWithWork(configWith()).map((o) => o.id)).toEqual(["o-bbbbbbbbbb"]);
    expect(organizationsWithWork(configWith({ guardrails: { enabled: false } }))).toEqual([]);
  });

  test("assumes the organization's own deploy role in its management account and attaches two SCPs to the DR account", () => {
    // GIVEN the defaults WHEN the org stack is synthesized
    const json = synthOrg(configWith());
    // THEN its providers assume DrOrgDeploy in 888888888888, nothing of AWS Backup is there, and both SCPs go to the DR account
    const providers = [json.provider.aws].flat();
    expect(providers[0].assume_role[0].role_arn).toBe("arn:aws:iam::888888888888:role/DrOrgDeploy");
    expect(resourcesOf(json, "aws_backup_global_settings")).toEqual([]);
    const policies = resourcesOf(json, "aws_organizations_policy");
    expect(policies.map((p) => [p.name, p.type])).toEqual([
      ["snapshot-dr-dr-copies-guardrail", "SERVICE_CONTROL_POLICY"],
      ["snapshot-dr-dr-keys-and-automation-guardrail", "SERVICE_CONTROL_POLICY"],
    ]);
    expect(resourcesOf(json, "aws_organizations_policy_attachment").map((a) => a.target_id)).toEqual(["222222222222", "222222222222"]);
  });

  test("attaches to the configured OU instead", () => {
    // GIVEN targetIds: an OU WHEN synthesized THEN every attachment goes to that OU
    const json = synthOrg(configWith({ guardrails: { targetIds: ["ou-ab12-cdefghij"] } }));
    expect(resourcesOf(json, "aws_organizations_policy_attachment").map((a) => a.target_id)).toEqual(["ou-ab12-cdefghij", "ou-ab12-cdefghij"]);
  });

  test("refuses a source account as a target", () => {
    // GIVEN the guardrails on source account 111111111111 WHEN validated THEN the field and the reason are named
    const config = configWith({ guardrails: { targetIds: ["111111111111"] } });
    const problems = validationProblems(buildApp(config, { outdir: Testing.app().outdir }));
    expect(problems).toEqual([
      "[org-o-bbbbbbbbbb] drAccount.guardrails.targetIds: 111111111111 is a source account; the DR guardrails belong on the DR account (or an OU that holds only DR accounts)",
    ]);
  });

  test("exempts drAccount.breakGlassRoleArn, else backup.breakGlassRoleArn, from the destructive actions", () => {
    // GIVEN a break-glass role in drAccount, then only in backup WHEN synthesized THEN the destruction deny exempts it
    const own = statement(synthOrg(configWith({ breakGlassRoleArn: BREAK_GLASS })), "DenyDrCopyDestructionExceptBreakGlass");
    expect(own.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": [BREAK_GLASS] } });
    const inherited = parseConfig({ ...structuredClone(RAW), backup: { breakGlassRoleArn: "arn:aws:iam::222222222222:role/VaultBreakGlass" } });
    expect(statement(synthOrg(inherited), "DenyDrCopyDestructionExceptBreakGlass").Condition).toEqual({
      ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::222222222222:role/VaultBreakGlass"] },
    });
    // AND without any break-glass role the destruction is denied to everyone (no condition)
    expect(statement(synthOrg(configWith()), "DenyDrCopyDestructionExceptBreakGlass").Condition).toBeUndefined();
  });

  test("more than five SCPs on one target (FullAWSAccess included) stop the synthesis", () => {
    // GIVEN the DR organization's stack (two guardrails on the DR account) and further SCPs on the DR account
    const config = configWith();
    const stack = new OrgManagementStack(Testing.app(), config, drOrgOf(config));
    const addScp = (id: string) =>
      new ServiceControlPolicy(stack, `extra-${id}`, {
        provider: stack.homeProvider,
        name: `extra-${id}`,
        document: { Version: "2012-10-17", Statement: [{ Sid: "DenyVpcDeletion", Effect: "Deny", Action: "ec2:DeleteVpc", Resource: "*" }] },
        targetIds: ["222222222222"],
      });
    // WHEN two more are attached THEN 4 + FullAWSAccess = 5 passes
    addScp("a");
    addScp("b");
    expect(stack.node.validate()).toEqual([]);
    // AND a third is one too many, named with the target and the quota
    addScp("c");
    expect(stack.node.validate()).toEqual([
      "5 SCPs of this stack and FullAWSAccess are attached to 222222222222: Organizations allows at most 5 SCPs per root, OU or account (drAccount.guardrails.targetIds)",
    ]);
  });
});

describe("the guardrail SCPs", () => {
  test("stay under Organizations' 5,120 characters and do not grow with the source accounts", () => {
    // GIVEN 1 and 500 source accounts WHEN the org stacks are synthesized THEN the SCPs are the same size, under the limit
    const sizes = (accounts: number) => {
      const config = parseConfig(generateConfig({ sourceAccounts: accounts, regionsPerAccount: 3, rds: true, ebsMode: "mixed" }));
      return resourcesOf(synthOrg(config), "aws_organizations_policy").map((p) => p.content.length);
    };
    const one = sizes(1);
    expect(sizes(500)).toEqual(one);
    for (const size of one) expect(size).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    // AND with a break-glass role (the longest form) too
    for (const policy of drAccountGuardrailPolicies(PROPS)) expect(policyJson(policy.document).length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
  });

  test("exempt each service role from exactly the action its job needs", () => {
    // GIVEN the policies WHEN the exemptions are read by Sid
    const [copies, automation] = drAccountGuardrailPolicies(PROPS).map((p) => p.document.Statement);
    const exempt = (statements: readonly Json[], sid: string) => statements.find((s) => s.Sid === sid)!.Condition?.ArnNotLike?.["aws:PrincipalArn"];
    // THEN DLM may delete EBS snapshots, the lock function lock them, the importer delete RDS snapshots, the deploy role change what an apply changes
    expect(exempt(copies, "DenyEbsSnapshotDeletionExceptDlm")).toEqual([BREAK_GLASS, PROPS.dlmRoleArn]);
    expect(exempt(copies, "DenyEbsSnapshotLockChangesExceptLockFunction")).toEqual([BREAK_GLASS, PROPS.snapshotLockRoleArn]);
    expect(exempt(copies, "DenyRdsSnapshotDeletionExceptImporter")).toEqual([BREAK_GLASS, PROPS.rdsImporterRoleArn]);
    expect(exempt(automation, "DenyProjectRoleChangesExceptDeploy")).toEqual([BREAK_GLASS, PROPS.deployRoleArn]);
    // AND nobody may leave the organization, and only break-glass may change the deploy and break-glass roles
    expect(copies.find((s) => s.Sid === "DenyLeaveOrganization")).toEqual({ Sid: "DenyLeaveOrganization", Effect: "Deny", Action: ["organizations:LeaveOrganization"], Resource: "*" });
    expect(automation.find((s) => s.Sid === "DenyExemptRoleChangesExceptBreakGlass")).toEqual(
      expect.objectContaining({ Resource: [PROPS.deployRoleArn, BREAK_GLASS].sort(), Condition: { ArnNotLike: { "aws:PrincipalArn": [BREAK_GLASS] } } }),
    );
  });

  test("name the DR keys by their aliases (kms:ResourceAliases) and protect the aliases themselves", () => {
    // GIVEN the policies WHEN the key statements are read
    const automation = drAccountGuardrailPolicies(PROPS)[1].document.Statement;
    const destruction = automation.find((s) => s.Sid === "DenyDrKeyDestructionExceptBreakGlass")!;
    // THEN deletion, disabling and rotation off are denied on keys with a DR alias, and alias changes on the project's aliases
    expect(destruction.Action).toEqual(["kms:DisableKey", "kms:DisableKeyRotation", "kms:ScheduleKeyDeletion"]);
    expect(destruction.Condition!["ForAnyValue:StringLike"]).toEqual({ "kms:ResourceAliases": [...PROPS.drKeyAliases].sort() });
    expect(automation.find((s) => s.Sid === "DenyDrKeyAliasChangesExceptDeploy")!.Resource).toBe("arn:aws:kms:*:222222222222:alias/snapshot-dr/*");
  });

  test("guard the alarms: only the deploy role changes the project's alarms, metric filters and alarm topic, and the alarm key is a DR key", () => {
    // GIVEN the example-like configuration WHEN the DR organization's stack is synthesized
    const json = synthOrg(configWith());

    // THEN one statement denies every other principal the changes that would silence the alarms
    expect(statement(json, "DenyProjectAlarmChangesExceptDeploy")).toEqual({
      Sid: "DenyProjectAlarmChangesExceptDeploy",
      Effect: "Deny",
      Action: [
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DisableAlarmActions",
        "cloudwatch:PutMetricAlarm",
        "logs:DeleteLogGroup",
        "logs:DeleteMetricFilter",
        "logs:PutMetricFilter",
        "sns:DeleteTopic",
        "sns:RemovePermission",
        "sns:SetTopicAttributes",
      ],
      Resource: [
        "arn:aws:cloudwatch:*:222222222222:alarm:snapshot-dr-*",
        "arn:aws:logs:*:222222222222:log-group:/aws/lambda/snapshot-dr-*",
        "arn:aws:sns:*:222222222222:snapshot-dr-alarms",
      ],
      Condition: { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"] } },
    });
    // AND the key that encrypts the alarm topics cannot be disabled or deleted but by break-glass
    const aliases = statement(json, "DenyDrKeyDestructionExceptBreakGlass").Condition["ForAnyValue:StringLike"]["kms:ResourceAliases"];
    expect(aliases).toContain("alias/snapshot-dr/alarms");
  });

  test("refuse an exemption that is not a role ARN", () => {
    // GIVEN a user ARN as break-glass WHEN the policies are built THEN the rule is named
    expect(() => drAccountGuardrailPolicies({ ...PROPS, breakGlassRoleArn: "arn:aws:iam::222222222222:user/alice" })).toThrow(
      "Expected a guardrail exemption to be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got 'arn:aws:iam::222222222222:user/alice'",
    );
  });
});
