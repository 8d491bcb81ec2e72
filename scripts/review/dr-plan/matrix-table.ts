/** The access matrix as markdown table lines: one line per row, with the statement(s) that decided it. */
import { PRINCIPAL_CONTEXT_KEYS, type DecidingStatement, type MatrixRow } from "../access-matrix";

/** A markdown table cell: `|` escaped, line breaks as <br>. */
export const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
/** Inline code (backquotes become quotes), nothing for an empty text. */
export const code = (text: string) => (text === "" ? "" : `\`${text.replace(/`/g, "'")}\``);

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

export const MATRIX_HEADER = [
  "| Row | Description | Principal | Action | Resource | Context keys given | Expected | Actual | Decided by |",
  "|---|---|---|---|---|---|---|---|---|",
];

export function matrixLine(row: MatrixRow): string {
  const actual = row.asExpected ? `${row.actual}` : `**${row.actual}** ⚠️`;
  return `| ${row.id} | ${cell(row.description)} | ${cell(code(row.principalLabel))} | ${cell(code(row.action))} | ${cell(row.resourceLabel)} | ${cell(contextText(row))} | ${row.expected} | ${actual} | ${cell(decidedByText(row.decidedBy))} |`;
}

/** Matches a matrix row line of dr-plan.md (one per row, in the per-flow tables). */
export const MATRIX_ROW_LINE = /^\| (reencrypt|share|backup|rds)-\d{3,} \|/;
