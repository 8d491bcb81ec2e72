/**
 * The access matrix of a configuration: for each flow the configuration switches on, the calls that must be
 * allowed and the misuses that must be denied, each evaluated with `@cloud-copilot/iam-simulate` against the
 * synthesized JSON (what Terraform deploys), with the statement(s) that decided it.
 *
 * Rows are derived from the configuration: the allowed calls for every source account × region, the misuses
 * per region (or per account where an SCP is attached per account) and per flow. Each row names the principal,
 * action, resource and the request context it passes (the simulator fills in none: `aws:PrincipalOrgID`,
 * `kms:ViaService`, `kms:GrantIsForAWSResource`, ... are given explicitly), the policies evaluated (identity
 * policies from the principal's stack, the resource policy from the resource's stack, the SCPs the `org-<id>`
 * stacks attach to the principal's account), the expected and the actual decision.
 *
 * Where a principal's identity policy is not part of the synthesized JSON (an AWS managed or service-linked
 * role policy, or a hypothetical administrator or outsider), the row uses an explicit stand-in that allows
 * everything: the decision then rests on the policies this project deploys, which is what the row proves.
 *
 * Dev-time only: `@cloud-copilot/iam-simulate` is AGPL-3.0 and a devDependency. Never import this module (or
 * anything under scripts/review/) from main.ts, modules/ or stacks/.
 */
import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  type RequestAnalysis,
  type Simulation,
  type StatementExplain,
} from "@cloud-copilot/iam-simulate";
import type { SnapshotDrConfig } from "../../modules/config/load-config";
import {
  backupDrKeyAliasName,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  backupServiceRoleName,
  backupSourceKeyAliasName,
  drDlmRoleName,
  ebsModeOf,
  kmsAAliasName,
  kmsBAliasName,
  kmsCAliasName,
  rdsCopierRoleName,
  rdsCopyContract,
  rdsDrKeyAliasName,
  rdsImporterRoleName,
  rdsSourceKeyAliasName,
  roleArn,
  snapshotCopierRoleName,
  sourceDlmRoleName,
  transitCopyContract,
  viaService,
} from "../../modules/config/naming";
import { REGIONS_BY_PARTITION, type Partition } from "../../modules/config/regions";
import { SimulationInputError, type PolicyInput } from "./policy-simulator";
import { FULL_AWS_ACCESS } from "./scp-simulator";
import type { SynthesizedApp, SynthesizedStack } from "./synthesized-stacks";

/** The flows a configuration can switch on, in report order. */
export const FLOWS = ["reencrypt", "share", "backup", "rds"] as const;
export type Flow = (typeof FLOWS)[number];

export const FLOW_TITLES: Readonly<Record<Flow, string>> = {
  reencrypt: "Re-encryption under the DR key (ebs.mode: reencrypt)",
  share: "Sharing the source key (ebs.mode: share)",
  backup: "AWS Backup cross-account copy (backup.enabled)",
  rds: "RDS and Aurora snapshots (rds.enabled)",
};

export type Expectation = "Allowed" | "Denied";
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** What a misuse row tries. */
export type MisuseKind =
  | "outside-organization"
  | "outside-dr-account"
  | "unlisted-account"
  | "wrong-region"
  | "without-service"
  | "other-service"
  | "grant-not-for-aws-resource"
  | "key-deletion"
  | "policy-change"
  | "delete-copies"
  | "leave-organization"
  | "unlisted-vault";

/** Where a policy comes from: a resource of a synthesized stack, or a stand-in that is not deployed. */
export interface PolicySource {
  readonly kind: "identity" | "resource" | "scp";
  /** The stack that deploys it; absent for a stand-in. */
  readonly stack?: string;
  /** Its Terraform resource address in that stack (`aws_kms_key.<id>`); absent for a stand-in. */
  readonly address?: string;
  /** What it is, for a reader: `KMS-B key policy (us-east-1)`, `snapshot-dr-snapshot-copier/snapshot-copier`, `stand-in: ...`. */
  readonly label: string;
}

/** A statement (or the absence of one) that decided a row. */
export interface DecidingStatement extends PolicySource {
  /**
   * `Allow`/`Deny`: the statement matched. `NoAllow`: no statement of the policy allowed (an implicit deny by
   * that policy). `NoDeny`: the policy's Deny statements did not match (an SCP that let an allowed request through).
   */
  readonly effect: "Allow" | "Deny" | "NoAllow" | "NoDeny";
  /** The statement's Sid (or `#<index>` when it has none); absent for NoAllow/NoDeny. */
  readonly sid?: string;
  /** For NoAllow/NoDeny: the statements for this action and why each did not match. */
  readonly why?: string;
}

/** One row of the access matrix. */
export interface MatrixRow {
  /** `<flow>-<nnn>`, in generation order: stable for a configuration. */
  readonly id: string;
  readonly flow: Flow;
  /** `call`: a call the flow makes (expected Allowed, unless the configuration locks it down); `misuse`: must be Denied. */
  readonly category: "call" | "misuse";
  readonly misuse?: MisuseKind;
  readonly description: string;
  readonly principal: string;
  /** A short form of the principal for tables: `<account>:role/<name>`. */
  readonly principalLabel: string;
  readonly action: string;
  readonly resource: string;
  /** A short form of the resource for tables: `KMS-B us-east-1 (222222222222)`. */
  readonly resourceLabel: string;
  readonly resourceAccount: string;
  /** The request context given to the simulator, every key. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** Every policy evaluated (identity, resource, SCPs). */
  readonly policies: readonly PolicySource[];
  /** Policies of the principal that are not in the synthesized JSON and were not evaluated (AWS managed policies). */
  readonly notEvaluated: readonly string[];
  readonly expected: Expectation;
  readonly actual: Expectation;
  readonly decision: Decision;
  readonly decidedBy: readonly DecidingStatement[];
  /** actual === expected */
  readonly asExpected: boolean;
}

/** Context keys every row carries that follow from the principal; tables leave them out. */
export const PRINCIPAL_CONTEXT_KEYS = ["aws:PrincipalArn", "aws:PrincipalAccount", "kms:CallerAccount"] as const;

// ---------------------------------------------------------------------------------------------------------
// The calls each flow makes (written out here, independently of the policies under test)

/** What EC2 does with the caller's permissions when it copies a snapshot under a key (CopySnapshot + KmsKeyId). */
const EC2_COPY_UNDER_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant"];
/** What a copy does with the key it copies from, and with the key it copies to. */
const COPY_FROM_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:CreateGrant"];
const COPY_TO_KEY = ["kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"];
/** What the source DLM role does with KMS-A while it snapshots volumes encrypted under it. */
const SNAPSHOT_UNDER_KEY = ["kms:DescribeKey", "kms:CreateGrant"];
/** What AWS Backup (the DR account's service-linked role) does with a source key while copying a recovery point. */
const BACKUP_COPY_FROM_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"];

