import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SYNTHESIS_NODE_OPTIONS } from "../stacks/synthesize-in-parallel";

/**
 * `npm run bench`: synthesizes generated configurations of 1, 100 and 1,000 source accounts (3 regions
 * each; the estates of bench-run.ts: EBS re-encryption, every flow at once, and the two estates of issue 10),
 * each in a fresh process, then runs `npm run capacity` on the largest estate, and prints wall time (process
 * start to exit), synthesis (or estimate) time (lint included), peak memory, resources (capacity: rows) and
 * output size. BENCH_SIZES=10,50 picks other sizes; BENCH_FLOWS=reencrypt,capacity picks estates.
 */
interface Measurement {
  readonly sourceAccounts: number;
  readonly flows: string;
  readonly stacks: number;
  readonly resources: number;
  readonly bytes: number;
  readonly synthMs: number;
  readonly peakRssMiB: number;
  /** CPU time of the run's processes (user and system). */
  readonly cpuMs: number;
  /** Processes the synthesis ran on (synthesize-in-parallel.ts). */
  readonly processes?: number;
}

const PROJECT_ROOT = path.resolve(__dirname, "..");
const sizes = (process.env.BENCH_SIZES ?? "1,100,1000").split(",").map(Number);
const flowSets = (process.env.BENCH_FLOWS ?? "reencrypt,every,cross-org,same-org,capacity").split(",");
const TARGET = { accounts: 1000, seconds: 30, mebibytes: 1024 };

const rows: string[] = [];
let missedTarget = false;
let failed = false;
for (const flows of flowSets) {
  for (const size of sizes) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-bench-"));
    const started = process.hrtime.bigint();
    const run = spawnSync(
      process.execPath,
      [...SYNTHESIS_NODE_OPTIONS, "-r", "./scripts/register-ts.js", "scripts/bench-run.ts", String(size), path.join(outdir, "cdktf.out"), flows],
      { cwd: PROJECT_ROOT, encoding: "utf8" },
    );
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(outdir, { recursive: true, force: true });
    if (run.status !== 0) {
      // A run that fails (e.g. a limit the synthesis checks) is a row of its own; the others still run.
      const reason = (run.stderr.match(/^(?:Error: )?(.*(?:limit|Invalid|over).*)$/m)?.[1] ?? run.stderr.trim().split("\n")[0] ?? "").slice(0, 160);
      rows.push(`| ${flows} | ${size} | failed after ${wallSeconds.toFixed(1)} s: ${reason.replace(/\|/g, "\\|")} | | | | | | |`);
      failed = true;
      continue;
    }
    const m = JSON.parse(run.stdout.trim().split("\n").pop() as string) as Measurement;
    rows.push(
      `| ${m.flows} | ${m.sourceAccounts} | ${m.stacks} | ${m.resources} | ${wallSeconds.toFixed(1)} s | ${(m.synthMs / 1000).toFixed(1)} s | ${(m.cpuMs / 1000).toFixed(1)} s${(m.processes ?? 1) > 1 ? ` (${m.processes} processes)` : ""} | ${Math.round(m.peakRssMiB)} MiB | ${(m.bytes / 1024 / 1024).toFixed(1)} MiB |`,
    );
    if (size === TARGET.accounts && (wallSeconds > TARGET.seconds || m.peakRssMiB > TARGET.mebibytes)) {
      missedTarget = true;
      console.error(`Target missed by ${flows} at ${size} accounts: ${wallSeconds.toFixed(1)} s, ${Math.round(m.peakRssMiB)} MiB`);
    }
  }
}

console.log(
  `Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg()[0].toFixed(1)} at the end`,
);
console.log("| flows | source accounts | stacks | resources | wall time | synthesis | CPU time | peak memory | output |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
if (failed) process.exitCode = 1;
if (missedTarget) {
  console.log(`Target missed: ${TARGET.accounts} accounts in <= ${TARGET.seconds} s and <= ${TARGET.mebibytes} MiB`);
  process.exitCode = 1;
}
