/** Writes the report's files (dr-plan.md, dr-plan.json, dr-plan-comment.md, summary.md) for a configuration file. */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig } from "../../../modules/config/load-config";
import { synthesize } from "../../../stacks/synthesize";
import { SynthesizedApp } from "../synthesized-stacks";
import { commentBody } from "./comment";
import { jobSummary } from "./job-summary";
import { renderMarkdown } from "./markdown";
import { buildDrPlan, renderJson, type DrPlan } from "./plan";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

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
