import type { SnapshotDrConfig } from "../config/load-config";
import { backupDrKeyAliasName, drDlmRoleName, kmsBAliasName, kmsCAliasName, rdsDrKeyAliasName, rdsImporterRoleName, roleArn } from "../config/naming";
import { snapshotLockRoleName } from "../dr-account/snapshot-lock-function";
import { alarmKeyAliasName } from "../monitoring/monitoring-names";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { drAccountGuardrailPolicies } from "./dr-account-guardrail-policies";
import { ServiceControlPolicy } from "./service-control-policy";

/** Organizations quota: at most 5 SCPs attached to a root, OU or account, FullAWSAccess included. */
export const MAX_SCPS_PER_TARGET = 5;

/**
 * The DR organization's guardrail SCPs (issue 12 §2), attached to `drAccount.guardrails.targetIds` (default: the
 * DR account), with the exemptions named from the configuration: `drAccount.breakGlassRoleArn` (else
 * `backup.breakGlassRoleArn`), the DR account's deploy role, the DLM role, the snapshot lock and RDS importer roles.
 */
export function drAccountGuardrails(stack: SnapshotDrStack, config: SnapshotDrConfig): ServiceControlPolicy[] {
  const dr = config.drAccount;
  const policies = drAccountGuardrailPolicies({
    partition: config.partition,
    drAccountId: dr.id,
    namePrefix: config.namePrefix,
    breakGlassRoleArn: dr.breakGlassRoleArn ?? config.backup.breakGlassRoleArn,
    deployRoleArn: roleArn(config, dr.id, config.deployRoleName),
    dlmRoleArn: roleArn(config, dr.id, drDlmRoleName(config)),
    snapshotLockRoleArn: roleArn(config, dr.id, snapshotLockRoleName(config.namePrefix)),
    rdsImporterRoleArn: roleArn(config, dr.id, rdsImporterRoleName(config)),
    drKeyAliases: [kmsBAliasName(config), kmsCAliasName(config), rdsDrKeyAliasName(config), backupDrKeyAliasName(config), alarmKeyAliasName(config.namePrefix)],
  });
  const targetIds = dr.guardrails.targetIds ?? [dr.id];
  const scps = policies.map(
    (policy) =>
      new ServiceControlPolicy(stack, `dr-guardrail-${policy.id}`, {
        provider: stack.homeProvider,
        name: policy.name,
        description: policy.description,
        document: policy.document,
        targetIds,
      }),
  );
  // The guardrails deny deleting and sharing snapshots: on a source account they would stop its copier.
  const sourceTargets = targetIds.filter((target) => config.sourceAccounts.some((account) => account.id === target));
  if (sourceTargets.length > 0) {
    stack.node.addValidation({
      validate: () => [`drAccount.guardrails.targetIds: ${sourceTargets.join(", ")} is a source account; the DR guardrails belong on the DR account (or an OU that holds only DR accounts)`],
    });
  }
  stack.node.addValidation({
    validate: () => {
      const perTarget = new Map<string, number>();
      for (const scp of stack.node.findAll().filter((node): node is ServiceControlPolicy => node instanceof ServiceControlPolicy)) {
        for (const attachment of scp.attachments) {
          // The attachment's construct id names its target (`attachment-<target>`); its targetId is a token.
          const target = attachment.node.id.replace(/^attachment-/, "");
          perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
        }
      }
      return [...perTarget]
        .filter(([, count]) => count + 1 > MAX_SCPS_PER_TARGET)
        .map(
          ([target, count]) =>
            `${count} SCPs of this stack and FullAWSAccess are attached to ${target}: Organizations allows at most ${MAX_SCPS_PER_TARGET} SCPs per root, OU or account (drAccount.guardrails.targetIds)`,
        );
    },
  });
  return scps;
}
