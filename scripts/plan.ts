import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadConfig, type SnapshotDrConfig } from "../modules/config/load-config";
import {
  formatPlanSummary,
  formatDiagnostic,
  OfflineTerraform,
  offlineTerraformAvailability,
  type StackRunResult,
} from "../modules/offline-terraform/offline-terraform";
import { SynthValidationError } from "../stacks/synthesize";

/**
 * `npm run plan`: plans every stack of DR_CONFIG (default config/example.yaml) with real Terraform, offline
 * (fake credentials, local backend, provider from the filesystem mirror; see
 * modules/offline-terraform/offline-terraform.ts). Writes report/plans/<stack>.txt (`terraform show`) and
 * report/plans/<stack>.json (`terraform show -json`), prints one line per stack and a total, and exits
 * non-zero if any stack fails, with terraform's errors. Synthesizes into a temp dir: cdktf.out is untouched.
 */

const PROJECT_ROOT = path.resolve(__dirname, "..");
const REPORT_DIR = path.join(PROJECT_ROOT, "report", "plans");

function stackLine(result: StackRunResult): string {
  if (!result.ok) return `${result.stack}: FAILED at terraform ${result.failedStep}`;
  return `${result.stack}: ${result.plan ? formatPlanSummary(result.plan.summary) : "no plan"}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const configFile = process.env.DR_CONFIG || "config/example.yaml";
  const availability = offlineTerraformAvailability();
  if (!availability.available) {
    console.error(`npm run plan needs terraform and the AWS provider mirror: ${availability.reasons.join("; ")}`);
    return 2;
  }

  let config: SnapshotDrConfig;
  try {
    config = loadConfig(configFile);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const terraform = new OfflineTerraform();
  try {
    console.log(`Planning ${configFile} offline with ${availability.summary}`);
    let report;
    try {
      report = await terraform.checkConfig(config, { validate: true, plan: true, planText: true });
    } catch (error) {
      if (error instanceof SynthValidationError) {
        console.error(error.message);
        return 1;
      }
      throw error;
    }

    // Only this run's plans in report/plans: files of stacks no longer in the configuration go.
    fs.mkdirSync(REPORT_DIR, { recursive: true });
    for (const file of fs.readdirSync(REPORT_DIR)) {
      if (file.endsWith(".txt") || file.endsWith(".json")) fs.rmSync(path.join(REPORT_DIR, file));
    }
    for (const result of report.results) {
      if (!result.plan) continue;
      fs.writeFileSync(path.join(REPORT_DIR, `${result.stack}.txt`), result.plan.text ?? "");
      fs.writeFileSync(path.join(REPORT_DIR, `${result.stack}.json`), `${JSON.stringify(result.plan.json, null, 2)}\n`);
    }

    for (const result of report.results) {
      console.log(stackLine(result));
      for (const warning of result.validation?.diagnostics.filter((d) => d.severity === "warning") ?? []) {
        console.warn(`  ${formatDiagnostic(warning).replace(/\n/g, "\n  ")}`);
      }
    }
    const planned = report.results.filter((result) => result.plan).length;
    console.log(
      `Total: ${formatPlanSummary(report.total)} (${planned} of ${report.results.length} stack(s) planned in ${seconds(report.durationMs)}; plans in ${path.relative(process.cwd(), REPORT_DIR) || "."})`,
    );
    if (!report.ok) {
      console.error(`\n${report.failures.length} stack(s) failed:\n`);
      for (const failure of report.failures) console.error(`${failure.error?.message ?? `${failure.stack}: failed`}\n`);
      return 1;
    }
    return 0;
  } finally {
    terraform.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
