/**
 * The policy lint: every policy of every synthesized stack against every check of `checks/`.
 *
 * ```ts
 * await loadIamCatalog();                                  // once per process (or loadIamCatalog(targets))
 * const findings = lintStacks(readSynthesizedStacks(outdir)); // synchronous
 * assertNoPolicyFindings(findings);                          // throws PolicyLintError naming stack, resource, statement
 * ```
 *
 * Results are cached per unique policy (kind, stack account, text): the same policy in many stacks or regions
 * is checked once.
 */
import * as fs from "fs";
import * as path from "path";
import { ActionsExistInIamCatalog } from "./checks/ActionsExistInIamCatalog";
import { BackupPolicyRoleArnsAndRegionsValid } from "./checks/BackupPolicyRoleArnsAndRegionsValid";
import { ConditionKeysExistInIamCatalog } from "./checks/ConditionKeysExistInIamCatalog";
import { ConditionOperatorsFitKeys } from "./checks/ConditionOperatorsFitKeys";
import { KeyPolicyWildcardOnlyForOwnAccountRoot } from "./checks/KeyPolicyWildcardOnlyForOwnAccountRoot";
import { OrganizationsPolicyWithinSizeLimit } from "./checks/OrganizationsPolicyWithinSizeLimit";
import { PolicyIsParsableJson } from "./checks/PolicyIsParsableJson";
import { PolicyVersion20121017 } from "./checks/PolicyVersion20121017";
import { PublicPrincipalLimitedByAccountOrOrganization } from "./checks/PublicPrincipalLimitedByAccountOrOrganization";
import { ResourcesAreArnsOrWildcard } from "./checks/ResourcesAreArnsOrWildcard";
import { ServiceTrustPolicyHasSourceCondition } from "./checks/ServiceTrustPolicyHasSourceCondition";
import { StatementElementsFitPolicyKind } from "./checks/StatementElementsFitPolicyKind";
import { StatementSidsUniqueAndAlphanumeric } from "./checks/StatementSidsUniqueAndAlphanumeric";
import { WildcardActionOnlyForFullAccessOrKeyOwner } from "./checks/WildcardActionOnlyForFullAccessOrKeyOwner";
import { DlmPoliciesPerRegionWithinLimit } from "./checks/DlmPoliciesPerRegionWithinLimit";
import { EventRulesPerBusWithinLimit } from "./checks/EventRulesPerBusWithinLimit";
import { KeyPolicyWithinSize } from "./checks/KeyPolicyWithinSize";
import { LambdaEnvironmentWithinSize } from "./checks/LambdaEnvironmentWithinSize";
import { ManagedPolicyWithinSize } from "./checks/ManagedPolicyWithinSize";
import { QueuePolicyWithinSize } from "./checks/QueuePolicyWithinSize";
import { RoleInlinePoliciesWithinAggregateSize } from "./checks/RoleInlinePoliciesWithinAggregateSize";
import { RoleTrustPolicyWithinSize } from "./checks/RoleTrustPolicyWithinSize";
import { ScpsPerTargetWithinLimit } from "./checks/ScpsPerTargetWithinLimit";
import { TagsPerResourceWithinLimit } from "./checks/TagsPerResourceWithinLimit";
import { TagsUseAllowedCharacters } from "./checks/TagsUseAllowedCharacters";
import { TopicPolicyWithinSize } from "./checks/TopicPolicyWithinSize";
import { IamCatalog, loadedIamCatalog, loadIamCatalog } from "./iam-catalog";
import { policiesInStack } from "./policies-in-stack";
import type { Finding, LintTarget, PolicyCheck, PolicyFinding, StackCheck } from "./types";

export { IamCatalog, IamCatalogNotLoadedError, loadIamCatalog, type ActionMatch, type ConditionKeyInfo } from "./iam-catalog";
export { policiesInStack, stackAccount } from "./policies-in-stack";
export type { Finding, LintTarget, PolicyCheck, PolicyFinding, PolicyKind, PolicyUnderCheck, StackCheck, StackFinding, StackUnderCheck } from "./types";

