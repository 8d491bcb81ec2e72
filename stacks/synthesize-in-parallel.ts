import { spawn } from "child_process";
import { Manifest } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { formatFinding } from "../modules/policy-lint/lint-policies";
import type { Finding } from "../modules/policy-lint/types";
import { publish, stagingDirectoryOf, synthesize, synthesizePart, SynthValidationError, type PartResult, type SynthesizeOptions, type SynthResult } from "./synthesize";

/**
 * Synthesis of a large estate on every core: its `source-<id>` stacks depend on nothing but the configuration,
 * so they are built, synthesized and linted in parts, one process each, while this process does the DR and
 * organization stacks and the first part. The parts meet in the staging directory as one synthesis (one
 * manifest, written by the library's own Manifest), published all or nothing as by {@link synthesize}. The output is byte-identical to {@link synthesize}'s; problems and notices come in the same
 * order. Small estates are synthesized in this process only: a process costs more to start than a hundred stacks.
 */

/** Below this many source accounts per process, fewer processes. */
export const MIN_SOURCE_ACCOUNTS_PER_PROCESS = 100;
/** At most this many processes: each holds the library and its part of the estate in memory. */
export const MAX_PROCESSES = 4;

/** Options of {@link synthesizeInParallel}. */
export interface ParallelSynthesizeOptions extends SynthesizeOptions {
  /** @default - the machine's available parallelism, at most {@link MAX_PROCESSES} */
  readonly processes?: number;
  /** @default {@link MIN_SOURCE_ACCOUNTS_PER_PROCESS} */
  readonly minSourceAccountsPerProcess?: number;
}

/**
 * A larger young generation for a synthesis process: synthesis allocates many short-lived objects (tokens, resolved
 * copies), and with V8's default semi-space the scavenges took a fifth of the CPU. Also in package.json's synth
 * script and cdktf.json's app. Measured by npm run bench at 1,000 accounts: 32 MiB saved ~15% of the CPU time;
 * 64 MiB saved no more and passed 1 GiB.
 */
export const SYNTHESIS_NODE_OPTIONS = ["--max-semi-space-size=32"];

const PROJECT_ROOT = path.resolve(__dirname, "..");
const PART_SCRIPT = path.join(__dirname, "synthesize-part.ts");
const REGISTER_TS = path.join(PROJECT_ROOT, "scripts", "register-ts.js");

/** A part's job, as the part process reads it. */
export interface PartJob {
  readonly configFile: string;
  readonly outdir: string;
  readonly sourceAccountIds: readonly string[];
  /** Lint the part's policies (the part loads the IAM catalogue itself). */
  readonly lint: boolean;
}

