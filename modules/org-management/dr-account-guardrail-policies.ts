import { PolicyDocument, policyDocument, PolicyStatement, sortedUnique } from "../iam/policy-document";
import { alarmTopicName } from "../monitoring/monitoring-names";

/**
 * The DR organization's guardrails (issue 12 §2): service control policies on the DR account that deny, to every
 * principal but the ones that must do the job, what would destroy the DR copies or take the automation over.
 * Every exemption is by `aws:PrincipalArn` (a role session's PrincipalArn is its role's ARN), and every statement
 * names roles, functions and keys by patterns derived from the configuration: the size does not grow with the
 * number of source accounts. SCPs do not affect the management account nor service-linked roles, and AWS services
 * acting as service principals (AWS Backup's lifecycle expiry) are not IAM principals of the account.
 *
 * Who is exempted from what:
 * - break-glass role (optional): everything;
 * - DLM execution role: `ec2:DeleteSnapshot` (DLM expires its copies with it);
 * - snapshot lock role: `ec2:LockSnapshot` (it can also shorten a governance lock: see the threat model);
 * - RDS importer role: deleting RDS snapshots (it expires its own import copies);
 * - Terraform's deploy role: only the changes an apply makes (key policies, aliases, DLM policies, vault policy
 *   and lock, the project's roles, functions, rules, alarms, alarm topics and log metric filters), never a
 *   deletion, an unlock, a share or leaving.
 *
 * The alarms are guarded with the copies: an administrator who could delete the stale-sources alarm, switch off
 * its actions, delete the alarm topic or disable its key would silence the DR side before touching a copy.
 */

/** What the guardrails depend on. */
export interface DrAccountGuardrailProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** The project's prefix: its roles, functions, rules and aliases in the DR account start with it. */
  readonly namePrefix: string;
  /** @default - no break-glass role: nobody in the DR account is exempt; the management account detaches the SCPs */
  readonly breakGlassRoleArn?: string;
  readonly deployRoleArn: string;
  readonly dlmRoleArn: string;
  readonly snapshotLockRoleArn: string;
  readonly rdsImporterRoleArn: string;
  /**
   * Alias names (`alias/<prefix>/kms-c`, ...) of the DR keys: KMS-B, KMS-C, the RDS DR key, the backup DR key, and
   * the alarm topics' key (disabled, it would stop every alarm and tamper alert of its region).
   */
  readonly drKeyAliases: readonly string[];
}

