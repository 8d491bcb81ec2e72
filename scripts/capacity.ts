/**
 * `npm run capacity`: what the estate named by DR_CONFIG (default config/example.yaml) demands of every AWS quota
 * its copies consume, per account and region (modules/capacity/). Synthesizes nothing. Writes, into DR_REPORT_DIR
 * (default report/), `capacity.json` (docs/design.md §6) and `capacity.md`, prints the summary and the commands
 * that request increases of adjustable quotas that are near or over, and exits 1 when a limit AWS does not raise
 * is exceeded (or the configuration is invalid, with the same message as `npm run synth`), 0 otherwise.
 */
import * as fs from "fs";
import * as path from "path";
import { blockingRows, estimateCapacity } from "../modules/capacity/estimate";
import { QUOTAS } from "../modules/capacity/quotas";
import { capacitySummary, increaseCommands, renderCapacityJson, renderCapacityMarkdown } from "../modules/capacity/render";
import { ConfigError, loadConfig } from "../modules/config/load-config";

const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The configuration file as the report names it: relative to the working directory when inside it. */
const label = (file: string) => (path.isAbsolute(file) && !path.relative(process.cwd(), file).startsWith("..") ? path.relative(process.cwd(), file) : file);

export function runCapacity(configFile: string, outDir: string): number {
  let estimate;
  try {
    estimate = estimateCapacity(loadConfig(configFile), `in ${configFile}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  fs.mkdirSync(outDir, { recursive: true });
  const markdownPath = path.join(outDir, "capacity.md");
  const jsonPath = path.join(outDir, "capacity.json");
  fs.writeFileSync(markdownPath, renderCapacityMarkdown(estimate, label(configFile)));
  fs.writeFileSync(jsonPath, renderCapacityJson(estimate));
  console.log(`capacity ${label(configFile)}: ${capacitySummary(estimate)}; wrote ${label(markdownPath)} and ${label(jsonPath)}`);

  const commands = increaseCommands(estimate);
  if (commands.length > 0) console.log(`\nRequest the increases (each with the credentials of the account above it):\n${commands.join("\n")}`);
  const blocking = blockingRows(estimate);
  if (blocking.length === 0) return 0;
  console.error("\nOver a limit AWS does not raise:");
  for (const row of blocking.slice(0, 10)) {
    console.error(`  - ${row.account} ${row.region}: ${row.quota}: ${row.demand} > ${row.limit}; ${QUOTAS[row.quotaKey].remedy}`);
  }
  if (blocking.length > 10) console.error(`  - and ${blocking.length - 10} more (see ${label(markdownPath)})`);
  return 1;
}

if (require.main === module) {
  process.exitCode = runCapacity(process.env.DR_CONFIG || "config/example.yaml", process.env.DR_REPORT_DIR || path.join(PROJECT_ROOT, "report"));
}
