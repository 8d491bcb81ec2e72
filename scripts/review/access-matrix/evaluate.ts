import { getDenialReasons, getGrantReasons, runSimulation, type RequestAnalysis, type Simulation, type StatementExplain } from "@cloud-copilot/iam-simulate";
import { SimulationInputError, type PolicyInput } from "../policy-simulator";
import { FULL_AWS_ACCESS } from "../scp-simulator";
import { DecidingStatement, Decision, Expectation, MatrixRow, PolicyRef, PolicySource, RowSpec } from "./types";

// ---------------------------------------------------------------------------------------------------------
// Evaluation

export interface ScpLevel {
  readonly orgIdentifier: string;
  readonly refs: readonly PolicyRef[];
}

export const FULL_ACCESS_NAME = "FullAWSAccess";
export const isServiceLinkedRole = (principal: string) => principal.includes(":role/aws-service-role/");

export function assertResourcePolicyShape(policy: PolicyInput, where: string): void {
  const statements = (policy as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const element = statement as Record<string, unknown> | undefined;
    if (!element || (element.Principal === undefined && element.NotPrincipal === undefined)) {
      throw new SimulationInputError(`Resource policy statement without Principal (${where}): ${JSON.stringify(statement)}`);
    }
  }
}

/** Why a statement did not match: the parts that failed, conditions with the request's value. */
export function whyNoMatch(explain: StatementExplain, context: Readonly<Record<string, string | readonly string[]>>): string {
  const parts: string[] = [];
  if (!explain.actionMatch) parts.push("action ✗");
  if (explain.principalMatch === "NoMatch") parts.push("principal ✗");
  if (!explain.resourceMatch) parts.push("resource ✗");
  for (const condition of explain.conditions ?? []) {
    if (condition.matches) continue;
    const key = condition.conditionKeyValue;
    const given = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
    const value = condition.failedBecauseMissing || given === undefined ? "absent" : typeof given === "string" ? given : `[${given.join(", ")}]`;
    parts.push(`${condition.operator} ${key} ✗ (request: ${value})`);
  }
  return parts.length ? parts.join(", ") : "did not match";
}

export interface AnalysedStatement {
  readonly policyId: string;
  readonly statement: { sid(): string | undefined; index(): number };
  readonly explain: StatementExplain;
}

export const sidOf = (statement: AnalysedStatement) => statement.statement.sid() ?? `#${statement.statement.index()}`;

/** "Sid: why; Sid: why" for the statements of a policy that could have applied (same action) but did not match. */
export function nearMisses(statements: readonly AnalysedStatement[], context: RowSpec["context"]): string {
  const forAction = statements.filter((s) => s.explain.actionMatch);
  if (forAction.length === 0) return "no statement for this action";
  return forAction.map((s) => `${sidOf(s)}: ${whyNoMatch(s.explain, context)}`).join("; ");
}

export function decidingStatements(
  spec: RowSpec,
  analysis: RequestAnalysis,
  identityById: ReadonlyMap<string, PolicySource>,
  scpById: ReadonlyMap<string, PolicySource>,
): DecidingStatement[] {
  const result: DecidingStatement[] = [];
  const identityStatements = (analysis.identityAnalysis?.unmatchedStatements ?? []) as unknown as AnalysedStatement[];
  const resourceStatements = (analysis.resourceAnalysis?.unmatchedStatements ?? []) as unknown as AnalysedStatement[];
  if (analysis.result === "Allowed") {
    for (const grant of getGrantReasons(analysis)) {
      const sid = grant.statementId ?? `#${grant.statementIndex}`;
      if (grant.policyType === "identity") result.push({ ...identityById.get(grant.policyIdentifier)!, effect: "Allow", sid });
      else if (grant.policyType === "resource") result.push({ ...spec.resourcePolicy!.source, effect: "Allow", sid });
      else if (grant.policyType === "scp" && grant.policyIdentifier !== FULL_ACCESS_NAME) {
        result.push({ ...scpById.get(grant.policyIdentifier)!, effect: "Allow", sid });
      }
    }
    // Project SCPs that were evaluated and let the request through: name their Deny statements that did not match.
    for (const ou of analysis.scpAnalysis?.ouAnalysis ?? []) {
      const unmatched = ou.unmatchedStatements as unknown as AnalysedStatement[];
      for (const [id, source] of scpById) {
        const statements = unmatched.filter((s) => s.policyId === id);
        // Only SCPs with a statement for this action could have denied it; the others are not worth naming.
        if (statements.some((s) => s.explain.actionMatch)) result.push({ ...source, effect: "NoDeny", why: nearMisses(statements, spec.context) });
      }
    }
    return result;
  }
  for (const denial of getDenialReasons(analysis)) {
    if (denial.denialType === "Explicit") {
      const sid = denial.statementId ?? `#${denial.statementIndex}`;
      const source =
        denial.policyType === "identity"
          ? identityById.get(denial.policyIdentifier ?? "")
          : denial.policyType === "resource"
            ? spec.resourcePolicy?.source
            : denial.policyType === "scp"
              ? scpById.get(denial.policyIdentifier ?? "")
              : undefined;
      if (!source) throw new Error(`No source for the ${denial.policyType} denial ${JSON.stringify(denial)} (${spec.description})`);
      result.push({ ...source, effect: "Deny", sid });
    } else if (denial.policyType === "identity") {
      if (spec.identity.length === 0) {
        result.push({ kind: "identity", label: "no identity policy", effect: "NoAllow", why: "the principal has no identity policy for this request" });
      }
      for (const [id, source] of identityById) {
        result.push({ ...source, effect: "NoAllow", why: nearMisses(identityStatements.filter((s) => s.policyId === id), spec.context) });
      }
    } else if (denial.policyType === "resource") {
      result.push({ ...spec.resourcePolicy!.source, effect: "NoAllow", why: nearMisses(resourceStatements, spec.context) });
    } else if (denial.policyType === "scp") {
      result.push({ kind: "scp", label: `SCPs at ${denial.identifier ?? "?"}`, effect: "NoAllow", why: "no SCP at this level allows the action" });
    } else {
      throw new Error(`Unexpected ${denial.policyType} denial (${spec.description})`);
    }
  }
  if (result.length === 0 && !analysis.sameAccount && !spec.resourcePolicy) {
    result.push({ kind: "resource", label: "no resource policy", effect: "NoAllow", why: "a cross-account request needs the resource's policy to allow it, and the resource has none" });
  }
  if (result.length === 0) throw new Error(`The simulator named nothing that decided the request (${spec.description})`);
  return result;
}

