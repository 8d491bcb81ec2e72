/**
 * Test and review support (also used by scripts/review/): a thin, strict wrapper around `@cloud-copilot/iam-simulate`'s `runSimulation`.
 *
 * - The simulator fills in no request context: every condition key a request carries in AWS must be given.
 * - It drops context keys that do not apply to the action/resource before evaluating; a dropped key would
 *   make a proof vacuous, so any dropped key fails the test (unless explicitly tolerated).
 * - `resultType: 'error'` (invalid policy, action, resource...) fails the test; it is never "denied".
 * - Only single-resource simulations are accepted: requests name concrete ARNs.
 * - Cross-account requests (principal account ≠ resource account) are allowed only when both the identity
 *   policies and the resource policy allow; KMS key policies get KMS's trust rules (a key policy statement
 *   for `<account>:root` delegates to that account's IAM policies). Both are iam-simulate's model.
 *
 * Every assertion failure prints the decisive statements and the simulator's explain of each statement.
 */
import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  type RequestAnalysis,
  type Simulation,
  type StatementExplain,
} from "@cloud-copilot/iam-simulate";
import type { IamPolicyDocument } from "./synthesized-stacks";

/** A policy document as the simulator takes it. */
export type PolicyInput = IamPolicyDocument | Record<string, unknown>;

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyInput;
}

/** One request to simulate. */
export interface PolicyRequest {
  /** What the request proves, printed on failure. */
  readonly description?: string;
  /** The calling principal: a role ARN, an assumed-role ARN, or a service principal (`dlm.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  /** A concrete resource ARN (no wildcard), or `*` for actions that support no resource-level permissions. */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** The request context: pass every key AWS would set (aws:PrincipalOrgID, kms:ViaService, ...). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The policies attached to the principal (none for a service principal). */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's policy (key policy, trust policy), if it has one. */
  readonly resourcePolicy?: PolicyInput;
  /** Context keys the simulator may drop without failing the test (default: none). */
  readonly tolerateIgnoredContextKeys?: readonly string[];
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface PolicyOutcome {
  readonly request: PolicyRequest;
  readonly decision: Decision;
  readonly analysis: RequestAnalysis;
  /** Whether the identity policies alone allow the request. */
  readonly identityAllows: boolean;
  /**
   * Whether the resource policy lets this principal in: 'Allowed' (names it, or `*`), 'AllowedForAccount'
   * (trusts its account, i.e. delegates to IAM), 'NotApplicable' when there is no resource policy.
   */
  readonly resourceResult: string;
  /** A readable account of the decision: decisive statements and every statement's explain. */
  readonly report: string;
}

/** Who must be shown to deny a request. */
export type DeniedBy =
  /** The identity policies deny; the resource policy lets the principal in (or there is none). */
  | "identity"
  /** The resource policy denies; the identity policies allow (a service principal has none: only the resource policy counts). */
  | "resource"
  /** Neither the identity policies nor the resource policy allow. */
  | "both";

export class SimulationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationInputError";
  }
}

function describeExplain(explain: StatementExplain, indent: string): string {
  const lines = [
    `${indent}${explain.effect} ${explain.identifier}: matches=${explain.matches} action=${explain.actionMatch} ` +
      `principal=${explain.principalMatch} resource=${explain.resourceMatch} condition=${explain.conditionMatch}`,
  ];
  const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const resources = [...list(explain.resources), ...list(explain.notResources)];
  if (!explain.resourceMatch && resources.length > 0) {
    lines.push(`${indent}  resources: ${resources.map((r) => `${r.resource}${r.matches ? "" : ` ✗${r.mismatchReason ? ` (${r.mismatchReason})` : ""}`}`).join(", ")}`);
  }
  const principals = [...list(explain.principals), ...list(explain.notPrincipals)];
  if (principals.length > 0) {
    lines.push(`${indent}  principals: ${principals.map((p) => `${p.principal} → ${p.matches}`).join(", ")}`);
  }
  for (const condition of explain.conditions ?? []) {
    const values = list(condition.values)
      .map((value) => `${value.value}${value.matches ? " ✓" : ""}`)
      .join(" | ");
    const flags = [
      condition.failedBecauseMissing ? "key missing from request" : "",
      condition.matchedBecauseMissing ? "matched because missing" : "",
      condition.failedBecauseArray ? "failed because array" : "",
      condition.missingOperator ? "unknown operator" : "",
    ].filter(Boolean);
    lines.push(
      `${indent}  ${condition.matches ? "✓" : "✗"} ${condition.operator} ${condition.conditionKeyValue}: [${values}]${flags.length ? ` (${flags.join(", ")})` : ""}`,
    );
  }
  return lines.join("\n");
}

