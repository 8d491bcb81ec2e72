/**
 * `npm run report`: the DR plan of the configuration named by DR_CONFIG (default config/example.yaml), for a
 * reviewer and for a pipeline. It synthesizes the configuration into a temporary directory (cdktf.out is not
 * touched), evaluates the access matrix (scripts/review/access-matrix/) against the synthesized JSON, and
 * writes, into DR_REPORT_DIR (default report/):
 *
 * - `dr-plan.md`: a mermaid diagram of the organizations, accounts, regions and keys with the copy paths of
 *   each flow; a table per flow of what is copied where, under which key and for how long; the stacks and
 *   their resources; the access matrix (every row, Allowed/Denied, the statement that decided it);
 * - `dr-plan.json`: the same facts, for a pipeline that fails a pull request whose matrix changed;
 * - `dr-plan-comment.md`: `dr-plan.md` if it fits in a GitHub comment (65,536 characters), else its beginning
 *   (summary, rows that differ, diagram, and what fits of the rest) with a pointer to the full report;
 * - `summary.md`: the report within GitHub's 1 MiB job-summary limit (scripts/review/dr-plan/job-summary.ts).
 *
 * Both are deterministic: the same configuration gives byte-identical files (no timestamps, no temporary
 * paths, stable order). Prints one summary line, and exits 1 if any matrix row's actual decision differs from
 * the expected one (after writing the files), 1 on an invalid configuration.
 *
 * Dev-time only (it uses the AGPL-3.0 simulator through access-matrix/).
 *
 * The parts are in scripts/review/dr-plan/: the plan as data (plan.ts, copy-paths.ts, notes.ts), its renderers
 * (markdown.ts, mermaid.ts, matrix-table.ts), GitHub's limits (comment.ts, job-summary.ts) and the files
 * (write-report.ts). This file is the command.
 */
import * as path from "path";
import { ConfigError } from "../../modules/config/load-config";
import { SynthValidationError } from "../../stacks/synthesize";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";
import { exitCodeFor, PROJECT_ROOT, writeReport } from "./dr-plan/write-report";

export { COPY_PATHS_MARKER, commentBody, GITHUB_COMMENT_LIMIT, MATRIX_MARKER } from "./dr-plan/comment";
export { copyPaths, type CopyPath, type CopyStep } from "./dr-plan/copy-paths";
export { renderMarkdown } from "./dr-plan/markdown";
export { cell, decidedByText, MATRIX_ROW_LINE } from "./dr-plan/matrix-table";
export { DIAGRAM_MAX_ACCOUNTS, mermaidDiagram, mermaidId, mermaidLabel } from "./dr-plan/mermaid";
export { buildDrPlan, renderJson, stackSummaries, type DrPlan, type FlowSummary, type StackSummary } from "./dr-plan/plan";
export { configLabel, exitCodeFor, type ReportResult, writeReport } from "./dr-plan/write-report";

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
