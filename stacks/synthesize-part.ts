import * as fs from "fs";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { disableTokenStackTraces } from "../modules/cdk/toolchain";
import { loadIamCatalog } from "../modules/policy-lint/lint-policies";
import type { PartJob } from "./synthesize-in-parallel";
import { processUsage, synthesizePart } from "./synthesize";

/**
 * One part of a parallel synthesis (synthesize-in-parallel.ts), in a process of its own: the source stacks the job
 * names, validated, synthesized into the job's directory when none has a problem, and linted. Prints one JSON line:
 * each stack's problems and notices, the lint's findings, and what the process used.
 */
async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as PartJob;
  disableTokenStackTraces(); // as main.ts does (SNAPSHOT_DR_TOKEN_STACK_TRACES=1 keeps them)
  const config = JSON.parse(fs.readFileSync(job.configFile, "utf8")) as SnapshotDrConfig;
  const catalog = job.lint ? await loadIamCatalog() : undefined;
  const result = synthesizePart(config, job.outdir, { sharedStacks: false, sourceAccountIds: new Set(job.sourceAccountIds) }, catalog);
  process.stdout.write(`${JSON.stringify({ ...result, usage: processUsage() })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