/** One SCP: its name suffix, description and document. */
export interface GuardrailPolicy {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly document: PolicyDocument;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** What a DR administrator would do to the copies; only the break-glass role is let through. */
export const BREAK_GLASS_ONLY_ACTIONS = [
  "backup:DeleteBackupVault",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "ec2:DisableSnapshotBlockPublicAccess",
  "ec2:ModifySnapshotAttribute",
  "ec2:UnlockSnapshot",
  // Sharing a logically air-gapped vault through AWS RAM (which reaches accounts of other organizations) lets the
  // account it is shared with restore its recovery points ("Logically air-gapped vault", AWS Backup Developer Guide).
  "ram:AssociateResourceShare",
  "ram:CreateResourceShare",
  "ram:UpdateResourceShare",
  "rbin:DeleteRule",
  "rbin:UnlockRule",
  "rbin:UpdateRule",
  "rds:ModifyDBClusterSnapshotAttribute",
  "rds:ModifyDBSnapshotAttribute",
] as const;

/** What an apply changes in place: the deploy role (and break-glass) keep it. */
export const APPLY_CHANGE_ACTIONS = {
  copies: ["backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration", "ec2:EnableSnapshotBlockPublicAccess"],
  keys: ["kms:PutKeyPolicy"],
  aliases: ["kms:DeleteAlias", "kms:UpdateAlias"],
  dlm: ["dlm:DeleteLifecyclePolicy", "dlm:UpdateLifecyclePolicy"],
  roles: [
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
  ],
  functions: ["lambda:DeleteFunction", "lambda:PutFunctionConcurrency", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
  rules: ["events:DeleteRule", "events:DisableRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets"],
  alarms: [
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
} as const;

/** Deleting, disabling or weakening a DR key: nobody but break-glass (the keys also keep prevent_destroy). */
export const KEY_DESTRUCTION_ACTIONS = ["kms:DisableKey", "kms:DisableKeyRotation", "kms:ScheduleKeyDeletion"] as const;

/**
 * The Deny statement of `actions` on `resource` for every principal outside `exempt`; with nobody exempt, no
 * condition: the action is denied to every principal of the account.
 */
function deny(sid: string, actions: readonly string[], resource: string | readonly string[], exempt: readonly (string | undefined)[], extra?: PolicyStatement["Condition"]): PolicyStatement {
  const principals = sortedUnique(exempt.filter((arn): arn is string => arn !== undefined));
  const condition = { ...(extra ?? {}), ...(principals.length > 0 ? { ArnNotLike: { "aws:PrincipalArn": principals } } : {}) };
  return {
    Sid: sid,
    Effect: "Deny",
    Action: sortedUnique(actions),
    Resource: typeof resource === "string" ? resource : sortedUnique(resource),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

/**
 * Two SCPs (Organizations allows 5 per target, FullAWSAccess included): the copies (EBS and RDS snapshots, the
 * vaults, the Recycle Bin rules, block public access, the organization) and the keys and automation (the DR keys
 * and their aliases, the DLM policies, the project's roles, functions and rules).
 */
export function drAccountGuardrailPolicies(props: DrAccountGuardrailProps): GuardrailPolicy[] {
  const { partition, drAccountId: dr, namePrefix } = props;
  for (const arn of [props.breakGlassRoleArn, props.deployRoleArn, props.dlmRoleArn, props.snapshotLockRoleArn, props.rdsImporterRoleArn]) {
    if (arn !== undefined && !ROLE_ARN.test(arn)) throw new Error(`Expected a guardrail exemption to be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got '${arn}'`);
  }
  if (props.drKeyAliases.length === 0) throw new Error("The DR guardrails need at least one DR key alias");
  const breakGlass = props.breakGlassRoleArn;
  const deployer = [breakGlass, props.deployRoleArn];
  const projectRoles = `arn:${partition}:iam::${dr}:role/${namePrefix}-*`;
  // kms:ResourceAliases (multi-valued): the aliases associated with the key the request acts on.
  const drKeys = { "ForAnyValue:StringLike": { "kms:ResourceAliases": sortedUnique(props.drKeyAliases) } };

  const copies = policyDocument([
    deny("DenyDrCopyDestructionExceptBreakGlass", BREAK_GLASS_ONLY_ACTIONS, "*", [breakGlass]),
    deny("DenyEbsSnapshotDeletionExceptDlm", ["ec2:DeleteSnapshot"], "*", [breakGlass, props.dlmRoleArn]),
    deny("DenyEbsSnapshotLockChangesExceptLockFunction", ["ec2:LockSnapshot"], "*", [breakGlass, props.snapshotLockRoleArn]),
    deny("DenyRdsSnapshotDeletionExceptImporter", ["rds:DeleteDBClusterSnapshot", "rds:DeleteDBSnapshot"], "*", [breakGlass, props.rdsImporterRoleArn]),
    deny("DenyVaultAndSharingSettingsExceptDeploy", APPLY_CHANGE_ACTIONS.copies, "*", deployer),
    deny("DenyLeaveOrganization", ["organizations:LeaveOrganization"], "*", []),
  ]);
  const automation = policyDocument([
    deny("DenyDrKeyDestructionExceptBreakGlass", KEY_DESTRUCTION_ACTIONS, "*", [breakGlass], drKeys),
    deny("DenyDrKeyPolicyChangesExceptDeploy", APPLY_CHANGE_ACTIONS.keys, "*", deployer, drKeys),
    // Without its alias a key would slip out of the statements above: its aliases are protected as resources.
    deny("DenyDrKeyAliasChangesExceptDeploy", APPLY_CHANGE_ACTIONS.aliases, `arn:${partition}:kms:*:${dr}:alias/${namePrefix}/*`, deployer),
    deny("DenyDlmPolicyChangesExceptDeploy", APPLY_CHANGE_ACTIONS.dlm, "*", deployer),
    // The exempted roles' trust and policies: otherwise an administrator makes the DLM role their own.
    deny("DenyProjectRoleChangesExceptDeploy", APPLY_CHANGE_ACTIONS.roles, projectRoles, deployer),
    deny("DenyExemptRoleChangesExceptBreakGlass", APPLY_CHANGE_ACTIONS.roles, breakGlass ? [props.deployRoleArn, breakGlass] : [props.deployRoleArn], [breakGlass]),
    deny("DenyProjectFunctionChangesExceptDeploy", APPLY_CHANGE_ACTIONS.functions, `arn:${partition}:lambda:*:${dr}:function:${namePrefix}-*`, deployer),
    deny("DenyProjectRuleChangesExceptDeploy", APPLY_CHANGE_ACTIONS.rules, `arn:${partition}:events:*:${dr}:rule/${namePrefix}-*`, deployer),
    // Each action names its own service's resources: the alarms, the functions' log groups (their metric filters), the topic.
    deny("DenyProjectAlarmChangesExceptDeploy", APPLY_CHANGE_ACTIONS.alarms, [
      `arn:${partition}:cloudwatch:*:${dr}:alarm:${namePrefix}-*`,
      `arn:${partition}:logs:*:${dr}:log-group:/aws/lambda/${namePrefix}-*`,
      `arn:${partition}:sns:*:${dr}:${alarmTopicName(namePrefix)}`,
    ], deployer),
  ]);
  return [
    {
      id: "dr-copies",
      name: `${namePrefix}-dr-copies-guardrail`,
      description: "DR copies: no deletion, unlock or sharing of snapshots, recovery points or vaults, no Recycle Bin change, no leaving the organization (break-glass and service roles excepted)",
      document: copies,
    },
    {
      id: "dr-keys-and-automation",
      name: `${namePrefix}-dr-keys-and-automation-guardrail`,
      description: "DR keys and automation: no deletion or disabling of the DR keys, no change to their policies, the DLM policies, the project's roles, functions, rules or alarms except by the deploy role",
      document: automation,
    },
  ];
}