/** Every check of the lint, in the order findings are reported. */
export const POLICY_CHECKS: readonly PolicyCheck[] = [
  PolicyIsParsableJson,
  PolicyVersion20121017,
  StatementElementsFitPolicyKind,
  StatementSidsUniqueAndAlphanumeric,
  ActionsExistInIamCatalog,
  WildcardActionOnlyForFullAccessOrKeyOwner,
  ResourcesAreArnsOrWildcard,
  ConditionKeysExistInIamCatalog,
  ConditionOperatorsFitKeys,
  PublicPrincipalLimitedByAccountOrOrganization,
  KeyPolicyWildcardOnlyForOwnAccountRoot,
  ServiceTrustPolicyHasSourceCondition,
  OrganizationsPolicyWithinSizeLimit,
  BackupPolicyRoleArnsAndRegionsValid,
];

/**
 * Every check of whole stacks: the AWS size and count limits that no single policy shows (see docs/limits.md),
 * in the order findings are reported.
 */
export const STACK_CHECKS: readonly StackCheck[] = [
  RoleInlinePoliciesWithinAggregateSize,
  ManagedPolicyWithinSize,
  RoleTrustPolicyWithinSize,
  KeyPolicyWithinSize,
  QueuePolicyWithinSize,
  TopicPolicyWithinSize,
  LambdaEnvironmentWithinSize,
  TagsPerResourceWithinLimit,
  TagsUseAllowedCharacters,
  DlmPoliciesPerRegionWithinLimit,
  ScpsPerTargetWithinLimit,
  EventRulesPerBusWithinLimit,
];

export interface LintOptions {
  /** @default POLICY_CHECKS */
  readonly checks?: readonly PolicyCheck[];
  /** @default STACK_CHECKS */
  readonly stackChecks?: readonly StackCheck[];
  /** @default the catalogue loadIamCatalog() loaded */
  readonly catalog?: IamCatalog;
}

type CheckedFinding = PolicyFinding & { readonly checkId: string };

/**
 * Findings per unique policy: by text, then by kind and stack account; per list of checks (a different list of
 * checks has its own cache). The text itself is the outer key so that its hash is computed once.
 */
const cachesByChecks = new WeakMap<readonly PolicyCheck[], Map<string, Map<string, readonly CheckedFinding[]>>>();

function lintPolicy(target: LintTarget, checks: readonly PolicyCheck[], catalog: IamCatalog): readonly CheckedFinding[] {
  const findings: CheckedFinding[] = [];
  for (const check of checks) {
    if (!check.appliesTo.includes(target.kind)) continue;
    // A policy that does not parse gets the parse finding only: the other checks have nothing to read.
    if (target.parseError !== undefined && check !== PolicyIsParsableJson) continue;
    for (const finding of check.check(target, catalog)) findings.push({ checkId: check.id, ...finding });
  }
  return findings;
}

/**
 * Lints policies: every applicable check on every target. Synchronous: the IAM catalogue must be loaded
 * first ({@link loadIamCatalog}); a lookup it cannot answer throws IamCatalogNotLoadedError.
 */
export function lintTargets(targets: readonly LintTarget[], options: LintOptions = {}): Finding[] {
  const checks = options.checks ?? POLICY_CHECKS;
  const catalog = options.catalog ?? loadedIamCatalog();
  let cache = cachesByChecks.get(checks);
  if (!cache) {
    cache = new Map();
    cachesByChecks.set(checks, cache);
  }
  const findings: Finding[] = [];
  for (const target of targets) {
    let byKindAndAccount = cache.get(target.text);
    if (!byKindAndAccount) {
      byKindAndAccount = new Map();
      cache.set(target.text, byKindAndAccount);
    }
    const key = `${target.kind} ${target.account ?? ""}`;
    let policyFindings = byKindAndAccount.get(key);
    if (!policyFindings) {
      policyFindings = lintPolicy(target, checks, catalog);
      byKindAndAccount.set(key, policyFindings);
    }
    for (const { checkId, statement, message } of policyFindings) {
      findings.push({ checkId, stack: target.stack, address: target.address, attribute: target.attribute, ...(statement === undefined ? {} : { statement }), message });
    }
  }
  return findings;
}

