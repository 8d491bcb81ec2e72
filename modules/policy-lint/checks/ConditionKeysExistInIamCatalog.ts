import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding } from "../types";
import { conditionEntries, isInterpolated, statementsOf } from "../policy-json";

/**
 * Every condition key exists: a global `aws:` key (with its `aws:ResourceTag/<tag>`-style variants) or a key
 * of a service (`kms:ViaService`, `ec2:Add/userId`, `kms:EncryptionContext:<key>`) in the IAM catalogue. IAM
 * accepts an unknown key and the condition then never matches (or, negated, always does), silently.
 */
export const ConditionKeysExistInIamCatalog: PolicyCheck = {
  id: "ConditionKeysExistInIamCatalog",
  explanation: "Use a condition key the Service Authorization Reference lists for the service (or a global aws: key), spelt as listed.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy, catalog) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      for (const { operator, key } of conditionEntries(statement.raw)) {
        if (isInterpolated(key) || catalog.conditionKey(key)) continue;
        findings.push({ statement: statement.ref, message: `Condition key '${key}' (${operator}) is not in the IAM catalogue` });
      }
    }
    return findings;
  },
};
