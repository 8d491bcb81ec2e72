import { blockingRows, CapacityEstimate, desiredValue, EstimatedRow, increaseCandidates } from "./estimate";
import { QUOTAS } from "./quotas";
import type { CapacityRow } from "./types";

/**
 * The outputs of `npm run capacity`: `capacity.json` (exactly the contract of docs/design.md §6), `capacity.md`
 * (over and near rows first, then one line per quota for the rest, so that 1,000 accounts stay readable) and the
 * commands that request the increases.
 */

const number = (n: number) => n.toLocaleString("en-US");
const percent = (row: CapacityRow) => `${number(Math.round((row.demand * 100) / row.limit))}%`;
/** Minutes with a decimal when few (a large estate leaves each copy less than a minute). */
const minutesText = (minutes: number) => `${minutes < 10 ? minutes.toFixed(1) : number(Math.floor(minutes))} min`;
const roleLabel = (row: EstimatedRow) => (row.role === "dr" ? `${row.account} (DR)` : row.account);

/** `{ "rows": [ { account, region, quota, quotaCode, limit, adjustable, demand, status } ] }`, nothing else. */
export function renderCapacityJson(estimate: CapacityEstimate): string {
  const rows: CapacityRow[] = estimate.rows.map(({ account, region, quota, quotaCode, limit, adjustable, demand, status }) => ({
    account,
    region,
    quota,
    quotaCode,
    limit,
    adjustable,
    demand,
    status,
  }));
  return `${JSON.stringify({ rows }, null, 2)}\n`;
}

/** The AWS CLI command that asks for an adjustable quota, run with the credentials of the row's account. */
export function increaseCommand(row: EstimatedRow, nearPercent: number): string {
  const quota = QUOTAS[row.quotaKey];
  return (
    `aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} ` +
    `--desired-value ${desiredValue(row, nearPercent)} --region ${row.region}`
  );
}

/** The request commands, grouped by account (each needs that account's credentials). */
export function increaseCommands(estimate: CapacityEstimate): string[] {
  const lines: string[] = [];
  let account = "";
  for (const row of increaseCandidates(estimate)) {
    if (row.account !== account) {
      account = row.account;
      lines.push(`# account ${roleLabel(row)}`);
    }
    lines.push(increaseCommand(row, estimate.nearPercent));
  }
  return lines;
}

/** One line: how many rows are over, near and ok, and whether the command fails. */
export function capacitySummary(estimate: CapacityEstimate): string {
  const count = (status: string) => estimate.rows.filter((row) => row.status === status).length;
  const blocking = blockingRows(estimate).length;
  return (
    `${estimate.rows.length} quota rows: ${count("over")} over (${blocking} cannot be raised), ${count("near")} near, ${count("ok")} ok` +
    (blocking > 0 ? "; a limit AWS does not raise is exceeded" : "")
  );
}

