/**
 * `npm run report`: the DR plan of the configuration named by DR_CONFIG (default config/example.yaml), for a
 * reviewer and for a pipeline. It synthesizes the configuration into a temporary directory (cdktf.out is not
 * touched), evaluates the access matrix (scripts/review/access-matrix.ts) against the synthesized JSON, and
 * writes, into DR_REPORT_DIR (default report/):
 *
 * - `dr-plan.md`: a mermaid diagram of the organizations, accounts, regions and keys with the copy paths of
 *   each flow; a table per flow of what is copied where, under which key and for how long; the stacks and
 *   their resources; the access matrix (every row, Allowed/Denied, the statement that decided it);
 * - `dr-plan.json`: the same facts, for a pipeline that fails a pull request whose matrix changed;
 * - `dr-plan-comment.md`: `dr-plan.md` if it fits in a GitHub comment (65,536 characters), else its beginning
 *   (summary, rows that differ, diagram, and what fits of the rest) with a pointer to the full report;
 * - `summary.md`: the report within GitHub's 1 MiB job-summary limit (scripts/review/job-summary.ts).
 *
 * Both are deterministic: the same configuration gives byte-identical files (no timestamps, no temporary
 * paths, stable order). Prints one summary line, and exits 1 if any matrix row's actual decision differs from
 * the expected one (after writing the files), 1 on an invalid configuration.
 *
 * Dev-time only (it uses the AGPL-3.0 simulator through access-matrix.ts).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, loadConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { estimateCapacity } from "../../modules/capacity/estimate";
import { capacityReportSection } from "../../modules/capacity/render";
import {
  backupDrKeyAliasName,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  breakGlassRoleArnOf,
  backupSourceKeyAliasName,
  backupSourceVaultName,
  ebsModeOf,
  kmsAAliasName,
  kmsBAliasName,
  kmsCAliasName,
  rdsDrKeyAliasName,
  rdsSourceKeyAliasName,
} from "../../modules/config/naming";
import { synthesize, SynthValidationError } from "../../stacks/synthesize";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";
import {
  accessMatrix,
  FLOW_TITLES,
  FLOWS,
  flowsOf,
  PRINCIPAL_CONTEXT_KEYS,
  type DecidingStatement,
  type Flow,
  type MatrixRow,
} from "./access-matrix";
import { jobSummary } from "./job-summary";
import { SynthesizedApp } from "./synthesized-stacks";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** Above this many source accounts, the diagram draws accounts of the same organization and kind together. */
export const DIAGRAM_MAX_ACCOUNTS = 10;
/** GitHub refuses a comment body over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** The line before the access matrix section, where a report too long for a comment is cut. */
export const MATRIX_MARKER = "<!-- dr-plan:access-matrix -->";
/** The line before the copy tables, where a report still too long for a comment is cut. */
export const COPY_PATHS_MARKER = "<!-- dr-plan:copy-paths -->";

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

// ---------------------------------------------------------------------------------------------------------
// The plan

/** One place a copy is made or kept. */
export interface CopyStep {
  readonly account: string;
  readonly region: string;
  /** What is there: "EBS snapshots of volumes tagged ...", "transit copy", "DR copy". */
  readonly what: string;
  /** The key it is encrypted under: an alias name (naming.ts) and whose key it is. */
  readonly key: string;
  /** How long it is kept (from the configuration). */
  readonly kept: string;
}

/** A path of a flow: where the data starts, and each copy after it, in order (one entry per copy target). */
export interface CopyPath {
  readonly flow: Flow;
  readonly sourceAccount: string;
  readonly sourceRegion: string;
  /** `steps[0]` is the source; the others are copies of it (a DR step may fan out to several copy regions). */
  readonly steps: readonly CopyStep[];
}

export interface StackSummary {
  readonly stack: string;
  readonly account: string;
  readonly regions: readonly string[];
  readonly resources: number;
  readonly resourceTypes: Readonly<Record<string, number>>;
}

export interface FlowSummary {
  readonly flow: Flow;
  readonly title: string;
  readonly enabled: boolean;
  readonly rows: number;
  readonly calls: number;
  readonly misuses: number;
  readonly differ: number;
}

