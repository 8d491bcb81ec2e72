/**
 * `npm run fuzz [-- --runs N] [--seed S] [--synthesize-every N accepted configurations]`: the property-based configuration test of
 * `npm test`, longer and with a random seed (printed, so that a failure can be replayed with --seed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runConfigFuzz } from "../__tests__/config/support/config-fuzz";
import { loadIamCatalog } from "../modules/policy-lint/lint-policies";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} expects a whole number, got '${process.argv[index + 1]}'`);
  return value;
}

async function main(): Promise<number> {
  const seed = option("seed", Math.floor(Math.random() * 2 ** 31));
  const runs = option("runs", 2000);
  const synthesizeEvery = option("synthesize-every", 10);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-fuzz-"));
  console.log(`Fuzzing the configuration: ${runs} runs, seed ${seed}, synthesizing every ${synthesizeEvery || "no"} accepted configuration(s)`);
  const started = Date.now();
  try {
    const summary = runConfigFuzz({
      seed,
      numRuns: runs,
      directory,
      maxBuilds: runs,
      synthesizeEvery,
      policyCatalog: await loadIamCatalog(),
      maxMillisecondsPerRun: 5000,
    });
    console.log(
      `OK in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.rejected} rejected cleanly, ${summary.accepted} accepted ` +
        `(${summary.built} built, ${summary.synthesized} synthesized and linted)`,
    );
    return 0;
  } catch (error) {
    console.error(`Property broken (replay with --seed ${seed} --runs ${runs}):\n${(error as Error).message}`);
    return 1;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

main().then((code) => (process.exitCode = code));