/** The table of rows over or near their limit, the commands, what to change, the EBS copy load and the rest. */
export function renderCapacitySection(estimate: CapacityEstimate, headingLevel = 2): string[] {
  const h = "#".repeat(headingLevel);
  const out: string[] = [];
  const attention = estimate.rows
    .filter((row) => row.status !== "ok")
    .sort((a, b) => (a.status === b.status ? 0 : a.status === "over" ? -1 : 1) || Number(a.adjustable) - Number(b.adjustable));
  out.push(`**${capacitySummary(estimate)}.** A row is \`near\` over ${estimate.nearPercent}% of the limit.`, "");

  out.push(`${h} Over and near`, "");
  if (attention.length === 0) out.push("None.", "");
  else {
    out.push("| Status | Account | Region | Quota | Code | Limit | Adjustable | Demand | Use |", "|---|---|---|---|---|---:|---|---:|---:|");
    for (const row of attention) {
      out.push(
        `| ${row.status} | ${roleLabel(row)} | ${row.region} | ${row.quota} | ${row.quotaCode ?? "none"} | ${number(row.limit)} | ${row.adjustable ? "yes" : "no"} | ${number(row.demand)} | ${percent(row)} |`,
      );
    }
    out.push("");
  }

  const blocking = blockingRows(estimate);
  if (blocking.length > 0) {
    out.push(`${h} What to change`, "");
    const remedies = new Map<string, Set<string>>();
    for (const row of blocking) remedies.set(row.quotaKey, (remedies.get(row.quotaKey) ?? new Set()).add(`${roleLabel(row)} ${row.region}`));
    for (const [key, where] of remedies) {
      const quota = QUOTAS[key as keyof typeof QUOTAS];
      out.push(`- **${quota.name}** (${number(quota.limit)}, AWS does not raise it) is exceeded in ${[...where].slice(0, 5).join(", ")}${where.size > 5 ? ` and ${where.size - 5} more` : ""}: ${quota.remedy}.`);
    }
    out.push("");
  }

  const commands = increaseCommands(estimate);
  const supportOnly = estimate.rows.filter((row) => row.adjustable && row.status !== "ok" && row.quotaCode === null);
  if (commands.length > 0 || supportOnly.length > 0) {
    out.push(`${h} Requesting increases`, "");
    if (commands.length > 0) {
      out.push(
        "Run each with credentials of the account named above it (or set `capacity.requestQuotaIncreases: true` to let the stacks request them):",
        "",
        "```sh",
        ...commands,
        "```",
        "",
      );
    }
    for (const row of supportOnly) out.push(`- ${row.quota} in ${roleLabel(row)} ${row.region}: not in Service Quotas; ask AWS Support for ${number(desiredValue(row, estimate.nearPercent))}.`);
    if (supportOnly.length > 0) out.push("");
  }

  if (estimate.ebsCopyLoads.length > 0) {
    out.push(`${h} EBS copies into the DR account`, "");
    out.push(
      "| Copy region | Copies per run | Copies per day | Peak in flight | Peak in flight, first (full) copies | Each copy may take, to finish within the stagger window | … before the next run |",
      "|---|---:|---:|---:|---:|---:|---:|",
    );
    for (const load of estimate.ebsCopyLoads) {
      const within = load.minutesPerCopyWithinWindow === null ? "no window" : minutesText(load.minutesPerCopyWithinWindow);
      out.push(
        `| ${load.region} | ${number(load.copiesPerRun)} | ${number(load.copiesPerDay)} | ${number(load.peakInFlight)} | ${number(load.peakInFlightFirstDay)} | ${within} | ${minutesText(load.minutesPerCopyWithinInterval)} |`,
      );
    }
    out.push("");
  }

  const ok = estimate.rows.filter((row) => row.status === "ok");
  out.push(`${h} Within limits`, "");
  if (ok.length === 0) out.push("None.", "");
  else {
    out.push("| Quota | Account role | Rows | Highest demand | Limit | Where |", "|---|---|---:|---:|---:|---|");
    const groups = new Map<string, EstimatedRow[]>();
    for (const row of ok) groups.set(`${row.role}/${row.quotaKey}`, [...(groups.get(`${row.role}/${row.quotaKey}`) ?? []), row]);
    for (const rows of groups.values()) {
      const top = rows.reduce((a, b) => (b.demand > a.demand ? b : a));
      out.push(`| ${top.quota} | ${top.role === "dr" ? "DR" : "source"} | ${number(rows.length)} | ${number(top.demand)} | ${number(top.limit)} | ${roleLabel(top)} ${top.region} |`);
    }
    out.push("");
  }
  return out;
}

/** `report/capacity.md`. */
export function renderCapacityMarkdown(estimate: CapacityEstimate, configLabel: string): string {
  const out = [
    `# Capacity: ${configLabel}`,
    "",
    "<!-- Generated by npm run capacity. Do not edit: run it again. -->",
    "",
    "What the estate demands of every quota its copies consume, per account and region, from the configuration and its `capacity` inputs (README, Capacity).",
    "",
    ...renderCapacitySection(estimate),
  ];
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

/** The "Capacity" section of `npm run report` (report/dr-plan.md). */
export const capacityReportSection = (estimate: CapacityEstimate): string[] => [
  "## Capacity",
  "",
  "What the estate demands of the quotas its copies consume (`npm run capacity` writes the same as report/capacity.md and .json).",
  "",
  ...renderCapacitySection(estimate, 3),
];
