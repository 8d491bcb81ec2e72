import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../modules/config/load-config";
import { loadIamCatalog } from "../modules/policy-lint/lint-policies";
import { synthesize } from "../stacks/synthesize";
import { disableTokenStackTraces } from "../modules/cdk/toolchain";
import { generateConfig } from "./generate-config";

/**
 * One benchmark run, in its own process so that its peak memory is its own: generate a configuration of
 * N source accounts (`reencrypt` only, or `every` flow), synthesize and lint it as main.ts does, and print
 * one JSON line of measurements.
 */
async function run(sourceAccounts: number, outdir: string, flows: string): Promise<void> {
  disableTokenStackTraces(); // as main.ts does
  const started = process.hrtime.bigint();
  const everyFlow = flows === "every";
  const config = parseConfig(
    generateConfig({ sourceAccounts, regionsPerAccount: 3, ...(everyFlow ? { sameOrganization: true, ebsMode: "mixed", backup: true, rds: true } : {}) }),
  );
  const result = synthesize(config, outdir, { policyCatalog: await loadIamCatalog() }); // as main.ts does
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
    JSON.stringify({ sourceAccounts, flows, stacks: result.stacks.length, resources, bytes, synthMs, peakRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

void run(Number(process.argv[2]), process.argv[3], process.argv[4] ?? "reencrypt");
