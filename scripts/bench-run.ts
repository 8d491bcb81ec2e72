import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../modules/config/load-config";
import { loadIamCatalog } from "../modules/policy-lint/lint-policies";
import { processUsage } from "../stacks/synthesize";
import { synthesizeInParallel } from "../stacks/synthesize-in-parallel";
import { disableTokenStackTraces } from "../modules/cdk/toolchain";
import { stringify } from "yaml";
import { runCapacity } from "./capacity";
import { generateConfig, type GeneratedConfigOptions } from "./generate-config";

/** The estates the benchmark synthesizes, by name. */
export const BENCH_ESTATES: Record<string, Omit<GeneratedConfigOptions, "sourceAccounts">> = {
  reencrypt: { regionsPerAccount: 3 },
  every: { regionsPerAccount: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true },
  // The two estates of issue 10: across organizations with share mode and RDS; one organization with AWS Backup
  // (copyToRegion), RDS and share mode.
  "cross-org": { regionsPerAccount: 3, sourceOrganizations: 2, ebsMode: "share", rds: true },
  "same-org": { regionsPerAccount: 3, sameOrganization: true, ebsMode: "share", backup: true, backupCopyToRegion: true, rds: true },
};

/**
 * One benchmark run, in its own process so that its peak memory is its own: generate a configuration of
 * N source accounts (one of BENCH_ESTATES), synthesize and lint it as main.ts does, and print one JSON line of
 * measurements. `capacity` runs `npm run capacity` on the `same-org` estate instead (YAML file in, report out).
 */
async function run(sourceAccounts: number, outdir: string, flows: string): Promise<void> {
  disableTokenStackTraces(); // as main.ts does
  if (flows === "capacity") return runCapacityBench(sourceAccounts, outdir);
  const started = process.hrtime.bigint();
  const config = parseConfig(generateConfig({ sourceAccounts, ...BENCH_ESTATES[flows] }));
  const result = await synthesizeInParallel(config, outdir, { policyCatalog: await loadIamCatalog() }); // as main.ts does
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;

  let resources = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        bytes += fs.statSync(full).size;
        if (entry.name === "cdk.tf.json") {
          const stack = JSON.parse(fs.readFileSync(full, "utf8")) as { resource?: Record<string, object> };
          for (const ofType of Object.values(stack.resource ?? {})) resources += Object.keys(ofType).length;
        }
      }
    }
  };
  walk(outdir);
  console.log(
    JSON.stringify({
      sourceAccounts,
      flows,
      stacks: result.stacks.length,
      resources,
      bytes,
      synthMs,
      // The parts a parallel synthesis ran elsewhere count too: their peaks added (they run at once), their CPU.
      peakRssMiB: processUsage().peakRssMiB + sum(result.otherProcesses?.map((usage) => usage.peakRssMiB)),
      cpuMs: processUsage().cpuMs + sum(result.otherProcesses?.map((usage) => usage.cpuMs)),
      processes: 1 + (result.otherProcesses?.length ?? 0),
    }),
  );
}

const sum = (values: readonly number[] | undefined) => (values ?? []).reduce((total, value) => total + value, 0);

/** `npm run capacity` on the `same-org` estate: its YAML written into outdir, the report next to it. */
function runCapacityBench(sourceAccounts: number, outdir: string): void {
  const configFile = path.join(path.dirname(outdir), "estate.yaml");
  fs.writeFileSync(configFile, stringify(generateConfig({ sourceAccounts, ...BENCH_ESTATES["same-org"] })));
  const started = process.hrtime.bigint();
  const log = console.log;
  console.log = () => undefined; // the command's own output is not the measurement line
  const error = console.error;
  console.error = () => undefined;
  try {
    runCapacity(configFile, path.join(path.dirname(outdir), "report"));
  } finally {
    console.log = log;
    console.error = error;
  }
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
  const rows = (JSON.parse(fs.readFileSync(path.join(path.dirname(outdir), "report", "capacity.json"), "utf8")) as { rows: unknown[] }).rows.length;
  const bytes = fs.statSync(path.join(path.dirname(outdir), "report", "capacity.json")).size;
  console.log(JSON.stringify({ sourceAccounts, flows: "capacity", stacks: 0, resources: rows, bytes, synthMs, ...processUsage() }));
}

void run(Number(process.argv[2]), process.argv[3], process.argv[4] ?? "reencrypt");