/** Everything the report says, as data (dr-plan.json). */
export interface DrPlan {
  readonly generatedBy: string;
  readonly config: {
    /** The configuration file, relative to the project when inside it, else its base name. */
    readonly file: string;
    /** sha256 of the file's bytes. */
    readonly sha256: string;
    readonly namePrefix: string;
    readonly partition: string;
    readonly drAccount: string;
    readonly organizations: readonly string[];
  };
  readonly flows: readonly FlowSummary[];
  readonly copyPaths: readonly CopyPath[];
  readonly matrixSummary: { readonly rows: number; readonly asExpected: number; readonly differ: number; readonly differing: readonly string[] };
  readonly matrix: readonly MatrixRow[];
  readonly stacks: readonly StackSummary[];
  readonly notes: readonly string[];
}

const sorted = (values: Iterable<string>) => [...values].sort((a, b) => a.localeCompare(b));
const byId = (a: SourceAccount, b: SourceAccount) => a.id.localeCompare(b.id);
const retention = (r: { interval: number; unit: string }) => `${r.interval} ${r.unit.toLowerCase()}`;
const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

function scheduleText(config: SnapshotDrConfig): string {
  const s = config.ebs.schedule;
  return s.cronExpression ? s.cronExpression : `every ${s.intervalHours ?? 24} h${s.time ? ` from ${s.time} UTC` : ""}`;
}

const tagsText = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** What is copied where, under which key, for how long: from the configuration and the names of naming.ts. */
export function copyPaths(config: SnapshotDrConfig): CopyPath[] {
  const dr = config.drAccount;
  const accounts = [...config.sourceAccounts].sort(byId);
  const drCopies = (what: string): CopyStep[] =>
    sorted(dr.copyRegions).map((region) => ({ account: dr.id, region, what, key: `${kmsCAliasName(config)} (KMS-C, DR account)`, kept: retention(dr.copyRetention) }));
  const paths: CopyPath[] = [];
  const sourceSnapshots = `EBS snapshots of volumes tagged ${tagsText(config.ebs.targetTags)} (${scheduleText(config)})`;
  for (const flow of flowsOf(config)) {
    for (const account of accounts) {
      for (const region of sorted(account.regions)) {
        if (flow === "reencrypt" && ebsModeOf(config, account) === "reencrypt") {
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              { account: account.id, region, what: sourceSnapshots, key: "the volume's key (any, or aws/ebs)", kept: `${config.ebs.retainCount} snapshots per volume` },
              { account: account.id, region, what: "transit copy, shared with the DR account", key: `${kmsBAliasName(config)} (KMS-B, DR account)`, kept: `${config.ebs.transitCopyRetentionHours} h` },
              ...drCopies("DR copy (DLM cross-account copy event policy)"),
            ],
          });
        }
        if (flow === "share" && ebsModeOf(config, account) === "share") {
          const existing = account.ebs.kmsKeyArns?.[region];
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              {
                account: account.id,
                region,
                what: `${sourceSnapshots}, shared with the DR account for ${retention(config.ebs.unshareAfter)}`,
                key: existing ? `${existing} (existing key, source account)` : `${kmsAAliasName(config)} (KMS-A, source account)`,
                kept: `${config.ebs.retainCount} snapshots per volume`,
              },
              ...drCopies("DR copy (DLM cross-account copy event policy)"),
            ],
          });
        }
        if (flow === "backup" && backupEnabledFor(config, account)) {
          for (const rule of config.backup.rules) {
            const drLifecycle = rule.drCopyLifecycle ?? { deleteAfterDays: rule.lifecycle.deleteAfterDays };
            const vaultRegion = backupDrVaultRegion(config, region);
            const lifecycleText = (l: { deleteAfterDays: number; coldStorageAfterDays?: number }) =>
              `${days(l.deleteAfterDays)}${l.coldStorageAfterDays !== undefined ? ` (cold storage after ${days(l.coldStorageAfterDays)})` : ""}`;
            paths.push({
              flow,
              sourceAccount: account.id,
              sourceRegion: region,
              steps: [
                {
                  account: account.id,
                  region,
                  what: `recovery points of ${config.backup.selection.resourceTypes.join(", ")} tagged ${tagsText(config.backup.selection.tags)}, rule ${rule.name} ${rule.schedule}, vault ${backupSourceVaultName(config)}`,
                  key: `${backupSourceKeyAliasName(config)} (source account)`,
                  kept: lifecycleText(rule.lifecycle),
                },
                {
                  account: dr.id,
                  region: vaultRegion,
                  what: `copy in vault ${backupDrVaultName(config)} (${config.backup.vaultLock.mode} lock, at least ${days(config.backup.vaultLock.minRetentionDays)})`,
                  key: `${backupDrKeyAliasName(config)} (DR account)`,
                  kept: lifecycleText(drLifecycle),
                },
                ...(rule.copyToRegion && rule.copyToRegion.region !== region
                  ? [
                      {
                        account: account.id,
                        region: rule.copyToRegion.region,
                        what: `copy in vault ${backupSourceVaultName(config)}`,
                        key: `${backupSourceKeyAliasName(config)} (source account)`,
                        kept: lifecycleText(rule.copyToRegion.lifecycle ?? rule.lifecycle),
                      },
                    ]
                  : []),
              ],
            });
          }
        }
        if (flow === "rds") {
          const secondary = config.rds.copyToSecondaryRegion ? dr.copyRegions.find((c) => c !== region) : undefined;
          paths.push({
            flow,
            sourceAccount: account.id,
            sourceRegion: region,
            steps: [
              {
                account: account.id,
                region,
                what: `transit copies of snapshots of DB instances and clusters tagged ${config.rds.selectionTag.key}=${config.rds.selectionTag.value}, shared with the DR account`,
                key: `${rdsSourceKeyAliasName(config)} (source account)`,
                kept: `${config.rds.transitCopyRetentionHours} h`,
              },
              { account: dr.id, region, what: "DR copy (RDS snapshot importer)", key: `${rdsDrKeyAliasName(config)} (DR account)`, kept: days(config.rds.retentionDays) },
              ...(secondary
                ? [{ account: dr.id, region: secondary, what: "secondary DR copy", key: `${kmsCAliasName(config)} (KMS-C, DR account)`, kept: days(config.rds.retentionDays) }]
                : []),
            ],
          });
        }
      }
    }
  }
  return paths;
}

