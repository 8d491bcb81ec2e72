import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding, type PolicyKind } from "../types";
import { isRecord, kindWithArticle, statementRef, type JsonObject } from "../policy-json";

const TOP_LEVEL_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

/** Policies whose statements name who they apply to (IAM: "You must use Principal in resource-based policies"). */
const NEEDS_PRINCIPAL: readonly PolicyKind[] = ["key", "trust", "resource"];

const isStringOrStrings = (value: unknown) =>
  typeof value === "string" || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string"));

const isConditionValue = (value: unknown) =>
  ["string", "number", "boolean"].includes(typeof value) ||
  (Array.isArray(value) && value.length > 0 && value.every((item) => ["string", "number", "boolean"].includes(typeof item)));

function principalProblems(element: string, value: unknown): string[] {
  if (value === "*") return [];
  if (!isRecord(value) || Object.keys(value).length === 0) {
    return [`${element} must be "*" or an object of AWS, Service, Federated or CanonicalUser principals`];
  }
  return Object.entries(value).flatMap(([type, principals]) => {
    if (!PRINCIPAL_TYPES.has(type)) return [`${element} has the unknown principal type '${type}' (AWS, Service, Federated or CanonicalUser)`];
    return isStringOrStrings(principals) ? [] : [`${element}.${type} must be a string or a non-empty array of strings`];
  });
}

function conditionProblems(condition: unknown): string[] {
  if (!isRecord(condition)) return ["Condition must be an object of condition operators"];
  return Object.entries(condition).flatMap(([operator, block]) => {
    if (!isRecord(block) || Object.keys(block).length === 0) return [`Condition operator ${operator} must be an object of condition keys`];
    return Object.entries(block)
      .filter(([, value]) => !isConditionValue(value))
      .map(([key]) => `Condition ${operator} ${key} must be a string, number, boolean or non-empty array of those`);
  });
}

/** Exactly one of two alternative elements (Action/NotAction, Resource/NotResource), well typed. */
function oneOf(statement: JsonObject, element: string, notElement: string, what: string): string[] {
  const has = statement[element] !== undefined;
  const hasNot = statement[notElement] !== undefined;
  if (has && hasNot) return [`Has both ${element} and ${notElement}`];
  if (!has && !hasNot) return [`Has neither ${element} nor ${notElement}: ${what}`];
  const name = has ? element : notElement;
  return isStringOrStrings(statement[name]) ? [] : [`${name} must be a string or a non-empty array of strings`];
}

function statementProblems(kind: PolicyKind, statement: JsonObject): string[] {
  const label = kindWithArticle(kind);
  const problems = Object.keys(statement)
    .filter((element) => !STATEMENT_ELEMENTS.has(element))
    .map((element) => `Has the unknown element '${element}'`);
  if (statement.Effect === undefined) problems.push("Effect is missing");
  else if (statement.Effect !== "Allow" && statement.Effect !== "Deny") problems.push(`Effect is ${JSON.stringify(statement.Effect)}: expected "Allow" or "Deny"`);
  problems.push(...oneOf(statement, "Action", "NotAction", "every statement names its actions"));

  if (kind === "trust") {
    for (const element of ["Resource", "NotResource"]) {
      if (statement[element] !== undefined) problems.push(`A trust policy statement must not have a ${element} element (the role is the resource)`);
    }
  } else {
    problems.push(...oneOf(statement, "Resource", "NotResource", `${label} statement names its resources`));
  }

  const hasPrincipal = statement.Principal !== undefined;
  const hasNotPrincipal = statement.NotPrincipal !== undefined;
  if (NEEDS_PRINCIPAL.includes(kind)) {
    if (hasPrincipal && hasNotPrincipal) problems.push("Has both Principal and NotPrincipal");
    else if (!hasPrincipal && !hasNotPrincipal) problems.push(`Has no Principal: ${label} statement names the principals it applies to`);
  } else {
    if (hasPrincipal) problems.push(`Has a Principal element, which ${label} does not take (it applies to the ${kind === "scp" ? "accounts" : "principals"} it is attached to)`);
    if (hasNotPrincipal) problems.push(`Has a NotPrincipal element, which ${label} does not take`);
  }
  if (hasPrincipal) problems.push(...principalProblems("Principal", statement.Principal));
  if (hasNotPrincipal && NEEDS_PRINCIPAL.includes(kind)) {
    if (kind === "trust") problems.push("Has a NotPrincipal element, which a trust policy does not take");
    else if (statement.Effect !== "Deny") problems.push('NotPrincipal is only supported with "Effect": "Deny"');
    problems.push(...principalProblems("NotPrincipal", statement.NotPrincipal));
  }
  if (statement.Condition !== undefined) problems.push(...conditionProblems(statement.Condition));
  return problems;
}

/**
 * Statements have the elements their kind of policy requires, and none it forbids: Effect and Action (or
 * NotAction) always; Resource (or NotResource) except in trust policies, which must not have one; a Principal
 * in key, trust and resource policies and none in identity policies and SCPs.
 */
export const StatementElementsFitPolicyKind: PolicyCheck = {
  id: "StatementElementsFitPolicyKind",
  explanation:
    "Give every statement Effect, Action and (except in trust policies, where it is forbidden) Resource; a Principal in key, trust and resource policies only; no other elements.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy) {
    const document = policy.document;
    if (!isRecord(document)) return [{ message: "The policy is not a JSON object" }];
    const findings: PolicyFinding[] = Object.keys(document)
      .filter((element) => !TOP_LEVEL_ELEMENTS.has(element))
      .map((element) => ({ message: `Has the unknown top-level element '${element}'` }));
    const statements = Array.isArray(document.Statement) ? document.Statement : isRecord(document.Statement) ? [document.Statement] : undefined;
    if (statements === undefined) {
      findings.push({ message: document.Statement === undefined ? "Statement is missing" : "Statement must be an array of statement objects" });
    } else if (statements.length === 0) {
      findings.push({ message: "Statement is empty" });
    }
    (statements ?? []).forEach((statement: unknown, index) => {
      const ref = statementRef(statement, index);
      if (!isRecord(statement)) findings.push({ statement: ref, message: "The statement is not a JSON object" });
      else findings.push(...statementProblems(policy.kind, statement).map((message) => ({ statement: ref, message })));
    });
    return findings;
  },
};
