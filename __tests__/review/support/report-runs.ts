/** `npm run report` as the tests run it: as a process of its own, and its files read back. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { DrPlan, ReportResult } from "../../../scripts/review/report";

const ROOT = path.join(__dirname, "..", "..", "..");

export interface CommandRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run report` as a process of its own, on DR_CONFIG into DR_REPORT_DIR. */
export const runCommand = (configFile: string, outDir: string): Promise<CommandRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "./scripts/register-ts.js", "scripts/review/report.ts"], {
      cwd: ROOT,
      env: { ...process.env, DR_CONFIG: configFile, DR_REPORT_DIR: outDir },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });

/** A report as the command left it on disk: its files, and the plan parsed back from dr-plan.json. */
export function readReport(outDir: string): Omit<ReportResult, "summaryLine"> {
  const markdownPath = path.join(outDir, "dr-plan.md");
  const jsonPath = path.join(outDir, "dr-plan.json");
  const json = fs.readFileSync(jsonPath, "utf8");
  return { plan: JSON.parse(json) as DrPlan, markdown: fs.readFileSync(markdownPath, "utf8"), json, markdownPath, jsonPath, commentPath: path.join(outDir, "dr-plan-comment.md") };
}
