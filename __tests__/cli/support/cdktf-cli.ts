import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Runs the cdktf CLI of the project for the CLI tests, offline, or says why it cannot start. */

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");
const CDKTF = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
export const CLI_TIMEOUT_MS = 300_000;

/** Why the CLI cannot start here (not installed), else undefined: an installed CLI that fails is a test failure. */
function cliMissing(): string | undefined {
  return fs.existsSync(CDKTF) ? undefined : `${CDKTF} is not installed`;
}
const cannotStart = cliMissing();
if (cannotStart) console.warn(`NOTICE: the cdktf CLI tests are skipped: ${cannotStart}`);
export const describeWithCli = cannotStart ? describe.skip : describe;

/** Runs the cdktf CLI in the project, offline, and returns its exit code and output without colours or spinners. */
export function cdktf(args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const run = spawnSync(CDKTF, args, {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: CLI_TIMEOUT_MS,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", FORCE_COLOR: "0", ...env },
  });
  const output = `${run.stdout}\n${run.stderr}`
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "") // eslint-disable-line no-control-regex
    .split("\n")
    .filter((line) => !/^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(line))
    .join("\n");
  return { status: run.status, output };
}