function describeStatements(
  title: string,
  analysis: { result: string; allowStatements: { explain: StatementExplain; policyId: string }[]; denyStatements: { explain: StatementExplain; policyId: string }[]; unmatchedStatements: { explain: StatementExplain; policyId: string }[] } | undefined,
): string {
  if (!analysis) return `${title}: (none)`;
  const block = (label: string, statements: { explain: StatementExplain; policyId: string }[]) =>
    statements.length === 0
      ? []
      : [`  ${label}:`, ...statements.map((s) => describeExplain(s.explain, `    [${s.policyId ?? "resource policy"}] `))];
  // Statements for other actions cannot decide the request: name them only.
  const forThisAction = analysis.unmatchedStatements.filter((s) => s.explain.actionMatch);
  const otherActions = analysis.unmatchedStatements.filter((s) => !s.explain.actionMatch);
  return [
    `${title}: ${analysis.result}`,
    ...block("deny statements (decisive)", analysis.denyStatements),
    ...block("allow statements (decisive)", analysis.allowStatements),
    ...block("statements for this action that did not match", forThisAction),
    otherActions.length ? `  statements for other actions: ${otherActions.map((s) => s.explain.identifier).join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

function buildReport(request: PolicyRequest, analysis: RequestAnalysis, ignoredContextKeys: readonly string[]): string {
  const grants = analysis.result === "Allowed" ? getGrantReasons(analysis) : [];
  const denials = analysis.result === "Allowed" ? [] : getDenialReasons(analysis);
  return [
    `Request${request.description ? ` (${request.description})` : ""}:`,
    `  ${request.principal} → ${request.action} on ${request.resource} (account ${request.resourceAccount})`,
    `  context: ${JSON.stringify(request.context ?? {})}`,
    ignoredContextKeys.length ? `  context keys dropped by the simulator: ${ignoredContextKeys.join(", ")}` : "",
    `Decision: ${analysis.result} (same account: ${analysis.sameAccount}${analysis.blockedBy?.length ? `, blocked by ${analysis.blockedBy.join(", ")}` : ""})`,
    grants.length ? `Granted by: ${JSON.stringify(grants)}` : "",
    denials.length ? `Denied by: ${JSON.stringify(denials)}` : "",
    describeStatements("Identity policies", analysis.identityAnalysis),
    request.resourcePolicy ? describeStatements("Resource policy", analysis.resourceAnalysis) : "Resource policy: (none)",
  ]
    .filter(Boolean)
    .join("\n");
}

/**
 * AWS rejects a resource policy (key policy, trust policy) whose statement names no principal; the simulator
 * would silently treat such a statement as never matching. Refuse it instead.
 */
function assertResourcePolicyShape(policy: PolicyInput, where: string): void {
  const statements = (policy as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const element = statement as Record<string, unknown> | undefined;
    if (!element || (element.Principal === undefined && element.NotPrincipal === undefined)) {
      throw new SimulationInputError(`Resource policy statement without Principal (${where}): ${JSON.stringify(statement)}`);
    }
  }
}

/**
 * What AWS puts in every request's context and the simulator does not: the region the request goes to (the
 * resource's region; for a key used by a service, the key's) and the resource's account. The request's own
 * context wins; `aws:ResourceOrgID` needs the configuration, so requests pass it themselves.
 */
function requestFacts(request: PolicyRequest): Record<string, string> {
  const region = request.resource.startsWith("arn:") ? request.resource.split(":")[3] : "";
  return {
    ...(region ? { "aws:RequestedRegion": region } : {}),
    ...(/^\d{12}$/.test(request.resourceAccount ?? "") ? { "aws:ResourceAccount": request.resourceAccount as string } : {}),
  };
}

/**
 * Runs one simulation. Throws a {@link SimulationInputError} when the simulator rejects the input, returns
 * anything but a single result, or drops a context key the request carried.
 */
export async function simulate(request: PolicyRequest): Promise<PolicyOutcome> {
  if (request.resource !== "*" && request.resource.includes("*")) {
    throw new SimulationInputError(`Simulate concrete resources only, got ${request.resource}`);
  }
  if (request.resourcePolicy) assertResourcePolicyShape(request.resourcePolicy, request.description ?? request.action);
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: Object.fromEntries(
        Object.entries({ ...requestFacts(request), ...request.context }).map(([key, value]) => [key, typeof value === "string" ? value : [...value]]),
      ),
    },
    identityPolicies: request.identityPolicies.map(({ name, policy }) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  };
  const response = await runSimulation(simulation, { simulationMode: "Strict" });
  const where = `${request.description ? `${request.description}: ` : ""}${request.principal} → ${request.action} on ${request.resource}`;
  if (response.resultType === "error") {
    throw new SimulationInputError(`The simulator rejected the input (${where}):\n${JSON.stringify(response.errors, null, 2)}`);
  }
  if (response.resultType !== "single") {
    throw new SimulationInputError(`Expected a single-resource simulation (${where}), got ${response.resultType}`);
  }
  const { analysis, ignoredContextKeys = [] } = response.result;
  const tolerated = new Set((request.tolerateIgnoredContextKeys ?? []).map((key) => key.toLowerCase()));
  const dropped = ignoredContextKeys.filter((key) => !tolerated.has(key.toLowerCase()));
  if (dropped.length > 0) {
    throw new SimulationInputError(
      `The simulator dropped context keys that do not apply to ${request.action} on ${request.resource}: ${dropped.join(", ")} (${where}). ` +
        "A dropped key is never evaluated, which would make the proof vacuous.",
    );
  }
  return {
    request,
    decision: response.overallResult,
    analysis,
    identityAllows: analysis.identityAnalysis?.result === "Allowed",
    resourceResult: analysis.resourceAnalysis?.result ?? "NotApplicable",
    report: buildReport(request, analysis, ignoredContextKeys),
  };
}

/** `dlm.amazonaws.com`, not an ARN. */
export const isServicePrincipal = (principal: string) => !principal.startsWith("arn:") && principal.endsWith(".amazonaws.com");

const resourceLetsIn = (outcome: PolicyOutcome) =>
  outcome.resourceResult === "Allowed" || outcome.resourceResult === "AllowedForAccount" || outcome.resourceResult === "NotApplicable";

/** Asserts the request is allowed; on failure prints the simulation report. */
export async function expectAllowed(request: PolicyRequest): Promise<PolicyOutcome> {
  const outcome = await simulate(request);
  if (outcome.decision !== "Allowed") {
    throw new Error(`Expected the request to be ALLOWED, but it was ${outcome.decision}.\n${outcome.report}`);
  }
  return outcome;
}

/**
 * Asserts the request is denied, and, with `deniedBy`, which side denies it — so that a denial proves what
 * it claims (e.g. that the key policy, not a missing identity permission, keeps another organization out).
 */
export async function expectDenied(request: PolicyRequest, deniedBy?: DeniedBy): Promise<PolicyOutcome> {
  const outcome = await simulate(request);
  const fail = (why: string): never => {
    throw new Error(`Expected the request to be DENIED${deniedBy ? ` by ${deniedBy}` : ""}, but ${why}.\n${outcome.report}`);
  };
  if (outcome.decision === "Allowed") fail("it was Allowed");
  if (deniedBy === "identity" || deniedBy === "resource" || deniedBy === "both") {
    if (deniedBy !== "identity" && !request.resourcePolicy) fail("the request has no resource policy");
    // A service principal (e.g. dlm.amazonaws.com) has no identity policies: only the resource policy can let it in.
    const identityDenies = isServicePrincipal(request.principal) ? false : !outcome.identityAllows;
    const resourceDenies = !resourceLetsIn(outcome);
    if (deniedBy === "identity" && !(identityDenies && !resourceDenies)) {
      fail(`identity policies ${identityDenies ? "deny" : "allow"} and the resource policy says ${outcome.resourceResult}`);
    }
    if (deniedBy === "resource" && !(resourceDenies && !identityDenies)) {
      fail(`the resource policy says ${outcome.resourceResult} and identity policies ${identityDenies ? "deny" : "allow"}`);
    }
    if (deniedBy === "both" && !(resourceDenies && identityDenies)) {
      fail(`the resource policy says ${outcome.resourceResult} and identity policies ${identityDenies ? "deny" : "allow"}`);
    }
  }
  return outcome;
}

/** An identity policy that allows every action on every resource: to show that a resource policy alone denies. */
export const allowEverythingPolicy = (actions: string | readonly string[] = "*"): NamedPolicy => ({
  name: `allow-${typeof actions === "string" ? actions : actions.join("-")}-everywhere`.replace(/[^A-Za-z0-9+=,.@_-]/g, "_"),
  policy: { Version: "2012-10-17", Statement: [{ Sid: "AllowEverything", Effect: "Allow", Action: actions, Resource: "*" }] },
});
