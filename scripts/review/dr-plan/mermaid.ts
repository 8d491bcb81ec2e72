/** The report's diagram: a mermaid flowchart of the organizations, accounts, regions and keys, and each flow's copy paths. */
import type { SnapshotDrConfig } from "../../../modules/config/load-config";
import {
  backupDrKeyAliasName,
  backupDrVaultName,
  backupDrVaultRegion,
  backupEnabledFor,
  backupSourceKeyAliasName,
  backupSourceVaultName,
  ebsModeOf,
  kmsAAliasName,
  kmsBAliasName,
  kmsCAliasName,
  rdsDrKeyAliasName,
  rdsSourceKeyAliasName,
} from "../../../modules/config/naming";
import { FLOWS, flowsOf, type Flow } from "../access-matrix";
import { byId, days, retention, sorted, type SourceAccount } from "./text";

/** Above this many source accounts, the diagram draws accounts of the same organization and kind together. */
export const DIAGRAM_MAX_ACCOUNTS = 10;

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
