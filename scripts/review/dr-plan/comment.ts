/** The body of a pull-request comment: the report, cut where needed to fit GitHub's limit. */
import type { DrPlan } from "./plan";

/** GitHub refuses a comment body over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** The line before the access matrix section, where a report too long for a comment is cut. */
export const MATRIX_MARKER = "<!-- dr-plan:access-matrix -->";
/** The line before the copy tables, where a report still too long for a comment is cut. */
export const COPY_PATHS_MARKER = "<!-- dr-plan:copy-paths -->";

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
