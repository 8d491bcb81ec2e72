import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding } from "../types";
import { parseOperator } from "../condition-operators";
import { conditionEntries, isInterpolated, statementsOf } from "../policy-json";

/**
 * Every condition operator is an IAM operator that fits its key's type (as the IAM catalogue gives it):
 * - `ForAnyValue:`/`ForAllValues:` only on multi-valued keys (`ArrayOf...`), and a multi-valued key only with
 *   one of them (or `Null`): a single-valued operator on a set never matches as intended;
 * - `Bool` only on boolean keys;
 * - `Arn...` only on ARN keys or string keys (IAM compares those too).
 * String operators on ARN keys are valid IAM and not reported.
 */
export const ConditionOperatorsFitKeys: PolicyCheck = {
  id: "ConditionOperatorsFitKeys",
  explanation:
    "Use an IAM condition operator that fits the key: ForAnyValue:/ForAllValues: exactly for multi-valued keys, Bool for boolean keys, Arn operators for ARN (or string) keys.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy, catalog) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      const reportedOperators = new Set<string>();
      for (const { operator, key } of conditionEntries(statement.raw)) {
        const parsed = parseOperator(operator);
        if (!parsed) {
          if (!reportedOperators.has(operator)) findings.push({ statement: statement.ref, message: `Condition operator '${operator}' is not an IAM condition operator` });
          reportedOperators.add(operator);
          continue;
        }
        const info = isInterpolated(key) ? undefined : catalog.conditionKey(key);
        if (!info) continue; // ConditionKeysExistInIamCatalog reports unknown keys
        const multiValued = info.type.startsWith("ArrayOf");
        const elementType = multiValued ? info.type.slice("ArrayOf".length) : info.type;
        let message: string | undefined;
        if (parsed.setOperator && !multiValued) {
          message = `${operator} is a set operator, but ${key} is single-valued (${info.type}): use ${operator.slice(operator.indexOf(":") + 1)}`;
        } else if (!parsed.setOperator && multiValued && parsed.family !== "null") {
          message = `${operator} on ${key}, which is multi-valued (${info.type}): use ForAnyValue:${operator} or ForAllValues:${operator}`;
        } else if (parsed.family === "bool" && elementType !== "Bool") {
          message = `${operator} on ${key}, which is ${info.type}: Bool fits boolean keys only`;
        } else if (parsed.family === "arn" && elementType !== "ARN" && elementType !== "String") {
          message = `${operator} on ${key}, which is ${info.type}: Arn operators fit ARN and string keys only`;
        }
        if (message) findings.push({ statement: statement.ref, message });
      }
    }
    return findings;
  },
};