/** The stacks of the synthesis: account, regions, resources by type. */
export function stackSummaries(app: SynthesizedApp): StackSummary[] {
  return sorted(app.stacks.keys()).map((name) => {
    const stack = app.stack(name);
    const resources = (stack.json.resource ?? {}) as Record<string, Record<string, unknown>>;
    const resourceTypes = Object.fromEntries(sorted(Object.keys(resources)).map((type) => [type, Object.keys(resources[type]).length]));
    const providers = (stack.json.provider?.aws ?? []) as { region: string }[];
    return {
      stack: name,
      account: stack.accountId,
      regions: sorted(new Set(providers.map((p) => p.region))),
      resources: Object.values(resourceTypes).reduce((a, b) => a + b, 0),
      resourceTypes,
    };
  });
}

/** What the matrix does not cover, or covers with assumptions, for this configuration. */
function notesOf(config: SnapshotDrConfig, rows: readonly MatrixRow[]): string[] {
  const notes: string[] = [
    "Identity policies that are not in the synthesized JSON (AWS managed policies, service-linked roles, a hypothetical administrator or outsider) are replaced by a stand-in that allows everything, named in the row: the decision then rests on the policies this project deploys.",
    `Every row also carries ${PRINCIPAL_CONTEXT_KEYS.join(", ")} (KMS calls) of its principal; the tables list the other context keys.`,
    "SCPs of the `org-<organization id>` stacks are evaluated for the principals of the accounts they are attached to (not for service-linked roles, which AWS exempts); an SCP attached to a root or OU is taken to cover every configured account of that organization.",
  ];
  for (const account of [...config.sourceAccounts].sort(byId)) {
    for (const [region, arn] of Object.entries(account.ebs.kmsKeyArns ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (ebsModeOf(config, account) === "share") {
        notes.push(`Not simulated: ${account.id} shares snapshots in ${region} under the existing key ${arn}, whose key policy is not managed here (the synthesis prints the statements it needs).`);
      }
    }
  }
  if (config.drAccount.kmsB.lockDown) notes.push("drAccount.kmsB.lockDown is on: the source copiers' calls on KMS-B are expected Denied.");
  if (flowsOf(config).includes("backup")) {
    const g = config.backup.guardrails;
    if (!g.restrictCopyTargets) notes.push("backup.guardrails.restrictCopyTargets is off: no SCP keeps copies out of unlisted vaults, so the matrix has no such rows.");
    if (!g.denyLeaveOrganization) notes.push("backup.guardrails.denyLeaveOrganization is off: no SCP keeps the DR account in the organization, so the matrix has no such row.");
    if (!breakGlassRoleArnOf(config)) notes.push("drAccount.breakGlassRoleArn is not set: the DR vaults' Deny exempts the deploy role alone; nobody else may delete recovery points or change the vaults' policy, lock or notifications.");
  }
  if (rows.some((row) => !row.asExpected)) {
    notes.push("Rows whose actual decision differs from the expected one are listed under \"Rows that differ\": each is a finding about the synthesized policies, not about the report.");
  }
  return notes;
}

/** The plan of a configuration and its synthesized stacks. */
export async function buildDrPlan(config: SnapshotDrConfig, app: SynthesizedApp, configFile: { file: string; sha256: string }): Promise<DrPlan> {
  const matrix = await accessMatrix(config, app);
  const enabled = new Set(flowsOf(config));
  const differing = matrix.filter((row) => !row.asExpected).map((row) => row.id);
  return {
    generatedBy: "npm run report (scripts/review/report.ts)",
    config: {
      ...configFile,
      namePrefix: config.namePrefix,
      partition: config.partition,
      drAccount: config.drAccount.id,
      organizations: sorted(config.organizations.map((o) => o.id)),
    },
    flows: FLOWS.map((flow) => {
      const rows = matrix.filter((row) => row.flow === flow);
      return {
        flow,
        title: FLOW_TITLES[flow],
        enabled: enabled.has(flow),
        rows: rows.length,
        calls: rows.filter((row) => row.category === "call").length,
        misuses: rows.filter((row) => row.category === "misuse").length,
        differ: rows.filter((row) => !row.asExpected).length,
      };
    }),
    copyPaths: copyPaths(config),
    matrixSummary: { rows: matrix.length, asExpected: matrix.length - differing.length, differ: differing.length, differing },
    matrix,
    stacks: stackSummaries(app),
    notes: notesOf(config, matrix),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Mermaid

/** A mermaid node ID: letters and digits only. */
export const mermaidId = (...parts: string[]) => parts.join("-").replace(/[^A-Za-z0-9]/g, "");
/** A quoted mermaid label: `"` cannot appear inside, so it becomes `#quot;`. */
export const mermaidLabel = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

const FLOW_COLORS: Readonly<Record<Flow, string>> = { reencrypt: "#1f77b4", share: "#2ca02c", backup: "#9467bd", rds: "#d62728" };

interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly organizationId: string;
  readonly accounts: readonly SourceAccount[];
  readonly regions: readonly string[];
}

/** One group per source account, or (above DIAGRAM_MAX_ACCOUNTS) per organization, EBS mode and backup. */
function diagramGroups(config: SnapshotDrConfig): DiagramGroup[] {
  const accounts = [...config.sourceAccounts].sort(byId);
  if (accounts.length <= DIAGRAM_MAX_ACCOUNTS) {
    return accounts.map((account) => ({
      id: mermaidId("src", account.id),
      label: `${account.name ? `${account.name} ` : ""}${account.id} (${ebsModeOf(config, account)})`,
      organizationId: account.organizationId,
      accounts: [account],
      regions: sorted(account.regions),
    }));
  }
  const byKey = new Map<string, SourceAccount[]>();
  for (const account of accounts) {
    const key = `${account.organizationId}|${ebsModeOf(config, account)}|${backupEnabledFor(config, account) ? "backup" : "no-backup"}`;
    byKey.set(key, [...(byKey.get(key) ?? []), account]);
  }
  return sorted(byKey.keys()).map((key) => {
    const members = byKey.get(key)!;
    const [organizationId, mode, backup] = key.split("|");
    return {
      id: mermaidId("grp", organizationId, mode, backup),
      label: `${members.length} source account${members.length === 1 ? "" : "s"} ${members[0].id} … ${members[members.length - 1].id} (${mode}${backup === "backup" ? ", backup" : ""})`,
      organizationId,
      accounts: members,
      regions: sorted(new Set(members.flatMap((m) => m.regions))),
    };
  });
}

/** The diagram: organizations (subgraphs), accounts, regions and keys, and the copy paths of each flow. */
export function mermaidDiagram(config: SnapshotDrConfig): string {
  const dr = config.drAccount;
  const flows = new Set(flowsOf(config));
  const groups = diagramGroups(config);
  const lines: string[] = ["flowchart LR"];
  const edges: { from: string; to: string; label: string; flow: Flow }[] = [];
  const edgeKeys = new Set<string>();
  const edge = (from: string, to: string, label: string, flow: Flow) => {
    const key = `${from}>${to}>${label}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from, to, label, flow });
  };
  const drNode = (kind: string, region: string) => mermaidId("dr", kind, region);
  const drNodes = new Map<string, { region: string; label: string }>();
  const useDrNode = (kind: string, region: string, label: string) => {
    const id = drNode(kind, region);
    drNodes.set(id, { region, label });
    return id;
  };
  const copyRegions = sorted(dr.copyRegions);
  const kmsCNode = (region: string) => useDrNode("kmsc", region, `KMS-C<br/>${kmsCAliasName(config)}`);

  const sourceNodes = new Map<string, string[]>(); // group id → node lines
  for (const group of groups) {
    const nodeLines: string[] = [];
    for (const region of group.regions) {
      const here = group.accounts.filter((a) => a.regions.includes(region));
      const id = mermaidId(group.id, region);
      const what: string[] = [];
      const modes = new Set(here.map((a) => ebsModeOf(config, a)));
      if (modes.has("reencrypt")) what.push("EBS snapshots");
      if (modes.has("share")) what.push(`EBS snapshots under KMS-A ${kmsAAliasName(config)}`);
      if (flows.has("rds")) what.push(`RDS transit copies under ${rdsSourceKeyAliasName(config)}`);
      if (here.some((a) => backupEnabledFor(config, a))) what.push(`backup vault ${backupSourceVaultName(config)} under ${backupSourceKeyAliasName(config)}`);
      nodeLines.push(`${id}[${mermaidLabel(`${region}<br/>${what.join("<br/>")}`)}]`);
      if (modes.has("reencrypt")) {
        const kmsB = useDrNode("kmsb", region, `KMS-B<br/>${kmsBAliasName(config)}`);
        edge(id, kmsB, "reencrypt: copy under KMS-B, share", "reencrypt");
        for (const c of copyRegions) edge(kmsB, kmsCNode(c), `DLM copy, keep ${retention(dr.copyRetention)}`, "reencrypt");
      }
      if (modes.has("share")) {
        for (const c of copyRegions) edge(id, kmsCNode(c), `share: DLM copy, keep ${retention(dr.copyRetention)}`, "share");
      }
      if (here.some((a) => backupEnabledFor(config, a))) {
        const vaultRegion = backupDrVaultRegion(config, region);
        const vault = useDrNode("vault", vaultRegion, `backup vault ${backupDrVaultName(config)}<br/>${backupDrKeyAliasName(config)}`);
        edge(id, vault, "backup: copy job", "backup");
      }
      if (flows.has("rds")) {
        const rdsKey = useDrNode("rds", region, `RDS copies<br/>${rdsDrKeyAliasName(config)}`);
        edge(id, rdsKey, `rds: share, import, keep ${days(config.rds.retentionDays)}`, "rds");
        const secondary = config.rds.copyToSecondaryRegion ? dr.copyRegions.find((c) => c !== region) : undefined;
        if (secondary) edge(rdsKey, kmsCNode(secondary), "rds: secondary copy", "rds");
      }
    }
    sourceNodes.set(group.id, nodeLines);
  }

  const organizations = sorted(new Set([dr.organizationId, ...groups.map((g) => g.organizationId)]));
  for (const organizationId of organizations) {
    lines.push(`  subgraph ${mermaidId("org", organizationId)}[${mermaidLabel(`Organization ${organizationId}${organizationId === dr.organizationId ? " (DR)" : ""}`)}]`);
    if (organizationId === dr.organizationId) {
      lines.push(`    subgraph ${mermaidId("acct", dr.id)}[${mermaidLabel(`DR account ${dr.id}`)}]`);
      const drRegions = sorted(new Set([...drNodes.values()].map((n) => n.region)));
      for (const region of drRegions) {
        lines.push(`      subgraph ${mermaidId("dr", region)}[${mermaidLabel(region)}]`);
        for (const [id, node] of [...drNodes.entries()].filter(([, n]) => n.region === region).sort(([a], [b]) => a.localeCompare(b))) {
          lines.push(`        ${id}[${mermaidLabel(node.label)}]`);
        }
        lines.push("      end");
      }
      lines.push("    end");
    }
    for (const group of groups.filter((g) => g.organizationId === organizationId)) {
      lines.push(`    subgraph ${group.id}[${mermaidLabel(group.label)}]`);
      for (const line of sourceNodes.get(group.id)!) lines.push(`      ${line}`);
      lines.push("    end");
    }
    lines.push("  end");
  }
  for (const e of edges) lines.push(`  ${e.from} -->|${mermaidLabel(e.label)}| ${e.to}`);
  for (const flow of FLOWS) {
    const indexes = edges.flatMap((e, index) => (e.flow === flow ? [index] : []));
    if (indexes.length > 0) lines.push(`  linkStyle ${indexes.join(",")} stroke:${FLOW_COLORS[flow]},stroke-width:2px`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Markdown

/** A markdown table cell: `|` escaped, line breaks as <br>. */
export const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
const code = (text: string) => (text === "" ? "" : `\`${text.replace(/`/g, "'")}\``);

function contextText(row: MatrixRow): string {
  const skip = new Set<string>(PRINCIPAL_CONTEXT_KEYS);
  const entries = Object.entries(row.context).filter(([key]) => !skip.has(key));
  if (entries.length === 0) return "—";
  return entries.map(([key, value]) => code(`${key}=${typeof value === "string" ? value : `[${value.join(", ")}]`}`)).join("<br>");
}

export function decidedByText(statements: readonly DecidingStatement[]): string {
  return statements
    .map((s) => {
      const where = s.stack ? `${code(s.stack)} ${code(s.address ?? "")}` : s.label;
      const side = s.kind === "scp" ? "SCP" : s.kind;
      if (s.effect === "Allow" || s.effect === "Deny") return `${s.effect} by ${side} ${where} Sid ${code(s.sid ?? "")}`;
      if (s.effect === "NoDeny") return `no Deny of ${side} ${where} matched (${s.why ?? ""})`;
      return `no Allow in ${side} ${where} (${s.why ?? ""})`;
    })
    .join("<br>");
}

const MATRIX_HEADER = [
  "| Row | Description | Principal | Action | Resource | Context keys given | Expected | Actual | Decided by |",
  "|---|---|---|---|---|---|---|---|---|",
];

function matrixLine(row: MatrixRow): string {
  const actual = row.asExpected ? `${row.actual}` : `**${row.actual}** ⚠️`;
  return `| ${row.id} | ${cell(row.description)} | ${cell(code(row.principalLabel))} | ${cell(code(row.action))} | ${cell(row.resourceLabel)} | ${cell(contextText(row))} | ${row.expected} | ${actual} | ${cell(decidedByText(row.decidedBy))} |`;
}

/** Matches a matrix row line of dr-plan.md (one per row, in the per-flow tables). */
export const MATRIX_ROW_LINE = /^\| (reencrypt|share|backup|rds)-\d{3,} \|/;

export function renderMarkdown(plan: DrPlan, config: SnapshotDrConfig): string {
  const out: string[] = [];
  const { matrixSummary: m } = plan;
  const enabled = plan.flows.filter((f) => f.enabled);
  out.push(`# DR plan: ${plan.config.file}`);
  out.push("");
  out.push(`<!-- Generated by ${plan.generatedBy}. Do not edit: run it again. -->`);
  out.push("");
  out.push(
    `Configuration \`${plan.config.file}\` (sha256 \`${plan.config.sha256.slice(0, 12)}\`), name prefix \`${plan.config.namePrefix}\`, partition \`${plan.config.partition}\`, DR account \`${plan.config.drAccount}\`, ${config.sourceAccounts.length} source account(s), ${plan.stacks.length} stack(s).`,
  );
  out.push("");
  out.push("| Flow | On | Matrix rows | Calls allowed | Misuses denied | Differ |");
  out.push("|---|---|---:|---:|---:|---:|");
  for (const f of plan.flows) out.push(`| ${f.title} | ${f.enabled ? "yes" : "no"} | ${f.rows} | ${f.calls} | ${f.misuses} | ${f.differ} |`);
  out.push("");
  out.push(
    m.differ === 0
      ? `**Access matrix: ${m.rows} rows, every one as expected.**`
      : `**Access matrix: ${m.rows} rows, ${m.differ} differ from the expected decision (${m.differing.join(", ")}).**`,
  );
  out.push("");
  if (m.differ > 0) {
    out.push("## Rows that differ");
    out.push("");
    out.push(...MATRIX_HEADER.map((line) => line.replace("| Row |", "| Row (see below) |")));
    for (const row of plan.matrix.filter((r) => !r.asExpected)) out.push(matrixLine(row).replace(/^\| ([a-z]+-\d+) \|/, "| $1 (differs) |"));
    out.push("");
  }

  out.push("## Diagram");
  out.push("");
  out.push("```mermaid");
  out.push(mermaidDiagram(config));
  out.push("```");
  out.push("");

  out.push(COPY_PATHS_MARKER);
  out.push("## What is copied where");
  out.push("");
  for (const f of enabled) {
    out.push(`### ${f.title}`);
    out.push("");
    out.push("| From | Step | Account | Region | What | Key | Kept |");
    out.push("|---|---|---|---|---|---|---|");
    for (const p of plan.copyPaths.filter((c) => c.flow === f.flow)) {
      p.steps.forEach((s, index) => {
        out.push(
          `| ${index === 0 ? `${p.sourceAccount} ${p.sourceRegion}` : ""} | ${index === 0 ? "source" : `copy ${index}`} | ${s.account} | ${s.region} | ${cell(s.what)} | ${cell(code(s.key))} | ${cell(s.kept)} |`,
        );
      });
    }
    out.push("");
  }

  out.push("## Stacks");
  out.push("");
  out.push("| Stack | Account | Regions | Resources | Resource types |");
  out.push("|---|---|---|---:|---|");
  for (const s of plan.stacks) {
    const types = Object.entries(s.resourceTypes)
      .map(([type, n]) => `${code(type)} ${n}`)
      .join(", ");
    out.push(`| ${s.stack} | ${s.account} | ${s.regions.join(", ")} | ${s.resources} | ${types} |`);
  }
  out.push(`| **total** | | | ${plan.stacks.reduce((a, s) => a + s.resources, 0)} | |`);
  out.push("");

  out.push("## Notes");
  out.push("");
  for (const note of plan.notes) out.push(`- ${note}`);
  out.push("");

  out.push(...capacityReportSection(estimateCapacity(config)));
  out.push(MATRIX_MARKER);
  out.push("## Access matrix");
  out.push("");
  out.push(
    "Each row is one request evaluated with `@cloud-copilot/iam-simulate` against the synthesized `cdk.tf.json`: the principal's identity policies (from its stack), the resource's policy (from its stack) and the SCPs attached to the principal's account. A cross-account call is allowed only when both the identity policy and the resource policy allow it. *Decided by* names the statement(s) (stack, Terraform resource address, Sid) that allowed or denied the request; for an implicit deny, the policy that had no matching Allow and why its statements for that action did not match.",
  );
  out.push("");
  for (const f of enabled) {
    const rows = plan.matrix.filter((r) => r.flow === f.flow);
    out.push(`### ${f.title}`);
    out.push("");
    out.push(
      `<details${f.differ > 0 ? " open" : ""}><summary>${f.rows} rows: ${f.calls} calls, ${f.misuses} misuses; ${f.differ === 0 ? "all as expected" : `${f.differ} differ`}</summary>`,
    );
    out.push("");
    out.push(...MATRIX_HEADER);
    for (const row of rows) out.push(matrixLine(row));
    out.push("");
    out.push("</details>");
    out.push("");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

/**
 * The body of a pull-request comment: the whole report if it fits GitHub's limit, else the report cut before
 * the access matrix (or, if that is still too long, before the copy tables), saying where the rest is.
 */
export function commentBody(markdown: string, plan: DrPlan): string {
  const limit = GITHUB_COMMENT_LIMIT - 2000;
  if (markdown.length <= limit) return markdown;
  const m = plan.matrixSummary;
  const matrixState = m.differ === 0 ? "every row as expected" : `${m.differ} differ: ${m.differing.join(", ")}, listed above`;
  const note = (what: string) =>
    `${what}\n\n> The full report (${markdown.length.toLocaleString("en-US")} characters) is longer than a GitHub comment allows: see \`dr-plan.md\` in this run's job summary or artifacts. Access matrix: ${m.rows} rows, ${matrixState}.\n`;
  for (const marker of [MATRIX_MARKER, COPY_PATHS_MARKER]) {
    const head = markdown.slice(0, markdown.indexOf(marker)).replace(/\n+$/, "\n");
    const body = note(`${head}\n## ${marker === MATRIX_MARKER ? "Access matrix" : "The rest of the report"}`);
    if (body.length <= limit) return body;
  }
  const cut = markdown.slice(0, limit - 1000);
  return note(`${cut.slice(0, cut.lastIndexOf("\n"))}\n\n## The rest of the report`);
}

export function renderJson(plan: DrPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Files

/** How the report names the configuration file: relative to the project when inside it, else its base name. */
export function configLabel(file: string): string {
  const absolute = path.resolve(file);
  const relative = path.relative(PROJECT_ROOT, absolute);
  return !relative.startsWith("..") && !path.isAbsolute(relative) ? relative.split(path.sep).join("/") : path.basename(absolute);
}

export interface ReportResult {
  readonly plan: DrPlan;
  readonly markdown: string;
  readonly json: string;
  readonly markdownPath: string;
  readonly jsonPath: string;
  readonly commentPath: string;
  readonly summaryLine: string;
}

/**
 * Loads a configuration, synthesizes it into a temporary directory (removed afterwards), and writes
 * `dr-plan.md` and `dr-plan.json` into `outDir`.
 */
export async function writeReport(options: { readonly configFile: string; readonly outDir: string }): Promise<ReportResult> {
  const config = loadConfig(options.configFile);
  const sha256 = createHash("sha256").update(fs.readFileSync(options.configFile)).digest("hex");
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-report-"));
  let plan: DrPlan;
  try {
    const { stacks } = synthesize(config, outdir);
    plan = await buildDrPlan(config, new SynthesizedApp(outdir, stacks), { file: configLabel(options.configFile), sha256 });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const markdown = renderMarkdown(plan, config);
  const json = renderJson(plan);
  fs.mkdirSync(options.outDir, { recursive: true });
  const markdownPath = path.join(options.outDir, "dr-plan.md");
  const jsonPath = path.join(options.outDir, "dr-plan.json");
  const commentPath = path.join(options.outDir, "dr-plan-comment.md");
  const comment = commentBody(markdown, plan);
  fs.writeFileSync(markdownPath, markdown);
  fs.writeFileSync(jsonPath, json);
  fs.writeFileSync(commentPath, comment);
  fs.writeFileSync(path.join(options.outDir, "summary.md"), jobSummary(markdown, "dr-plan"));
  const m = plan.matrixSummary;
  const perFlow = plan.flows
    .filter((f) => f.enabled)
    .map((f) => `${f.flow} ${f.rows}`)
    .join(", ");
  const shown = (file: string) => (path.relative(process.cwd(), file).startsWith("..") ? file : path.relative(process.cwd(), file));
  const size = `${(Buffer.byteLength(markdown) / 1024).toFixed(1)} KiB${comment === markdown ? "" : `; ${shown(commentPath)} is cut to fit a GitHub comment`}`;
  const summaryLine =
    `dr-plan ${plan.config.file}: ${m.rows} matrix rows (${perFlow}), ` +
    (m.differ === 0 ? "all as expected" : `${m.differ} DIFFER from expected (${m.differing.join(", ")})`) +
    `; wrote ${shown(markdownPath)} (${size}) and ${shown(jsonPath)}`;
  return { plan, markdown, json, markdownPath, jsonPath, commentPath, summaryLine };
}

/** The command's exit code: 1 when any row's actual decision differs from the expected one (files are written first). */
export const exitCodeFor = (plan: DrPlan): number => (plan.matrixSummary.differ === 0 ? 0 : 1);

async function main(): Promise<number> {
  const configFile = process.env.DR_CONFIG || "config/example.yaml";
  const outDir = process.env.DR_REPORT_DIR || path.join(PROJECT_ROOT, "report");
  disableTokenStackTraces();
  try {
    const result = await writeReport({ configFile, outDir });
    console.log(result.summaryLine);
    return exitCodeFor(result.plan);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SynthValidationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