export async function synthesizeInParallel(config: SnapshotDrConfig, outdir: string, options: ParallelSynthesizeOptions = {}): Promise<SynthResult> {
  const wanted = options.processes ?? Math.min(os.availableParallelism(), MAX_PROCESSES);
  const processes = Math.min(wanted, Math.floor(config.sourceAccounts.length / (options.minSourceAccountsPerProcess ?? MIN_SOURCE_ACCOUNTS_PER_PROCESS)));
  if (processes < 2) return synthesize(config, outdir, options);

  const target = path.resolve(outdir);
  const staging = stagingDirectoryOf(target);
  const partsDir = `${staging}-parts`;
  const chunks = sourceAccountChunks(config.sourceAccounts.map((account) => account.id), processes);
  for (const directory of [staging, partsDir]) fs.rmSync(directory, { recursive: true, force: true });
  try {
    fs.mkdirSync(partsDir, { recursive: true });
    const configFile = path.join(partsDir, "config.json");
    fs.writeFileSync(configFile, JSON.stringify(config));
    // The other parts start first, so that they run while this process builds its own.
    const lint = options.policyCatalog !== undefined;
    const jobs = chunks.slice(1).map((sourceAccountIds, index) => ({ configFile, outdir: path.join(partsDir, `part-${index + 1}`), sourceAccountIds, lint }));
    const running = jobs.map((job) => runPart(job, partsDir));
    const own = synthesizePart(config, staging, { sharedStacks: true, sourceAccountIds: new Set(chunks[0]) }, options.policyCatalog);
    const others = await Promise.all(running);

    // As one app would have them: the DR stack, the source stacks in the configuration's order, the org stacks.
    const firstSources = chunks[0].length;
    const stacks = [own.stacks[0], ...own.stacks.slice(1, 1 + firstSources), ...others.flatMap((part) => part.stacks), ...own.stacks.slice(1 + firstSources)];
    const problems = stacks.flatMap((stack) => stack.problems);
    if (problems.length > 0) throw new SynthValidationError(problems);

    // In the lint's order over one output: the policy findings, then the stacks' limits, each by stack name.
    const byStack = (findings: readonly Finding[]) => [...findings].sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
    const parts = [own, ...others];
    const findings = [...byStack(parts.flatMap((part) => part.policyFindings)), ...byStack(parts.flatMap((part) => part.stackFindings))];
    if (findings.length > 0) throw new SynthValidationError(findings.map(formatFinding));

    mergeParts(staging, jobs.map((job) => job.outdir));
    publish(staging, target, options.leaveStaleStacksToCdktfCli ?? false);
    const otherProcesses = others.flatMap((part) => (part.usage ? [part.usage] : []));
    return { stacks: stacks.map((stack) => stack.name), notices: stacks.flatMap((stack) => stack.notices), otherProcesses };
  } finally {
    for (const directory of [staging, partsDir]) fs.rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The source accounts of each part, in the configuration's order, evenly: this process's extra work (the DR and
 * organization stacks, the merge) costs about what another process's start does (npm run bench: no gain from
 * giving this one fewer).
 */
export function sourceAccountChunks(ids: readonly string[], processes: number): string[][] {
  const size = Math.ceil(ids.length / processes);
  return Array.from({ length: processes }, (_, index) => ids.slice(index * size, (index + 1) * size)).filter((chunk) => chunk.length > 0);
}

/** Moves the parts' stack folders into the staging directory and writes one manifest naming every stack. */
function mergeParts(staging: string, parts: readonly string[]): void {
  const readManifest = (directory: string) => JSON.parse(fs.readFileSync(path.join(directory, Manifest.fileName), "utf8")) as { version: string; stacks: Record<string, unknown> };
  const own = readManifest(staging);
  const manifest = new Manifest(own.version, staging, false);
  Object.assign(manifest.stacks, own.stacks);
  for (const part of parts) {
    Object.assign(manifest.stacks, readManifest(part).stacks);
    for (const stack of fs.readdirSync(path.join(part, Manifest.stacksFolder))) {
      fs.renameSync(path.join(part, Manifest.stacksFolder, stack), path.join(staging, Manifest.stacksFolder, stack));
    }
  }
  manifest.writeToFile();
}

/** Runs one part in a process of its own; rejects with its output when it fails. */
function runPart(job: PartJob, partsDir: string): Promise<PartResult> {
  const jobFile = path.join(partsDir, `${path.basename(job.outdir)}.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SYNTHESIS_NODE_OPTIONS, "-r", REGISTER_TS, PART_SCRIPT, jobFile], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const output = Buffer.concat(stdout).toString("utf8").trim();
      if (code === 0) {
        try {
          return resolve(JSON.parse(output.split("\n").pop() ?? "") as PartResult);
        } catch {
          // reported below
        }
      }
      const detail = Buffer.concat(stderr).toString("utf8").trim().split("\n").slice(-5).join(" / ");
      reject(new Error(`The synthesis of ${job.sourceAccountIds.length} source stack(s) in another process failed (exit code ${code}): ${detail || output.slice(-500)}`));
    });
  });
}
