import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { drDlmRoleName, kmsBAliasName, kmsCAliasName, orgStackName, rdsCopyContract, rdsDrKeyAliasName, rdsImporterRoleName } from "../../../../modules/config/naming";
import { snapshotLockNames, snapshotLockRoleName } from "../../../../modules/dr-account/snapshot-lock-function";
import { DLM_POLICY_TAG } from "../../../../modules/dr-account/snapshot-lock/lock-plan";
import { alarmKeyAliasName, alarmTopicArn } from "../../../../modules/monitoring/monitoring-names";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { identityPolicies, keyPolicy, standIn, vaultPolicy } from "../policies";
import { helpers, sorted } from "../row-helpers";
import { Flow, MisuseKind, PolicyRef, RowSpec } from "../types";

/**
 * The DR organization's guardrails (issue 12): what a DR administrator whose IAM allows everything is denied by the
 * guardrail SCPs of `org-<DR organization>`, and what the roles that do the job may still do. Rows go to the flow
 * whose copies they protect: EBS copies, KMS-C, DLM and the organization to the first EBS flow on (reencrypt, else
 * share), KMS-B to reencrypt, RDS copies to rds, the vaults to backup. No rows when the guardrails are off.
 */

const SAMPLE_SNAPSHOT = "snap-0123456789abcdef0";
const SAMPLE_DLM_POLICY = "policy-0123456789abcdef0";
const SAMPLE_RBIN_RULE = "a1b2c3d4e5f";
const SAMPLE_RECOVERY_POINT = "0123abcd-4567-89ef-0123-456789abcdef";

