import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CDKTF, CDKTN } from "../modules/cdk/toolchain";
import { compareSynthOutputs } from "./cdktn/compare-output";
import { renameModuleSpecifiers, renamePackageManifest } from "./cdktn/rename-packages";

/**
 * `npm run check:cdktn`: proves the project portable to CDK Terrain (cdktn), the maintained fork of cdktf. It copies
 * the project into a throw-away directory, names the fork's packages there (module specifiers and package.json,
 * nothing else), installs them, type-checks, synthesizes the example and generated estates of every flow with both
 * toolchains and compares the outputs apart from the libraries' own metadata, then runs the test suite in the copy.
 * Exits 1 on any difference or failure. `--keep` keeps the copy; `--no-tests` stops after the comparison.
 */
const FORK_VERSIONS = { library: "0.24.0", awsBindings: "25.7.0" };
const PROJECT_ROOT = path.resolve(__dirname, "..");
const SKIPPED = new Set(["node_modules", ".git", "cdktf.out", "report", ".bench", "dist", "coverage"]);

function projectFiles(): string[] {
  try {
    const listed = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    return listed.split("\0").filter((file) => file && fs.existsSync(path.join(PROJECT_ROOT, file)) && !SKIPPED.has(file.split("/")[0]));
  } catch {
    const walk = (dir: string): string[] =>
      fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const name = path.posix.join(dir, entry.name);
        if (SKIPPED.has(entry.name) || entry.name.startsWith("cdktf.out")) return [];
        return entry.isDirectory() ? walk(name) : [name];
      });
    return walk("");
  }
}

function copyWithForkPackages(copy: string): number {
  let renamed = 0;
  for (const file of projectFiles()) {
    const target = path.join(copy, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (file === "package.json") {
      const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as Record<string, unknown>;
      fs.writeFileSync(target, `${JSON.stringify(renamePackageManifest(manifest, FORK_VERSIONS), null, 2)}\n`);
    } else if (file === "package-lock.json") {
      continue; // resolved anew for the fork's packages
    } else if (/\.(ts|js)$/.test(file)) {
      const { text, count } = renameModuleSpecifiers(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"));
      renamed += count;
      fs.writeFileSync(target, text);
    } else {
      fs.copyFileSync(path.join(PROJECT_ROOT, file), target);
      fs.chmodSync(target, fs.statSync(path.join(PROJECT_ROOT, file)).mode);
    }
  }
  return renamed;
}

function step(title: string, command: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const started = Date.now();
  process.stdout.write(`${title} … `);
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, maxBuffer: 256 * 1024 * 1024 });
  const ok = result.status === 0;
  console.log(`${ok ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { ok, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function main(): number {
  const keep = process.argv.includes("--keep");
  const runTests = !process.argv.includes("--no-tests");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-cdktn-"));
  const copy = path.join(work, "project");
  try {
    const renamed = copyWithForkPackages(copy);
    console.log(`Copied the project to ${copy}: ${renamed} module specifier(s) now name ${CDKTN.library} and ${CDKTN.awsBindings} instead of ${CDKTF.library} and ${CDKTF.awsBindings}.`);
    const install = step(`npm install (${CDKTN.library} ${FORK_VERSIONS.library}, ${CDKTN.awsBindings} ${FORK_VERSIONS.awsBindings})`, "npm", ["install", "--no-audit", "--no-fund"], copy);
    if (!install.ok) return fail(install.output);
    const typecheck = step("tsc --noEmit with the fork's types", "npx", ["tsc", "--noEmit"], copy);
    if (!typecheck.ok) return fail(typecheck.output);
    const estates = ["-r", "./scripts/register-ts.js", "scripts/cdktn/synth-estates.ts"];
    const original = step(`synthesize the estates with ${CDKTF.library}`, process.execPath, [...estates, path.join(work, "cdktf-out")], PROJECT_ROOT);
    if (!original.ok) return fail(original.output);
    const fork = step(`synthesize the estates with ${CDKTN.library}`, process.execPath, [...estates, path.join(work, "cdktn-out")], copy);
    if (!fork.ok) return fail(fork.output);
    const differences = compareSynthOutputs(path.join(work, "cdktf-out"), path.join(work, "cdktn-out"));
    if (differences.length > 0) return fail(`The outputs differ (${differences.length}):\n${differences.slice(0, 20).map((d) => `  - ${d}`).join("\n")}`);
    console.log("The synthesized Terraform is identical apart from the libraries' metadata.");
    if (runTests) {
      const tests = step(`npm test in the copy (${CDKTN.library})`, "npm", ["test"], copy);
      const summary = tests.output.split("\n").filter((line) => /^(Tests|Test Suites):/.test(line));
      console.log(summary.join("\n"));
      if (!tests.ok) return fail(tests.output.split("\n").filter((line) => /●|FAIL/.test(line)).slice(0, 40).join("\n"));
    }
    console.log(`Portable to ${CDKTN.library}: nothing to change but package names.`);
    return 0;
  } finally {
    if (keep) console.log(`Kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

function fail(details: string): number {
  console.error(details.trim());
  return 1;
}

process.exitCode = main();
