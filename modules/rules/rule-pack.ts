import { TerraformStack } from "cdktf";
import { BackupVaultNoForceDestroy } from "./BackupVaultNoForceDestroy";
import { DataStorePreventDestroy } from "./DataStorePreventDestroy";
import { KmsKeyDeletionWindowThirtyDays } from "./KmsKeyDeletionWindowThirtyDays";
import { KmsKeyPolicyNoWildcardActionsForOthers } from "./KmsKeyPolicyNoWildcardActionsForOthers";
import { KmsKeyRotationEnabled } from "./KmsKeyRotationEnabled";
import { Rule, RuleResult } from "./rule";

/** The rules every stack is checked against before synthesis writes anything. */
export const SNAPSHOT_DR_RULES: readonly Rule[] = [
  KmsKeyRotationEnabled,
  KmsKeyDeletionWindowThirtyDays,
  DataStorePreventDestroy,
  KmsKeyPolicyNoWildcardActionsForOthers,
  BackupVaultNoForceDestroy,
];

/** Registers the rules as a deferred validation of the stack: each finding names the rule and what to do. */
export function applyRulePack(stack: TerraformStack, rules: readonly Rule[] = SNAPSHOT_DR_RULES): void {
  stack.node.addValidation({
    validate: () =>
      stack.node
        .findAll()
        .flatMap((node) =>
          rules
            .filter((rule) => rule.check(node) === RuleResult.NON_COMPLIANT)
            .map((rule) => `${rule.id}: ${node.node.path}: ${rule.explanation}`),
        ),
  });
}