export function drGuardrailRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, flowsOn: readonly Flow[]): RowSpec[] {
  const dr = config.drAccount;
  if (!dr.guardrails.enabled || !app.stacks.has(orgStackName(dr.organizationId))) return [];
  const h = helpers(config, app);
  const { partition, drStack } = h;
  const ebsFlow: Flow = flowsOn.includes("reencrypt") ? "reencrypt" : "share";
  const admin = h.admin(dr.id);
  const adminIdentity = [standIn("a DR account administrator whose IAM allows everything")];
  const breakGlass = dr.breakGlassRoleArn ?? config.backup.breakGlassRoleArn;
  const snapshot = (region: string) => `arn:${partition}:ec2:${region}::snapshot/${SAMPLE_SNAPSHOT}`;
  const rows: RowSpec[] = [];

  const push = (
    category: "call" | "misuse",
    misuse: MisuseKind | undefined,
    description: string,
    principal: string,
    action: string,
    resource: string,
    resourceLabel: string,
    identity: readonly PolicyRef[],
    extra: Partial<RowSpec> = {},
  ) =>
    rows.push({
      flow,
      category,
      ...(misuse ? { misuse } : {}),
      description,
      principal,
      action,
      resource,
      resourceLabel,
      resourceAccount: dr.id,
      context: h.principalContext(principal, dr.organizationId),
      identity,
      expected: category === "call" ? "Allowed" : "Denied",
      ...extra,
    });
  const adminMisuse = (misuse: MisuseKind, what: string, action: string, resource: string, label: string, extra: Partial<RowSpec> = {}) =>
    push("misuse", misuse, `an administrator of the DR account (its IAM allows everything) ${what}`, admin, action, resource, label, adminIdentity, extra);
  const keyMisuses = (alias: string, name: string, region: string) => {
    const resource = drStack.keyArn(alias, region);
    const label = `${name} ${region} (${dr.id})`;
    const context = (action: string) => ({ ...h.kmsContext(admin, action, undefined), "kms:ResourceAliases": [alias] });
    const resourcePolicy = keyPolicy(drStack, alias, region, name);
    adminMisuse("key-deletion", `schedules the deletion of ${name} ${region}`, "kms:ScheduleKeyDeletion", resource, label, { context: context("kms:ScheduleKeyDeletion"), resourcePolicy });
    adminMisuse("key-deletion", `disables ${name} ${region}`, "kms:DisableKey", resource, label, { context: context("kms:DisableKey"), resourcePolicy });
    adminMisuse("policy-change", `replaces the key policy of ${name} ${region}`, "kms:PutKeyPolicy", resource, label, { context: context("kms:PutKeyPolicy"), resourcePolicy });
  };

  if (flow === ebsFlow) {
    const dlm = h.role(dr.id, drDlmRoleName(config));
    const lockRoleName = snapshotLockRoleName(config.namePrefix);
    const lockRole = h.role(dr.id, lockRoleName);
    const lockOn = dr.protection.snapshotLock.enabled;
    for (const region of sorted(dr.copyRegions)) {
      const copy = snapshot(region);
      const copyLabel = `DR copy ${region} (${dr.id})`;
      adminMisuse("delete-copies", `deletes a DR copy in ${region}`, "ec2:DeleteSnapshot", copy, copyLabel);
      adminMisuse("unlock-copies", `unlocks a DR copy in ${region}`, "ec2:UnlockSnapshot", copy, copyLabel);
      adminMisuse("unlock-copies", `shortens the lock of a DR copy in ${region}`, "ec2:LockSnapshot", copy, copyLabel);
      adminMisuse("share-out", `shares a DR copy in ${region} with another account`, "ec2:ModifySnapshotAttribute", copy, copyLabel);
      const rule = `arn:${partition}:rbin:${region}:${dr.id}:rule/${SAMPLE_RBIN_RULE}`;
      adminMisuse("disable-automation", `unlocks the Recycle Bin rule of ${region}`, "rbin:UnlockRule", rule, `Recycle Bin rule ${region} (${dr.id})`);
      const policy = `arn:${partition}:dlm:${region}:${dr.id}:policy/${SAMPLE_DLM_POLICY}`;
      adminMisuse("disable-automation", `deletes a DLM copy policy in ${region}`, "dlm:DeleteLifecyclePolicy", policy, `DLM policy ${region} (${dr.id})`);
      adminMisuse("disable-automation", `changes a DLM copy policy in ${region}`, "dlm:UpdateLifecyclePolicy", policy, `DLM policy ${region} (${dr.id})`);
      keyMisuses(kmsCAliasName(config), "KMS-C", region);
      push("call", undefined, `the DR DLM role deletes an expired DR copy in ${region}`, dlm, "ec2:DeleteSnapshot", copy, copyLabel, [
        standIn("AWSDataLifecycleManagerServiceRole (AWS managed) allows the DLM role ec2:DeleteSnapshot", "ec2:DeleteSnapshot"),
      ], { notEvaluated: drStack.managedPolicyArns(drDlmRoleName(config)) });
      if (lockOn) {
        const fn = `arn:${partition}:lambda:${region}:${dr.id}:function:${snapshotLockNames(config.namePrefix).functionName}`;
        adminMisuse("disable-automation", `replaces the code of the snapshot lock function in ${region}`, "lambda:UpdateFunctionCode", fn, `snapshot lock function ${region} (${dr.id})`);
        push("call", undefined, `the snapshot lock function locks a DLM copy in ${region}`, lockRole, "ec2:LockSnapshot", copy, copyLabel, identityPolicies(drStack, lockRoleName), {
          context: { ...h.principalContext(lockRole, dr.organizationId), [`aws:ResourceTag/${DLM_POLICY_TAG}`]: SAMPLE_DLM_POLICY },
        });
      }
      if (breakGlass) {
        const label = "the break-glass role (its IAM allows everything)";
        push("call", undefined, `${label} unlocks a DR copy in ${region}`, breakGlass, "ec2:UnlockSnapshot", copy, copyLabel, [standIn(label)]);
        push("call", undefined, `${label} deletes a DR copy in ${region}`, breakGlass, "ec2:DeleteSnapshot", copy, copyLabel, [standIn(label)]);
      }
    }
    // The roles the exemptions name: taking one over would give its exemption away.
    adminMisuse("role-takeover", "makes the DLM role trust itself", "iam:UpdateAssumeRolePolicy", dlm, "DLM role");
    adminMisuse("role-takeover", "adds an inline policy to the DLM role", "iam:PutRolePolicy", dlm, "DLM role");
    if (lockOn) adminMisuse("role-takeover", "makes the snapshot lock role trust itself", "iam:UpdateAssumeRolePolicy", lockRole, "snapshot lock role");
    adminMisuse("leave-organization", "takes the DR account out of the organization", "organizations:LeaveOrganization", "*", "*");

    // The alarms: silencing them would come before touching a copy.
    const alarmAlias = alarmKeyAliasName(config.namePrefix);
    for (const region of sorted(drStack.aliasRegions(alarmAlias))) {
      keyMisuses(alarmAlias, "the alarm topic's key", region);
      const topic = alarmTopicArn(partition, region, dr.id, config.namePrefix);
      adminMisuse("disable-automation", `deletes the alarm topic of ${region}`, "sns:DeleteTopic", topic, `alarm topic ${region} (${dr.id})`);
      const alarmNames = drStack.resources("aws_cloudwatch_metric_alarm").filter((alarm) => drStack.regionOf("aws_cloudwatch_metric_alarm", alarm.id) === region).map((alarm) => String(alarm.body.alarm_name));
      const first = alarmNames.sort()[0];
      if (first === undefined) continue;
      const alarm = `arn:${partition}:cloudwatch:${region}:${dr.id}:alarm:${first}`;
      adminMisuse("disable-automation", `deletes the alarm ${first}`, "cloudwatch:DeleteAlarms", alarm, `alarm ${first} (${dr.id})`);
      adminMisuse("disable-automation", `switches off the actions of the alarm ${first}`, "cloudwatch:DisableAlarmActions", alarm, `alarm ${first} (${dr.id})`);
    }
  }

  if (flow === "reencrypt") for (const region of sorted(drStack.aliasRegions(kmsBAliasName(config)))) keyMisuses(kmsBAliasName(config), "KMS-B", region);

  if (flow === "rds") {
    const contract = rdsCopyContract(config);
    const importerName = rdsImporterRoleName(config);
    const importer = h.role(dr.id, importerName);
    for (const region of sorted(drStack.aliasRegions(rdsDrKeyAliasName(config)))) {
      const copy = `arn:${partition}:rds:${region}:${dr.id}:snapshot:${contract.importPrefix}111111111111-db-1-example`;
      const label = `RDS import copy ${region} (${dr.id})`;
      adminMisuse("delete-copies", `deletes an RDS import copy in ${region}`, "rds:DeleteDBSnapshot", copy, label);
      adminMisuse("share-out", `shares an RDS import copy in ${region} with another account`, "rds:ModifyDBSnapshotAttribute", copy, label);
      keyMisuses(rdsDrKeyAliasName(config), "RDS DR key", region);
      push("call", undefined, `the RDS importer deletes its expired import copy in ${region}`, importer, "rds:DeleteDBSnapshot", copy, label, identityPolicies(drStack, importerName), {
        context: { ...h.principalContext(importer, dr.organizationId), [`aws:ResourceTag/${contract.importTagKey}`]: contract.markerValue },
      });
    }
  }

  if (flow === "backup") {
    for (const region of sorted(dr.copyRegions)) {
      const vault = `arn:${partition}:backup:${region}:${dr.id}:backup-vault:${drStack.resources("aws_backup_vault").find((v) => drStack.regionOf("aws_backup_vault", v.id) === region)?.body.name}`;
      const label = `DR vault ${region} (${dr.id})`;
      const resourcePolicy = vaultPolicy(drStack, region);
      adminMisuse("delete-copies", `deletes the DR vault of ${region}`, "backup:DeleteBackupVault", vault, label, { resourcePolicy });
      adminMisuse("unlock-copies", `removes the lock of the DR vault of ${region}`, "backup:DeleteBackupVaultLockConfiguration", vault, label, { resourcePolicy });
      if (breakGlass) {
        const recoveryPoint = `arn:${partition}:backup:${region}:${dr.id}:recovery-point:${SAMPLE_RECOVERY_POINT}`;
        const who = "the break-glass role (its IAM allows everything)";
        push("call", undefined, `${who} deletes a recovery point of the DR vault in ${region}`, breakGlass, "backup:DeleteRecoveryPoint", recoveryPoint, `DR recovery point ${region} (${dr.id})`, [standIn(who)], { resourcePolicy });
      }
    }
  }
  return rows;
}