/**
 * Evaluates one row strictly: a simulator error, a non-single result, or a context key the simulator drops
 * (which would never be evaluated, making the row vacuous) throws a {@link SimulationInputError}.
 */
export async function evaluate(spec: RowSpec, scps: readonly ScpLevel[], id: string): Promise<MatrixRow> {
  if (spec.resource !== "*" && spec.resource.includes("*")) throw new SimulationInputError(`Simulate concrete resources only, got ${spec.resource}`);
  if (spec.resourcePolicy) assertResourcePolicyShape(spec.resourcePolicy.document, spec.description);
  const identityById = new Map(spec.identity.map((ref, index) => [`identity-${index + 1}`, ref.source] as const));
  const scpById = new Map<string, PolicySource>();
  const scpLevels = scps.map((level) => ({
    orgIdentifier: level.orgIdentifier,
    policies: [
      { name: FULL_ACCESS_NAME, policy: FULL_AWS_ACCESS },
      ...level.refs.map((ref) => {
        const name = `scp-${scpById.size + 1}`;
        scpById.set(name, ref.source);
        return { name, policy: ref.document };
      }),
    ],
  }));
  const simulation: Simulation = {
    request: {
      principal: spec.principal,
      action: spec.action,
      resource: { resource: spec.resource, accountId: spec.resourceAccount },
      contextVariables: Object.fromEntries(Object.entries(spec.context).map(([key, value]) => [key, typeof value === "string" ? value : [...value]])),
    },
    identityPolicies: spec.identity.map((ref, index) => ({ name: `identity-${index + 1}`, policy: ref.document })),
    serviceControlPolicies: scpLevels,
    resourceControlPolicies: [],
    ...(spec.resourcePolicy ? { resourcePolicy: spec.resourcePolicy.document } : {}),
  };
  const response = await runSimulation(simulation, { simulationMode: "Strict" });
  const where = `${spec.description}: ${spec.principal} → ${spec.action} on ${spec.resource}`;
  if (response.resultType === "error") throw new SimulationInputError(`The simulator rejected the input (${where}):\n${JSON.stringify(response.errors, null, 2)}`);
  if (response.resultType !== "single") throw new SimulationInputError(`Expected a single-resource simulation (${where}), got ${response.resultType}`);
  const { analysis, ignoredContextKeys = [] } = response.result;
  if (ignoredContextKeys.length > 0) {
    throw new SimulationInputError(`The simulator dropped context keys that do not apply (${where}): ${ignoredContextKeys.join(", ")}; the row would be vacuous`);
  }
  const decision = response.overallResult as Decision;
  const actual: Expectation = decision === "Allowed" ? "Allowed" : "Denied";
  const principalAccount = spec.principal.split(":")[4];
  return {
    id,
    flow: spec.flow,
    category: spec.category,
    ...(spec.misuse ? { misuse: spec.misuse } : {}),
    description: spec.description,
    principal: spec.principal,
    principalLabel: spec.principal.startsWith("arn:") ? `${principalAccount}:${spec.principal.split(":").slice(5).join(":")}` : spec.principal,
    action: spec.action,
    resource: spec.resource,
    resourceLabel: spec.resourceLabel,
    resourceAccount: spec.resourceAccount,
    context: spec.context,
    policies: [...spec.identity.map((ref) => ref.source), ...(spec.resourcePolicy ? [spec.resourcePolicy.source] : []), ...scpById.values()],
    notEvaluated: spec.notEvaluated ?? [],
    expected: spec.expected,
    actual,
    decision,
    decidedBy: decidingStatements(spec, analysis, identityById, scpById),
    asExpected: actual === spec.expected,
  };
}
