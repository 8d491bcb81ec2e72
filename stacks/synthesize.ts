import { AnnotationMetadataEntryType, App, TerraformStack } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { formatFinding, IamCatalog, lintStacks, readSynthesizedStacks } from "../modules/policy-lint/lint-policies";
import { buildApp } from "./snapshot-dr-app";

/** The construct validations that failed, every one of them, with the path of the construct. */
export class SynthValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Synthesis stopped: ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "SynthValidationError";
  }
}

/** Runs every construct's validations (eager checks already ran in constructors) and returns all messages. */
export function validationProblems(app: App): string[] {
  const problems: string[] = [];
  for (const node of app.node.findAll()) {
    for (const message of node.node.validate()) problems.push(`[${node.node.path}] ${message}`);
  }
  return problems;
}

/** Synthesis results, for the command line and the benchmark. */
export interface SynthResult {
  readonly stacks: readonly string[];
  /** What a reviewer must know or do by hand (cdktf warning annotations), with the construct path. */
  readonly notices: readonly string[];
}

/** The warnings constructs left for the reviewer. */
export function reviewNotices(app: App): string[] {
  return app.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata.filter((entry) => entry.type === AnnotationMetadataEntryType.WARN).map((entry) => `[${node.node.path}] ${String(entry.data)}`),
    );
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * The IAM catalogue (`loadIamCatalog()`): with it, every policy of the synthesized JSON is linted before
   * the output is published, and any finding stops the synthesis.
   * @default - no policy lint (tests that do not need it; the command line always lints)
   */
  readonly policyCatalog?: IamCatalog;
  /**
   * Leave the stack folders the new output no longer has, for the cdktf CLI to delete: it lists
   * `<outdir>/stacks/*` before it runs the app and removes (without `force`) those the manifest no longer
   * names, so a folder already gone fails the command with ENOENT (cdktf-cli 0.21, SynthStack.synth).
   * The output stays all or nothing: nothing is written unless the synthesis succeeds.
   * @default false - the folders of stacks the configuration no longer has are removed
   */
  readonly leaveStaleStacksToCdktfCli?: boolean;
}

// What Terraform keeps in a stack directory between runs; a new synthesis must not wipe it.
const TERRAFORM_WORKING_FILES = new Set([".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup"]);

/**
 * Synthesizes a configuration into `outdir`, all or nothing: the stacks are built and every validation
 * runs before anything is written; output goes to a staging directory beside `outdir`, its policies are
 * linted there (given the catalogue), and it replaces the previous output only when complete, so a failure
 * never leaves a partial `cdktf.out/`.
 */
export function synthesize(config: SnapshotDrConfig, outdir: string, options: SynthesizeOptions = {}): SynthResult {
  const target = path.resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = buildApp(config, { outdir: staging });
    const problems = validationProblems(app);
    if (problems.length > 0) throw new SynthValidationError(problems);
    app.synth();
    if (options.policyCatalog) {
      const findings = lintStacks(readSynthesizedStacks(staging), { catalog: options.policyCatalog });
      if (findings.length > 0) throw new SynthValidationError(findings.map(formatFinding));
    }
    publish(staging, target, options.leaveStaleStacksToCdktfCli ?? false);
    return { stacks: app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id), notices: reviewNotices(app) };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function publish(staging: string, target: string, leaveStaleStacks: boolean): void {
  const stagedStacks = path.join(staging, "stacks");
  const targetStacks = path.join(target, "stacks");
  fs.mkdirSync(targetStacks, { recursive: true });
  const stackNames = new Set(fs.readdirSync(stagedStacks));
  for (const name of leaveStaleStacks ? [] : fs.readdirSync(targetStacks)) {
    if (!stackNames.has(name)) fs.rmSync(path.join(targetStacks, name), { recursive: true, force: true });
  }
  for (const name of stackNames) {
    const from = path.join(stagedStacks, name);
    const to = path.join(targetStacks, name);
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(to)) {
      if (!TERRAFORM_WORKING_FILES.has(entry)) fs.rmSync(path.join(to, entry), { recursive: true, force: true });
    }
    for (const entry of fs.readdirSync(from)) fs.renameSync(path.join(from, entry), path.join(to, entry));
  }
  for (const entry of fs.readdirSync(staging)) {
    if (entry !== "stacks") fs.renameSync(path.join(staging, entry), path.join(target, entry));
  }
}