/** A synthesized stack: its name and its Terraform JSON. */
export interface SynthesizedStackJson {
  readonly name: string;
  readonly json: object;
}

/** Every stack of a synthesis output directory (`<outdir>/stacks/<stack>/cdk.tf.json`), sorted by name. */
export function readSynthesizedStacks(outdir: string): SynthesizedStackJson[] {
  const stacksDir = path.join(outdir, "stacks");
  return fs
    .readdirSync(stacksDir)
    .filter((name) => fs.existsSync(path.join(stacksDir, name, "cdk.tf.json")))
    .sort()
    .map((name) => ({ name, json: JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")) as object }));
}

/** The lint targets of many stacks. */
export function policiesInStacks(stacks: Iterable<SynthesizedStackJson>): LintTarget[] {
  return [...stacks].flatMap((stack) => policiesInStack(stack.name, stack.json));
}

/** Runs the stack checks on each stack: the limits of whole stacks, no catalogue needed. */
export function checkStacks(stacks: Iterable<SynthesizedStackJson>, checks: readonly StackCheck[] = STACK_CHECKS): Finding[] {
  const findings: Finding[] = [];
  for (const stack of stacks) {
    for (const check of checks) {
      for (const { address, attribute, message } of check.check(stack)) findings.push({ checkId: check.id, stack: stack.name, address, attribute, message });
    }
  }
  return findings;
}

/** Lints every policy of the stacks and checks the stacks' limits (synchronous; the catalogue must be loaded). */
export function lintStacks(stacks: Iterable<SynthesizedStackJson>, options: LintOptions = {}): Finding[] {
  const list = [...stacks];
  return [...lintTargets(policiesInStacks(list), options), ...checkStacks(list, options.stackChecks)];
}

/** Reads a synthesis output directory, loads what its policies need of the catalogue, and lints them. */
export async function lintSynthesizedOutput(outdir: string, options: LintOptions = {}): Promise<Finding[]> {
  const stacks = readSynthesizedStacks(outdir);
  const targets = policiesInStacks(stacks);
  const catalog = options.catalog ?? (await loadIamCatalog(targets));
  return [...lintTargets(targets, { ...options, catalog }), ...checkStacks(stacks, options.stackChecks)];
}

/** `CheckId: stack <stack>: <address>.<attribute>: statement <Sid>: <message>` */
export function formatFinding(finding: Finding): string {
  const statement = finding.statement === undefined ? "" : ` statement ${finding.statement}:`;
  const where = finding.attribute === "" ? finding.address : `${finding.address}.${finding.attribute}`;
  return `${finding.checkId}: stack ${finding.stack}: ${where}:${statement} ${finding.message}`;
}

/** The lint found problems: each one names its check, stack, resource and statement, and what to do. */
export class PolicyLintError extends Error {
  constructor(
    readonly findings: readonly Finding[],
    checks: readonly (PolicyCheck | StackCheck)[] = [...POLICY_CHECKS, ...STACK_CHECKS],
  ) {
    const explanations = new Map(checks.map((check) => [check.id, check.explanation]));
    const lines = findings.map((finding) => `  - ${formatFinding(finding)}${explanations.has(finding.checkId) ? ` (${explanations.get(finding.checkId)})` : ""}`);
    super(`Policy lint: ${findings.length} finding(s):\n${lines.join("\n")}`);
    this.name = "PolicyLintError";
  }
}

/** Throws a {@link PolicyLintError} when there are findings (the synth-time check). */
export function assertNoPolicyFindings(findings: readonly Finding[], checks: readonly (PolicyCheck | StackCheck)[] = [...POLICY_CHECKS, ...STACK_CHECKS]): void {
  if (findings.length > 0) throw new PolicyLintError(findings, checks);
}