const SAMPLE_SNAPSHOT_ID = "snap-0123456789abcdef0";
const SAMPLE_RECOVERY_POINT_ID = "0f0f0f0f-1111-4222-a333-444455556666";
const SAMPLE_KEY_ID = "0f0f0f0f-1111-4222-a333-444455556666";

// ---------------------------------------------------------------------------------------------------------
// Row specifications

interface PolicyRef {
  readonly source: PolicySource;
  readonly document: PolicyInput;
}

interface RowSpec {
  readonly flow: Flow;
  readonly category: "call" | "misuse";
  readonly misuse?: MisuseKind;
  readonly description: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceLabel: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identity: readonly PolicyRef[];
  readonly resourcePolicy?: PolicyRef;
  readonly notEvaluated?: readonly string[];
  readonly expected: Expectation;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const standIn = (label: string, actions: string | readonly string[] = "*"): PolicyRef => ({
  source: { kind: "identity", label: `stand-in: ${label}` },
  document: { Version: "2012-10-17", Statement: [{ Sid: "StandInAllow", Effect: "Allow", Action: actions, Resource: "*" }] },
});

/** A key policy that lets anyone do anything: the resource side of a row that must be denied by the identity policy. */
const openKeyPolicy = (label: string): PolicyRef => ({
  source: { kind: "resource", label: `stand-in: ${label}` },
  document: { Version: "2012-10-17", Statement: [{ Sid: "StandInAnyoneAnything", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }] },
});

/**
 * RDS shares a snapshot through its restore attribute, not a policy: this stands for that attribute naming the
 * DR account, so that the row is decided by the importer's identity policy.
 */
const sharedSnapshotStandIn = (partition: string, drAccountId: string): PolicyRef => ({
  source: { kind: "resource", label: "stand-in: the snapshot's restore attribute shares it with the DR account (RDS sharing is an attribute, not a policy)" },
  document: {
    Version: "2012-10-17",
    Statement: [{ Sid: "StandInSharedWithDrAccount", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${drAccountId}:root` }, Action: "rds:CopyDBSnapshot", Resource: "*" }],
  },
});

/** The identity policies of a role of a stack, with their Terraform addresses. */
function identityPolicies(stack: SynthesizedStack, roleName: string): PolicyRef[] {
  const roleId = stack.roleResourceId(roleName);
  const references = new Set([`\${aws_iam_role.${roleId}.name}`, `\${aws_iam_role.${roleId}.id}`, roleName]);
  const attached = stack
    .resources("aws_iam_role_policy")
    .filter((entry) => references.has(entry.body.role))
    .map((entry) => ({
      source: { kind: "identity" as const, stack: stack.name, address: `aws_iam_role_policy.${entry.id}`, label: `${roleName}/${entry.body.name}` },
      document: stack.parsePolicy(entry.body.policy, `aws_iam_role_policy.${entry.id}.policy`),
    }));
  const blocks: Json[] = stack.resource("aws_iam_role", roleId).inline_policy ?? [];
  const inline = blocks.map((block, index) => ({
    source: { kind: "identity" as const, stack: stack.name, address: `aws_iam_role.${roleId}`, label: `${roleName}/${String(block.name ?? `inline_policy[${index}]`)}` },
    document: stack.parsePolicy(block.policy, `aws_iam_role.${roleId}.inline_policy[${index}]`),
  }));
  const all = [...attached, ...inline];
  if (all.length !== stack.roleInlinePolicies(roleName).length) {
    throw new Error(`Stack ${stack.name}: found ${all.length} inline policies of ${roleName}, expected ${stack.roleInlinePolicies(roleName).length}`);
  }
  return all;
}

/** The key policy of the key behind an alias in a region, with its Terraform address. */
function keyPolicy(stack: SynthesizedStack, aliasName: string, region: string, label: string): PolicyRef {
  return {
    source: { kind: "resource", stack: stack.name, address: `aws_kms_key.${stack.keyResourceId(aliasName, region)}`, label: `${label} key policy (${region})` },
    document: stack.keyPolicy(aliasName, region),
  };
}

/** The access policy of the DR vault in a region. */
function vaultPolicy(stack: SynthesizedStack, region: string): PolicyRef {
  const policies = stack.resources("aws_backup_vault_policy").filter((entry) => stack.regionOf("aws_backup_vault_policy", entry.id) === region);
  if (policies.length !== 1) throw new Error(`Stack ${stack.name}: expected one aws_backup_vault_policy in ${region}, found ${policies.length}`);
  const entry = policies[0];
  return {
    source: { kind: "resource", stack: stack.name, address: `aws_backup_vault_policy.${entry.id}`, label: `DR vault access policy (${region})` },
    document: stack.parsePolicy(entry.body.policy, `aws_backup_vault_policy.${entry.id}.policy`),
  };
}

/** The SCPs the org stacks attach, by target (account, OU or root ID). */
interface AttachedScp {
  readonly target: string;
  readonly organizationId: string;
  readonly ref: PolicyRef;
}

function attachedScps(app: SynthesizedApp): AttachedScp[] {
  const result: AttachedScp[] = [];
  for (const stack of [...app.stacks.values()].filter((s) => s.name.startsWith("org-")).sort((a, b) => a.name.localeCompare(b.name))) {
    const organizationId = stack.name.slice("org-".length);
    for (const attachment of stack.resources("aws_organizations_policy_attachment")) {
      const match = /^\$\{aws_organizations_policy\.([A-Za-z0-9_-]+)\.id\}$/.exec(String(attachment.body.policy_id));
      if (!match) throw new Error(`Stack ${stack.name}: attachment ${attachment.id} refers to ${attachment.body.policy_id}, not a policy of the stack`);
      const policy = stack.resource("aws_organizations_policy", match[1]);
      if (policy.type !== "SERVICE_CONTROL_POLICY") continue;
      result.push({
        target: String(attachment.body.target_id),
        organizationId,
        ref: {
          source: { kind: "scp", stack: stack.name, address: `aws_organizations_policy.${match[1]}`, label: `SCP ${policy.name}` },
          document: stack.parsePolicy(policy.content, `aws_organizations_policy.${match[1]}.content`),
        },
      });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

interface ScpLevel {
  readonly orgIdentifier: string;
  readonly refs: readonly PolicyRef[];
}

const FULL_ACCESS_NAME = "FullAWSAccess";
const isServiceLinkedRole = (principal: string) => principal.includes(":role/aws-service-role/");

function assertResourcePolicyShape(policy: PolicyInput, where: string): void {
  const statements = (policy as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const element = statement as Record<string, unknown> | undefined;
    if (!element || (element.Principal === undefined && element.NotPrincipal === undefined)) {
      throw new SimulationInputError(`Resource policy statement without Principal (${where}): ${JSON.stringify(statement)}`);
    }
  }
}

/** Why a statement did not match: the parts that failed, conditions with the request's value. */
function whyNoMatch(explain: StatementExplain, context: Readonly<Record<string, string | readonly string[]>>): string {
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

interface AnalysedStatement {
  readonly policyId: string;
  readonly statement: { sid(): string | undefined; index(): number };
  readonly explain: StatementExplain;
}

const sidOf = (statement: AnalysedStatement) => statement.statement.sid() ?? `#${statement.statement.index()}`;

/** "Sid: why; Sid: why" for the statements of a policy that could have applied (same action) but did not match. */
function nearMisses(statements: readonly AnalysedStatement[], context: RowSpec["context"]): string {
  const forAction = statements.filter((s) => s.explain.actionMatch);
  if (forAction.length === 0) return "no statement for this action";
  return forAction.map((s) => `${sidOf(s)}: ${whyNoMatch(s.explain, context)}`).join("; ");
}

function decidingStatements(
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
async function evaluate(spec: RowSpec, scps: readonly ScpLevel[], id: string): Promise<MatrixRow> {
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

// ---------------------------------------------------------------------------------------------------------
// The matrix

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

const byId = (a: SourceAccount, b: SourceAccount) => a.id.localeCompare(b.id);
const sorted = (values: Iterable<string>) => [...values].sort((a, b) => a.localeCompare(b));

/** Which flows a configuration switches on. */
export function flowsOf(config: SnapshotDrConfig): Flow[] {
  const on: Record<Flow, boolean> = {
    reencrypt: config.sourceAccounts.some((account) => ebsModeOf(config, account) === "reencrypt"),
    share: config.sourceAccounts.some((account) => ebsModeOf(config, account) === "share"),
    backup: config.sourceAccounts.some((account) => backupEnabledFor(config, account)),
    rds: config.rds.enabled,
  };
  return FLOWS.filter((flow) => on[flow]);
}

/** An account ID (and organization ID) that the configuration does not use. */
function outsiders(config: SnapshotDrConfig): { account: string; organizationId: string } {
  const used = new Set([config.drAccount.id, ...config.sourceAccounts.map((a) => a.id), ...config.organizations.map((o) => o.managementAccountId)]);
  const account = ["777777777777", "777777777778", "777777777779", "666666666666"].find((id) => !used.has(id))!;
  const organizations = new Set(config.organizations.map((o) => o.id));
  const organizationId = ["o-zzzzzzzzzz", "o-yyyyyyyyyy", "o-xxxxxxxxxx"].find((id) => !organizations.has(id))!;
  return { account, organizationId };
}

/** A region of the partition other than `region`, preferring the configuration's own regions. */
function otherRegion(config: SnapshotDrConfig, region: string, preferred: readonly string[]): string {
  const candidates = [...preferred, ...REGIONS_BY_PARTITION[config.partition as Partition]];
  const found = candidates.find((candidate) => candidate !== region);
  if (!found) throw new Error(`No region other than ${region} in partition ${config.partition}`);
  return found;
}

/** A region of the partition that none of `used` is. */
function unusedRegion(config: SnapshotDrConfig, used: readonly string[]): string {
  const found = REGIONS_BY_PARTITION[config.partition as Partition].find((candidate) => !used.includes(candidate));
  if (!found) throw new Error(`Every region of partition ${config.partition} is used`);
  return found;
}

/**
 * The access matrix of a configuration, evaluated against its synthesized stacks (`synthesizedApp`, e.g. from
 * `synthesizeToTemp(config)` or `new SynthesizedApp(outdir, synthesize(config, outdir).stacks)`).
 */
export async function accessMatrix(config: SnapshotDrConfig, synthesizedApp: SynthesizedApp): Promise<MatrixRow[]> {
  const specs = matrixSpecs(config, synthesizedApp);
  const scps = attachedScps(synthesizedApp);
  const organizationOf = new Map<string, string>([
    [config.drAccount.id, config.drAccount.organizationId],
    ...config.sourceAccounts.map((account) => [account.id, account.organizationId] as [string, string]),
  ]);
  /** SCPs apply to an account's principals (never to service-linked roles, which AWS exempts). */
  const scpLevelsFor = (principal: string): ScpLevel[] => {
    if (!principal.startsWith("arn:") || isServiceLinkedRole(principal)) return [];
    const account = principal.split(":")[4];
    const organizationId = organizationOf.get(account);
    const mine = scps.filter((scp) => scp.organizationId === organizationId);
    if (mine.length === 0) return [];
    // An SCP attached to a root or OU is taken to cover every configured account of that organization.
    const rootLevel = mine.filter((scp) => scp.target.startsWith("r-")).map((scp) => scp.ref);
    const ouLevel = mine.filter((scp) => scp.target.startsWith("ou-")).map((scp) => scp.ref);
    const accountLevel = mine.filter((scp) => scp.target === account).map((scp) => scp.ref);
    if (rootLevel.length + ouLevel.length + accountLevel.length === 0) return [];
    return [
      { orgIdentifier: "root", refs: rootLevel },
      ...(ouLevel.length ? [{ orgIdentifier: "ou", refs: ouLevel }] : []),
      { orgIdentifier: account, refs: accountLevel },
    ];
  };
  const counters = new Map<Flow, number>();
  const rows: MatrixRow[] = [];
  for (const spec of specs) {
    const n = (counters.get(spec.flow) ?? 0) + 1;
    counters.set(spec.flow, n);
    rows.push(await evaluate(spec, scpLevelsFor(spec.principal), `${spec.flow}-${String(n).padStart(3, "0")}`));
  }
  return rows;
}

/** The row specifications of every flow of the configuration, flow by flow. */
function matrixSpecs(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const flows = flowsOf(config);
  const builders: Record<Flow, () => RowSpec[]> = {
    reencrypt: () => reencryptRows(config, app),
    share: () => shareRows(config, app),
    backup: () => backupRows(config, app),
    rds: () => rdsRows(config, app),
  };
  return flows.flatMap((flow) => builders[flow]());
}

/** Shared helpers of the flow builders. */
/** What the rows about one key have in common: the key, its policy, the flow. */
type KeyRowBase = Omit<RowSpec, "misuse" | "description" | "principal" | "action" | "context" | "identity">;

/** An administrator whose own IAM allows everything: only the key policy can refuse what follows. */
interface KeyAdministrator {
  readonly principal: string;
  /** "source account 111111111111", "the DR account". */
  readonly of: string;
  readonly identityLabel: string;
}

const drAdministrator = (h: ReturnType<typeof helpers>, drAccountId: string): KeyAdministrator => ({
  principal: h.admin(drAccountId),
  of: "the DR account",
  identityLabel: "a DR account administrator whose IAM allows everything",
});

/** Key deletion and key-policy changes by such an administrator: both must be denied by the key policy. */
function keyAdministrationMisuses(
  h: ReturnType<typeof helpers>,
  base: KeyRowBase,
  admin: KeyAdministrator,
  keyDescription: string,
  viaService: string | undefined,
): RowSpec[] {
  return (
    [
      ["key-deletion", "kms:ScheduleKeyDeletion"],
      ["policy-change", "kms:PutKeyPolicy"],
    ] as const
  ).map(([misuse, action]) => ({
    ...base,
    misuse,
    description: `an administrator of ${admin.of} (its IAM allows everything) calls ${action} on ${keyDescription}`,
    principal: admin.principal,
    action,
    context: h.kmsContext(admin.principal, action, viaService),
    identity: [standIn(admin.identityLabel)],
  }));
}

function helpers(config: SnapshotDrConfig, app: SynthesizedApp) {
  const dr = config.drAccount;
  const partition = config.partition;
  const outsider = outsiders(config);
  const organizationOf = (account: string) =>
    account === dr.id ? dr.organizationId : (config.sourceAccounts.find((a) => a.id === account)?.organizationId ?? outsider.organizationId);
  const principalContext = (principal: string, organizationId?: string): Record<string, string> => ({
    "aws:PrincipalArn": principal,
    "aws:PrincipalAccount": principal.split(":")[4],
    ...(organizationId ? { "aws:PrincipalOrgID": organizationId } : {}),
  });
  /** What KMS sees: the principal, its organization, kms:CallerAccount, kms:ViaService when a service calls, grant flag for CreateGrant. */
  const kmsContext = (principal: string, action: string, via: string | undefined, grantForAwsResource: "true" | "false" | undefined = "true") => ({
    ...principalContext(principal, organizationOf(principal.split(":")[4])),
    "kms:CallerAccount": principal.split(":")[4],
    ...(via ? { "kms:ViaService": via } : {}),
    ...(action === "kms:CreateGrant" && grantForAwsResource !== undefined ? { "kms:GrantIsForAWSResource": grantForAwsResource } : {}),
  });
  return {
    dr,
    partition,
    outsider,
    drStack: app.dr(dr.id),
    organizationOf,
    principalContext,
    kmsContext,
    role: (account: string, name: string) => roleArn(config, account, name),
    admin: (account: string) => roleArn(config, account, "Admin"),
    fakeKeyArn: (region: string, account: string) => `arn:${partition}:kms:${region}:${account}:key/${SAMPLE_KEY_ID}`,
    ec2: (region: string) => viaService(config, "ec2", region),
    rds: (region: string) => viaService(config, "rds", region),
  };
}

function reencryptRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "reencrypt";
  const kmsB = kmsBAliasName(config);
  const contract = transitCopyContract(config);
  const accounts = config.sourceAccounts.filter((a) => ebsModeOf(config, a) === "reencrypt").sort(byId);
  const lockDown = config.drAccount.kmsB.lockDown;
  const rows: RowSpec[] = [];
  const keyB = (region: string) => keyPolicy(drStack, kmsB, region, "KMS-B");
  const keyBLabel = (region: string) => `KMS-B ${region} (${dr.id})`;
  const snapshotArn = (region: string) => `arn:${partition}:ec2:${region}::snapshot/${SAMPLE_SNAPSHOT_ID}`;
  const copierOf = (account: string) => h.role(account, snapshotCopierRoleName(config));
  const copierIdentity = (account: string) => identityPolicies(app.source(account), snapshotCopierRoleName(config));

  // Calls: every source account × region.
  for (const account of accounts) {
    const copier = copierOf(account.id);
    const identity = copierIdentity(account.id);
    for (const region of sorted(account.regions)) {
      for (const action of EC2_COPY_UNDER_KEY) {
        rows.push({
          flow,
          category: "call",
          description: lockDown
            ? `KMS-B locked down (drAccount.kmsB.lockDown): the copier of ${account.id} can no longer copy under KMS-B ${region}`
            : `the copier of ${account.id} copies a snapshot under KMS-B through EC2 in ${region}`,
          principal: copier,
          action,
          resource: drStack.keyArn(kmsB, region),
          resourceLabel: keyBLabel(region),
          resourceAccount: dr.id,
          context: h.kmsContext(copier, action, h.ec2(region)),
          identity,
          resourcePolicy: keyB(region),
          expected: lockDown ? "Denied" : "Allowed",
        });
      }
      rows.push({
        flow,
        category: "call",
        description: `the copier of ${account.id} copies a DR-selected snapshot in ${region}`,
        principal: copier,
        action: "ec2:CopySnapshot",
        resource: snapshotArn(region),
        resourceLabel: `snapshot ${region} (${account.id})`,
        resourceAccount: account.id,
        context: h.principalContext(copier, account.organizationId),
        identity,
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `the copier of ${account.id} shares a transit copy with the DR account in ${region}`,
        principal: copier,
        action: "ec2:ModifySnapshotAttribute",
        resource: snapshotArn(region),
        resourceLabel: `transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: {
          ...h.principalContext(copier, account.organizationId),
          [`aws:ResourceTag/${contract.transitTagKey}`]: contract.transitTagValue,
          "ec2:Add/userId": dr.id,
          "ec2:Attribute": "createVolumePermission",
        },
        identity,
        expected: "Allowed",
      });
    }
  }

  // Calls of the DR account: its DLM role copies from KMS-B and to KMS-C.
  const dlm = h.role(dr.id, drDlmRoleName(config));
  const dlmIdentity = identityPolicies(drStack, drDlmRoleName(config));
  const dlmManaged = drStack.managedPolicyArns(drDlmRoleName(config));
  const bRegions = sorted(new Set(accounts.flatMap((a) => a.regions)));
  for (const region of bRegions) {
    for (const action of COPY_FROM_KEY.filter((a) => a === "kms:Decrypt" || a === "kms:CreateGrant")) {
      rows.push({
        flow,
        category: "call",
        description: `the DR DLM role copies a shared transit copy from KMS-B ${region}`,
        principal: dlm,
        action,
        resource: drStack.keyArn(kmsB, region),
        resourceLabel: keyBLabel(region),
        resourceAccount: dr.id,
        context: h.kmsContext(dlm, action, h.ec2(region)),
        identity: dlmIdentity,
        resourcePolicy: keyB(region),
        notEvaluated: dlmManaged,
        expected: "Allowed",
      });
    }
  }
  rows.push(...kmsCCopyRows(config, app, flow, "a transit copy"));

  // Misuses, per KMS-B region.
  for (const region of bRegions) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const copier = copierOf(representative.id);
    const identity = copierIdentity(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: drStack.keyArn(kmsB, region),
      resourceLabel: keyBLabel(region),
      resourceAccount: dr.id,
      resourcePolicy: keyB(region),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, snapshotCopierRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal of another organization (its IAM allows everything) decrypts with KMS-B ${region} through EC2`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.ec2(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    const wrong = otherRegion(config, region, bRegions);
    rows.push({
      ...base,
      misuse: "wrong-region",
      description: `the copier of ${representative.id} uses KMS-B ${region} through EC2 of ${wrong}`,
      principal: copier,
      action: "kms:ReEncryptTo",
      context: h.kmsContext(copier, "kms:ReEncryptTo", h.ec2(wrong)),
      identity,
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the copier of ${representative.id} decrypts with KMS-B ${region} directly, not through EC2`,
      principal: copier,
      action: "kms:Decrypt",
      context: h.kmsContext(copier, "kms:Decrypt", undefined),
      identity,
    });
    rows.push({
      ...base,
      misuse: "other-service",
      description: `the copier of ${representative.id} decrypts with KMS-B ${region} through RDS instead of EC2`,
      principal: copier,
      action: "kms:Decrypt",
      context: h.kmsContext(copier, "kms:Decrypt", h.rds(region)),
      identity,
    });
    rows.push({
      ...base,
      misuse: "grant-not-for-aws-resource",
      description: `the copier of ${representative.id} creates a grant on KMS-B ${region} that is not for an AWS resource`,
      principal: copier,
      action: "kms:CreateGrant",
      context: h.kmsContext(copier, "kms:CreateGrant", h.ec2(region), "false"),
      identity,
    });
    const sourceAdmin = { principal: h.admin(representative.id), of: `source account ${representative.id}`, identityLabel: "a source account administrator whose IAM allows everything" };
    rows.push(...keyAdministrationMisuses(h, base, sourceAdmin, `KMS-B ${region}, even through EC2`, h.ec2(region)));
  }

  // Misuses of the copier's own permissions, for the first account.
  const first = accounts[0];
  const firstRegion = sorted(first.regions)[0];
  const copier = copierOf(first.id);
  const identity = copierIdentity(first.id);
  const shareContext = {
    ...h.principalContext(copier, first.organizationId),
    [`aws:ResourceTag/${contract.transitTagKey}`]: contract.transitTagValue,
    "ec2:Attribute": "createVolumePermission",
  };
  const ec2Base = {
    flow,
    category: "misuse" as const,
    principal: copier,
    resource: snapshotArn(firstRegion),
    resourceAccount: first.id,
    identity,
    expected: "Denied" as const,
  };
  rows.push({
    ...ec2Base,
    misuse: "unlisted-account",
    description: `the copier of ${first.id} shares a transit copy with an account outside the configuration`,
    action: "ec2:ModifySnapshotAttribute",
    resourceLabel: `transit copy ${firstRegion} (${first.id})`,
    context: { ...shareContext, "ec2:Add/userId": h.outsider.account },
  });
  rows.push({
    ...ec2Base,
    misuse: "unlisted-account",
    description: `the copier of ${first.id} makes a transit copy public`,
    action: "ec2:ModifySnapshotAttribute",
    resourceLabel: `transit copy ${firstRegion} (${first.id})`,
    context: { ...shareContext, "ec2:Add/group": "all" },
  });
  rows.push({
    ...ec2Base,
    misuse: "delete-copies",
    description: `the copier of ${first.id} deletes a snapshot that is not a transit copy`,
    action: "ec2:DeleteSnapshot",
    resourceLabel: `snapshot ${firstRegion} (${first.id})`,
    context: { ...h.principalContext(copier, first.organizationId), [`aws:ResourceTag/${contract.selectionTagKey}`]: contract.selectionTagValue },
  });
  const unused = unusedRegion(config, [...first.regions, ...bRegions]);
  rows.push({
    ...ec2Base,
    misuse: "wrong-region",
    description: `the copier of ${first.id} copies a snapshot in ${unused}, a region it does not protect`,
    action: "ec2:CopySnapshot",
    resource: snapshotArn(unused),
    resourceLabel: `snapshot ${unused} (${first.id})`,
    context: h.principalContext(copier, first.organizationId),
  });
  rows.push(...kmsCMisuseRows(config, app, flow, first.id));
  return rows;
}

/** The DR DLM role re-encrypts under KMS-C in every copy region (both EBS flows end there). */
function kmsCCopyRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, what: string): RowSpec[] {
  const h = helpers(config, app);
  const kmsC = kmsCAliasName(config);
  const dlm = h.role(h.dr.id, drDlmRoleName(config));
  const identity = identityPolicies(h.drStack, drDlmRoleName(config));
  return sorted(h.dr.copyRegions).flatMap((region) =>
    COPY_TO_KEY.map((action) => ({
      flow,
      category: "call" as const,
      description: `the DR DLM role copies ${what} under KMS-C ${region}`,
      principal: dlm,
      action,
      resource: h.drStack.keyArn(kmsC, region),
      resourceLabel: `KMS-C ${region} (${h.dr.id})`,
      resourceAccount: h.dr.id,
      context: h.kmsContext(dlm, action, h.ec2(region)),
      identity,
      resourcePolicy: keyPolicy(h.drStack, kmsC, region, "KMS-C"),
      notEvaluated: h.drStack.managedPolicyArns(drDlmRoleName(config)),
      expected: "Allowed" as const,
    })),
  );
}

/** Nobody outside the DR account uses KMS-C: a source administrator (IAM allows everything), every copy region. */
function kmsCMisuseRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, sourceAccountId: string): RowSpec[] {
  const h = helpers(config, app);
  const kmsC = kmsCAliasName(config);
  const admin = h.admin(sourceAccountId);
  return sorted(h.dr.copyRegions).map((region) => ({
    flow,
    category: "misuse" as const,
    misuse: "outside-dr-account" as const,
    description: `an administrator of source account ${sourceAccountId} (its IAM allows everything) decrypts with KMS-C ${region} through EC2`,
    principal: admin,
    action: "kms:Decrypt",
    resource: h.drStack.keyArn(kmsC, region),
    resourceLabel: `KMS-C ${region} (${h.dr.id})`,
    resourceAccount: h.dr.id,
    context: h.kmsContext(admin, "kms:Decrypt", h.ec2(region)),
    identity: [standIn("a source account administrator whose IAM allows everything")],
    resourcePolicy: keyPolicy(h.drStack, kmsC, region, "KMS-C"),
    expected: "Denied" as const,
  }));
}

function shareRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, drStack } = h;
  const flow: Flow = "share";
  const kmsA = kmsAAliasName(config);
  const accounts = config.sourceAccounts.filter((a) => ebsModeOf(config, a) === "share").sort(byId);
  const dlm = h.role(dr.id, drDlmRoleName(config));
  const dlmIdentity = identityPolicies(drStack, drDlmRoleName(config));
  const dlmManaged = drStack.managedPolicyArns(drDlmRoleName(config));
  const rows: RowSpec[] = [];
  const created = (account: SourceAccount) => sorted(account.regions).filter((region) => !account.ebs.kmsKeyArns?.[region]);
  const keyALabel = (account: string, region: string) => `KMS-A ${region} (${account})`;

  for (const account of accounts) {
    const stack = app.source(account.id);
    const sourceDlm = h.role(account.id, sourceDlmRoleName(config));
    for (const region of created(account)) {
      const keyA = keyPolicy(stack, kmsA, region, "KMS-A");
      for (const action of COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DR DLM role copies a snapshot ${account.id} shared in ${region}, encrypted under its KMS-A`,
          principal: dlm,
          action,
          resource: stack.keyArn(kmsA, region),
          resourceLabel: keyALabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(dlm, action, h.ec2(region)),
          identity: dlmIdentity,
          resourcePolicy: keyA,
          notEvaluated: dlmManaged,
          expected: "Allowed",
        });
      }
      for (const action of SNAPSHOT_UNDER_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DLM role of ${account.id} snapshots volumes encrypted under KMS-A in ${region}`,
          principal: sourceDlm,
          action,
          resource: stack.keyArn(kmsA, region),
          resourceLabel: keyALabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(sourceDlm, action, h.ec2(region)),
          identity: identityPolicies(stack, sourceDlmRoleName(config)),
          resourcePolicy: keyA,
          notEvaluated: stack.managedPolicyArns(sourceDlmRoleName(config)),
          expected: "Allowed",
        });
      }
    }
  }
  rows.push(...kmsCCopyRows(config, app, flow, "a shared snapshot"));

  // Misuses, per region that has a KMS-A.
  const regions = sorted(new Set(accounts.flatMap(created)));
  for (const region of regions) {
    const representative = accounts.find((a) => created(a).includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: stack.keyArn(kmsA, region),
      resourceLabel: keyALabel(representative.id, region),
      resourceAccount: representative.id,
      resourcePolicy: keyPolicy(stack, kmsA, region, "KMS-A"),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, drDlmRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal outside the configuration (its IAM allows everything) decrypts with KMS-A of ${representative.id} in ${region} through EC2`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.ec2(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the DR DLM role decrypts with KMS-A of ${representative.id} in ${region} directly, not through EC2`,
      principal: dlm,
      action: "kms:Decrypt",
      context: h.kmsContext(dlm, "kms:Decrypt", undefined),
      identity: dlmIdentity,
      notEvaluated: dlmManaged,
    });
    rows.push({
      ...base,
      misuse: "grant-not-for-aws-resource",
      description: `the DR DLM role creates a grant on KMS-A of ${representative.id} in ${region} that is not for an AWS resource`,
      principal: dlm,
      action: "kms:CreateGrant",
      context: h.kmsContext(dlm, "kms:CreateGrant", h.ec2(region), "false"),
      identity: dlmIdentity,
      notEvaluated: dlmManaged,
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `KMS-A of ${representative.id} in ${region}`, undefined));
  }

  // The DR DLM role may use a sharing account's keys only in the regions it shares from.
  const first = accounts[0];
  const unused = unusedRegion(config, first.regions);
  rows.push({
    flow,
    category: "misuse",
    misuse: "wrong-region",
    description: `the DR DLM role decrypts with a key of ${first.id} in ${unused}, a region it does not share from (that key's policy lets anyone in)`,
    principal: dlm,
    action: "kms:Decrypt",
    resource: h.fakeKeyArn(unused, first.id),
    resourceLabel: `a key in ${unused} (${first.id})`,
    resourceAccount: first.id,
    context: h.kmsContext(dlm, "kms:Decrypt", h.ec2(unused)),
    identity: dlmIdentity,
    resourcePolicy: openKeyPolicy("a key policy that lets anyone do anything"),
    notEvaluated: dlmManaged,
    expected: "Denied",
  });
  rows.push(...kmsCMisuseRows(config, app, flow, first.id));
  return rows;
}

function backupRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "backup";
  const backup = config.backup;
  const accounts = config.sourceAccounts.filter((a) => backupEnabledFor(config, a)).sort(byId);
  const drVaultName = backupDrVaultName(config);
  const sourceKeyAlias = backupSourceKeyAliasName(config);
  const vaultArn = (region: string, account = dr.id, name = drVaultName) => `arn:${partition}:backup:${region}:${account}:backup-vault:${name}`;
  const recoveryPoint = (region: string, account: string) => `arn:${partition}:backup:${region}:${account}:recovery-point:${SAMPLE_RECOVERY_POINT_ID}`;
  const backupSlr = `arn:${partition}:iam::${dr.id}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
  const copySources = backup.copySources;
  /** Where the accounts allowed to copy in sit: a configured OU path (its trailing `*` taken as the OU itself). */
  const listedOrgPath = copySources.type === "organizationalUnits" ? copySources.orgPaths[0].replace(/\*$/, "") : undefined;
  const orgPathsOf = (organizationId: string, listed: boolean): Record<string, string[]> =>
    listedOrgPath === undefined ? {} : { "aws:PrincipalOrgPaths": [listed ? listedOrgPath : `${organizationId}/r-zz99/ou-zz99-99999999/`] };
  const rows: RowSpec[] = [];
  const backupRoleStandIn = standIn("AWS managed AWSBackupServiceRolePolicyForBackup (not in the synthesized JSON)");
  const managedOf = (account: string) => {
    const stack = app.source(account);
    return stack.managedPolicyArns(backupServiceRoleName(config));
  };

  for (const account of accounts) {
    const stack = app.source(account.id);
    const role = h.role(account.id, backupServiceRoleName(config));
    for (const region of sorted(account.regions)) {
      const vaultRegion = backupDrVaultRegion(config, region);
      rows.push({
        flow,
        category: "call",
        description: `AWS Backup in ${account.id} copies a recovery point from ${region} into the DR vault in ${vaultRegion}`,
        principal: role,
        action: "backup:CopyIntoBackupVault",
        resource: vaultArn(vaultRegion),
        resourceLabel: `DR vault ${vaultRegion} (${dr.id})`,
        resourceAccount: dr.id,
        context: { ...h.principalContext(role, account.organizationId), ...orgPathsOf(account.organizationId, true) },
        identity: [backupRoleStandIn],
        resourcePolicy: vaultPolicy(drStack, vaultRegion),
        notEvaluated: managedOf(account.id),
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `AWS Backup in ${account.id} starts copying a recovery point of ${region} to the DR vault in ${vaultRegion}`,
        principal: role,
        action: "backup:CopyFromBackupVault",
        resource: recoveryPoint(region, account.id),
        resourceLabel: `recovery point ${region} (${account.id})`,
        resourceAccount: account.id,
        context: { ...h.principalContext(role, account.organizationId), "backup:CopyTargets": [vaultArn(vaultRegion)] },
        identity: [backupRoleStandIn],
        notEvaluated: managedOf(account.id),
        expected: "Allowed",
      });
      const sourceKey = keyPolicy(stack, sourceKeyAlias, region, "source backup");
      for (const action of BACKUP_COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `AWS Backup of the DR account reads a ${account.id} recovery point encrypted under its backup key in ${region}`,
          principal: backupSlr,
          action,
          resource: stack.keyArn(sourceKeyAlias, region),
          resourceLabel: `backup key ${region} (${account.id})`,
          resourceAccount: account.id,
          context: h.kmsContext(backupSlr, action, viaService(config, "backup", region)),
          identity: [standIn("AWS managed policy of the AWSServiceRoleForBackup service-linked role (not in the synthesized JSON)")],
          resourcePolicy: sourceKey,
          expected: "Allowed",
        });
      }
    }
  }

  // Misuses per DR vault.
  const drAdmin = h.admin(dr.id);
  for (const region of sorted(dr.copyRegions)) {
    const base = {
      flow,
      category: "misuse" as const,
      resource: vaultArn(region),
      resourceLabel: `DR vault ${region} (${dr.id})`,
      resourceAccount: dr.id,
      resourcePolicy: vaultPolicy(drStack, region),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, backupServiceRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal of another organization (its IAM allows everything) copies into the DR vault in ${region}`,
      principal: outsiderRole,
      action: "backup:CopyIntoBackupVault",
      context: { ...h.principalContext(outsiderRole, h.outsider.organizationId), ...orgPathsOf(h.outsider.organizationId, false) },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    if (listedOrgPath !== undefined) {
      const unlisted = h.role(accounts[0].id, backupServiceRoleName(config));
      rows.push({
        ...base,
        misuse: "outside-organization",
        description: `a principal of the organization outside the listed OUs copies into the DR vault in ${region}`,
        principal: unlisted,
        action: "backup:CopyIntoBackupVault",
        context: { ...h.principalContext(unlisted, accounts[0].organizationId), ...orgPathsOf(accounts[0].organizationId, false) },
        identity: [backupRoleStandIn],
      });
    }
    const sourceAdmin = h.admin(accounts[0].id);
    rows.push({
      ...base,
      misuse: "policy-change",
      description: `an administrator of source account ${accounts[0].id} (its IAM allows everything) replaces the access policy of the DR vault in ${region}`,
      principal: sourceAdmin,
      action: "backup:PutBackupVaultAccessPolicy",
      context: h.principalContext(sourceAdmin, accounts[0].organizationId),
      identity: [standIn("a source account administrator whose IAM allows everything")],
    });
    if (backup.breakGlassRoleArn) {
      rows.push({
        ...base,
        misuse: "delete-copies",
        description: `an administrator of the DR account other than the break-glass role deletes a recovery point of the DR vault in ${region}`,
        principal: drAdmin,
        action: "backup:DeleteRecoveryPoint",
        resource: recoveryPoint(region, dr.id),
        resourceLabel: `DR recovery point ${region} (${dr.id})`,
        context: h.principalContext(drAdmin, dr.organizationId),
        identity: [standIn("a DR account administrator whose IAM allows everything")],
      });
      rows.push({
        ...base,
        misuse: "policy-change",
        description: `an administrator of the DR account other than the break-glass role replaces the access policy of the DR vault in ${region}`,
        principal: drAdmin,
        action: "backup:PutBackupVaultAccessPolicy",
        context: h.principalContext(drAdmin, dr.organizationId),
        identity: [standIn("a DR account administrator whose IAM allows everything")],
      });
    }
    rows.push({
      flow,
      category: "misuse",
      misuse: "outside-dr-account",
      description: `an administrator of source account ${accounts[0].id} (its IAM allows everything) decrypts with the DR vault's key in ${region}`,
      principal: sourceAdmin,
      action: "kms:Decrypt",
      resource: drStack.keyArn(backupDrKeyAliasName(config), region),
      resourceLabel: `DR backup key ${region} (${dr.id})`,
      resourceAccount: dr.id,
      context: h.kmsContext(sourceAdmin, "kms:Decrypt", viaService(config, "backup", region)),
      identity: [standIn("a source account administrator whose IAM allows everything")],
      resourcePolicy: keyPolicy(drStack, backupDrKeyAliasName(config), region, "DR backup"),
      expected: "Denied",
    });
  }

  // The copy guardrail (SCP) on every account that backs up: no copies elsewhere.
  if (backup.guardrails.restrictCopyTargets) {
    for (const account of accounts) {
      const region = sorted(account.regions)[0];
      const role = h.role(account.id, backupServiceRoleName(config));
      const base = {
        flow,
        category: "misuse" as const,
        misuse: "unlisted-vault" as const,
        principal: role,
        action: "backup:CopyFromBackupVault",
        resource: recoveryPoint(region, account.id),
        resourceLabel: `recovery point ${region} (${account.id})`,
        resourceAccount: account.id,
        identity: [backupRoleStandIn],
        notEvaluated: managedOf(account.id),
        expected: "Denied" as const,
      };
      const foreignVault = vaultArn(region, h.outsider.account, "exfiltration");
      const context = h.principalContext(role, account.organizationId);
      rows.push({ ...base, description: `${account.id} copies a recovery point to a vault of another account`, context: { ...context, "backup:CopyTargets": [foreignVault] } });
      rows.push({
        ...base,
        description: `${account.id} copies a recovery point to the DR vault and to a vault of another account at once`,
        context: { ...context, "backup:CopyTargets": [vaultArn(backupDrVaultRegion(config, region)), foreignVault] },
      });
      rows.push({ ...base, description: `${account.id} starts a copy that names no target vault`, context });
      const notCopyRegion = unusedRegion(config, [...dr.copyRegions, ...backup.rules.flatMap((rule) => (rule.copyToRegion ? [rule.copyToRegion.region] : []))]);
      rows.push({
        ...base,
        misuse: "wrong-region",
        description: `${account.id} copies a recovery point to a DR-named vault in ${notCopyRegion}, not a copy region`,
        context: { ...context, "backup:CopyTargets": [vaultArn(notCopyRegion)] },
      });
    }
  }

  // The source backup keys: only AWS Backup of the DR account may use them, and nobody else administers them.
  for (const region of sorted(new Set(accounts.flatMap((a) => a.regions)))) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      principal: drAdmin,
      resource: stack.keyArn(sourceKeyAlias, region),
      resourceLabel: `backup key ${region} (${representative.id})`,
      resourceAccount: representative.id,
      identity: [standIn("a DR account administrator whose IAM allows everything")],
      resourcePolicy: keyPolicy(stack, sourceKeyAlias, region, "source backup"),
      expected: "Denied" as const,
    };
    rows.push({
      ...base,
      misuse: "without-service",
      description: `an administrator of the DR account (not AWS Backup's service-linked role) decrypts with the backup key of ${representative.id} in ${region}`,
      action: "kms:Decrypt",
      context: h.kmsContext(drAdmin, "kms:Decrypt", undefined),
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `the backup key of ${representative.id} in ${region}`, undefined));
  }

  if (backup.guardrails.denyLeaveOrganization) {
    rows.push({
      flow,
      category: "misuse",
      misuse: "leave-organization",
      description: "an administrator of the DR account (its IAM allows everything) takes the account out of the organization",
      principal: drAdmin,
      action: "organizations:LeaveOrganization",
      resource: "*",
      resourceLabel: "*",
      resourceAccount: dr.id,
      context: h.principalContext(drAdmin),
      identity: [standIn("a DR account administrator whose IAM allows everything")],
      expected: "Denied",
    });
  }
  return rows;
}

function rdsRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "rds";
  const accounts = [...config.sourceAccounts].sort(byId);
  const sourceKey = rdsSourceKeyAliasName(config);
  const drKey = rdsDrKeyAliasName(config);
  const contract = rdsCopyContract(config);
  const importer = h.role(dr.id, rdsImporterRoleName(config));
  const importerIdentity = identityPolicies(drStack, rdsImporterRoleName(config));
  const snapshotArn = (region: string, account: string, name: string) => `arn:${partition}:rds:${region}:${account}:snapshot:${name}`;
  const transitName = `${contract.transitPrefix}db-1-example`;
  const rows: RowSpec[] = [];
  const sourceKeyLabel = (account: string, region: string) => `RDS source key ${region} (${account})`;

  for (const account of accounts) {
    const stack = app.source(account.id);
    const copier = h.role(account.id, rdsCopierRoleName(config));
    const copierIdentity = identityPolicies(stack, rdsCopierRoleName(config));
    for (const region of sorted(account.regions)) {
      const keyRef = keyPolicy(stack, sourceKey, region, "RDS source");
      for (const action of COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DR importer copies a snapshot ${account.id} shared in ${region} through RDS`,
          principal: importer,
          action,
          resource: stack.keyArn(sourceKey, region),
          resourceLabel: sourceKeyLabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(importer, action, h.rds(region)),
          identity: importerIdentity,
          resourcePolicy: keyRef,
          expected: "Allowed",
        });
      }
      for (const action of COPY_TO_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the RDS copier of ${account.id} copies a snapshot under its RDS key through RDS in ${region}`,
          principal: copier,
          action,
          resource: stack.keyArn(sourceKey, region),
          resourceLabel: sourceKeyLabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(copier, action, h.rds(region)),
          identity: copierIdentity,
          resourcePolicy: keyRef,
          expected: "Allowed",
        });
      }
      rows.push({
        flow,
        category: "call",
        description: `the RDS copier of ${account.id} shares its transit copy in ${region}`,
        principal: copier,
        action: "rds:ModifyDBSnapshotAttribute",
        resource: snapshotArn(region, account.id, transitName),
        resourceLabel: `RDS transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: { ...h.principalContext(copier, account.organizationId), [`aws:ResourceTag/${contract.transitTagKey}`]: contract.markerValue },
        identity: copierIdentity,
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `the DR importer copies the transit copy ${account.id} shared in ${region}`,
        principal: importer,
        action: "rds:CopyDBSnapshot",
        resource: snapshotArn(region, account.id, transitName),
        resourceLabel: `RDS transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: h.principalContext(importer, dr.organizationId),
        identity: importerIdentity,
        resourcePolicy: sharedSnapshotStandIn(partition, dr.id),
        expected: "Allowed",
      });
    }
  }

  // The DR account's own keys: its RDS key in each import region, KMS-C in the secondary region.
  const importRegions = sorted(new Set(accounts.flatMap((a) => a.regions)));
  const ownKeys: { alias: string; region: string; label: string }[] = importRegions.map((region) => ({ alias: drKey, region, label: "DR RDS" }));
  if (config.rds.copyToSecondaryRegion) {
    const secondaries = sorted(new Set(importRegions.flatMap((region) => dr.copyRegions.filter((c) => c !== region).slice(0, 1))));
    ownKeys.push(...secondaries.map((region) => ({ alias: kmsCAliasName(config), region, label: "KMS-C" })));
  }
  for (const key of ownKeys) {
    for (const action of COPY_TO_KEY) {
      rows.push({
        flow,
        category: "call",
        description: `the DR importer copies a snapshot under the ${key.label} key in ${key.region} through RDS`,
        principal: importer,
        action,
        resource: drStack.keyArn(key.alias, key.region),
        resourceLabel: `${key.label} key ${key.region} (${dr.id})`,
        resourceAccount: dr.id,
        context: h.kmsContext(importer, action, h.rds(key.region)),
        identity: importerIdentity,
        resourcePolicy: keyPolicy(drStack, key.alias, key.region, key.label),
        expected: "Allowed",
      });
    }
  }

  // Misuses, per region.
  for (const region of importRegions) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: stack.keyArn(sourceKey, region),
      resourceLabel: sourceKeyLabel(representative.id, region),
      resourceAccount: representative.id,
      resourcePolicy: keyPolicy(stack, sourceKey, region, "RDS source"),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, rdsImporterRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal of another organization (its IAM allows everything) decrypts with the RDS key of ${representative.id} in ${region} through RDS`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.rds(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    const wrong = otherRegion(config, region, importRegions);
    rows.push({
      ...base,
      misuse: "wrong-region",
      description: `the DR importer uses the RDS key of ${representative.id} in ${region} through RDS of ${wrong}`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", h.rds(wrong)),
      identity: importerIdentity,
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the DR importer decrypts with the RDS key of ${representative.id} in ${region} directly, not through RDS`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", undefined),
      identity: importerIdentity,
    });
    rows.push({
      ...base,
      misuse: "other-service",
      description: `the DR importer decrypts with the RDS key of ${representative.id} in ${region} through EC2 instead of RDS`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", h.ec2(region)),
      identity: importerIdentity,
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `the RDS key of ${representative.id} in ${region}`, h.rds(region)));
  }

  const first = accounts[0];
  const firstRegion = sorted(first.regions)[0];
  rows.push({
    flow,
    category: "misuse",
    misuse: "unlisted-account",
    description: `the DR importer copies a snapshot shared by an account outside the configuration (${h.outsider.account})`,
    principal: importer,
    action: "rds:CopyDBSnapshot",
    resource: snapshotArn(firstRegion, h.outsider.account, transitName),
    resourceLabel: `RDS snapshot ${firstRegion} (${h.outsider.account})`,
    resourceAccount: h.outsider.account,
    context: h.principalContext(importer, dr.organizationId),
    identity: importerIdentity,
    resourcePolicy: sharedSnapshotStandIn(partition, dr.id),
    expected: "Denied",
  });
  const copier = h.role(first.id, rdsCopierRoleName(config));
  rows.push({
    flow,
    category: "misuse",
    misuse: "unlisted-account",
    description: `the RDS copier of ${first.id} changes the sharing of a snapshot that is not its transit copy`,
    principal: copier,
    action: "rds:ModifyDBSnapshotAttribute",
    resource: snapshotArn(firstRegion, first.id, "prod-db-1-manual"),
    resourceLabel: `RDS snapshot ${firstRegion} (${first.id})`,
    resourceAccount: first.id,
    context: h.principalContext(copier, first.organizationId),
    identity: identityPolicies(app.source(first.id), rdsCopierRoleName(config)),
    expected: "Denied",
  });
  const sourceAdmin = h.admin(first.id);
  rows.push({
    flow,
    category: "misuse",
    misuse: "outside-dr-account",
    description: `an administrator of source account ${first.id} (its IAM allows everything) decrypts with the DR RDS key in ${importRegions[0]} through RDS`,
    principal: sourceAdmin,
    action: "kms:Decrypt",
    resource: drStack.keyArn(drKey, importRegions[0]),
    resourceLabel: `DR RDS key ${importRegions[0]} (${dr.id})`,
    resourceAccount: dr.id,
    context: h.kmsContext(sourceAdmin, "kms:Decrypt", h.rds(importRegions[0])),
    identity: [standIn("a source account administrator whose IAM allows everything")],
    resourcePolicy: keyPolicy(drStack, drKey, importRegions[0], "DR RDS"),
    expected: "Denied",
  });
  return rows;
}
