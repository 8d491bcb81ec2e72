import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { DrCopyRecord } from "./dr-copy-policy-model";
import { simulateEstate, type EstateOptions, type EstateRun } from "./estate-simulation";

/**
 * The estate simulation in a Node process of its own, for the large estates. Inside jest's sandbox every read of
 * a global (Map, Set, Date, Math, Number) goes through the sandbox's context and costs several times what it
 * costs in plain Node; the copier's plan, which runs hundreds of thousands of times, took three times as long
 * there. The run comes back as JSON, its dates and maps restored.
 *
 * As a script: `node -r ./scripts/register-ts.js estate-in-own-process.ts <options.json> <run.json>`.
 */

const ROOT = path.join(__dirname, "..", "..");

/** EstateRun without its method, as JSON carries it. */
interface SerializedRun {
  readonly start: string;
  readonly end: string;
  readonly accountIds: string[];
  readonly region: string;
  readonly drCopies: (Omit<DrCopyRecord, "creationTime" | "completionTime" | "recoveryPoint"> & { creationTime: string; completionTime: string; recoveryPoint: string })[];
  readonly sourceSnapshots: { accountId: string; region: string; volumeId: string; snapshotId: string; time: string }[];
  readonly deadLetters: EstateRun["deadLetters"];
  readonly dlmFailures: EstateRun["dlmFailures"];
  readonly logCounts: [string, number][];
  readonly ec2Calls: [string, number][];
  readonly maxCopiesInProgress: number;
  readonly maxDlmWaiting: number;
  readonly transitCopies: EstateRun["transitCopies"];
  readonly invocations: number;
}

const serialize = (run: EstateRun): string =>
  JSON.stringify({ ...run, drCopies: run.drCopies(), logCounts: [...run.logCounts], ec2Calls: [...run.ec2Calls] });

function revive(json: string): EstateRun {
  const run = JSON.parse(json) as SerializedRun;
  const drCopies: DrCopyRecord[] = run.drCopies.map((copy) => ({
    ...copy,
    creationTime: new Date(copy.creationTime),
    completionTime: new Date(copy.completionTime),
    recoveryPoint: new Date(copy.recoveryPoint),
  }));
  return {
    ...run,
    start: new Date(run.start),
    end: new Date(run.end),
    drCopies: () => drCopies,
    sourceSnapshots: run.sourceSnapshots.map((snapshot) => ({ ...snapshot, time: new Date(snapshot.time) })),
    logCounts: new Map(run.logCounts),
    ec2Calls: new Map(run.ec2Calls),
  };
}

/** {@link simulateEstate} in a child process; rejects with the child's error output when it fails. */
export async function simulateEstateInOwnProcess(options: EstateOptions): Promise<EstateRun> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "estate-simulation-"));
  try {
    const optionsFile = path.join(directory, "options.json");
    const runFile = path.join(directory, "run.json");
    fs.writeFileSync(optionsFile, JSON.stringify(options));
    // The young generation synthesis uses too (package.json): the simulation allocates as briskly.
    const args = ["--max-semi-space-size=32", "-r", "./scripts/register-ts.js", path.relative(ROOT, __filename), optionsFile, runFile];
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let errors = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk));
      child.on("error", reject);
      child.on("close", (status) => (status === 0 ? resolve(errors) : reject(new Error(`The estate simulation exited with ${status}:\n${errors}`))));
    });
    if (!fs.existsSync(runFile)) throw new Error(`The estate simulation wrote no result:\n${stderr}`);
    return revive(fs.readFileSync(runFile, "utf8"));
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [optionsFile, runFile] = process.argv.slice(2);
  simulateEstate(JSON.parse(fs.readFileSync(optionsFile, "utf8")) as EstateOptions)
    .then((run) => fs.writeFileSync(runFile, serialize(run)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
