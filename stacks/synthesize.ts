import { AnnotationMetadataEntryType, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { checkStacks, formatFinding, IamCatalog, lintStacks, lintTargets, policiesInStacks, readSynthesizedStacks } from "../modules/policy-lint/lint-policies";
import type { Finding } from "../modules/policy-lint/types";
import { buildApp, type AppPart } from "./snapshot-dr-app";

/** The construct validations that failed, every one of them, with the path of the construct. */
export class SynthValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Synthesis stopped: ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "SynthValidationError";
  }
}

/** Runs every construct's validations (eager checks already ran in constructors) and returns all messages. */
export function validationProblems(scope: IConstruct): string[] {
  const problems: string[] = [];
  for (const node of scope.node.findAll()) {
    for (const message of node.node.validate()) problems.push(`[${node.node.path}] ${message}`);
  }
  return problems;
}

/** Synthesis results, for the command line and the benchmark. */
export interface SynthResult {
  readonly stacks: readonly string[];
  /** What a reviewer must know or do by hand (cdktf warning annotations), with the construct path. */
  readonly notices: readonly string[];
  /** The other processes a parallel synthesis ran (synthesize-in-parallel.ts), for the benchmark. @default - none */
  readonly otherProcesses?: readonly ProcessUsage[];
}

/** What a process used: peak resident memory and CPU time (user and system). */
export interface ProcessUsage {
  readonly peakRssMiB: number;
  readonly cpuMs: number;
}

/** This process's usage so far. */
export function processUsage(): ProcessUsage {
  const usage = process.resourceUsage();
  return { peakRssMiB: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 };
}

/** The warnings constructs left for the reviewer. */
export function reviewNotices(scope: IConstruct): string[] {
  return scope.node
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
  const staging = stagingDirectoryOf(target);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = buildApp(config, { outdir: staging });
    const problems = validationProblems(app);
    if (problems.length > 0) throw new SynthValidationError(problems);
    app.synth();
    lintStaged(staging, options);
    publish(staging, target, options.leaveStaleStacksToCdktfCli ?? false);
    return { stacks: app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id), notices: reviewNotices(app) };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Where a synthesis into `target` is staged until it is complete. */
export const stagingDirectoryOf = (target: string) => `${target}.staging-${process.pid}`;

/** The policy lint over a staged synthesis (given the catalogue): any finding stops the synthesis. */
export function lintStaged(staging: string, options: SynthesizeOptions): void {
  if (!options.policyCatalog) return;
  const findings = lintStacks(readSynthesizedStacks(staging), { catalog: options.policyCatalog });
  if (findings.length > 0) throw new SynthValidationError(findings.map(formatFinding));
}

/**
 * What one part of an estate's stacks left: each stack's validation problems and review notices, in app order, and
 * the lint's findings on its policies and on its stacks' limits (when linted).
 */
export interface PartResult {
  readonly stacks: readonly { readonly name: string; readonly problems: readonly string[]; readonly notices: readonly string[] }[];
  readonly policyFindings: readonly Finding[];
  readonly stackFindings: readonly Finding[];
  /** Set by a part that ran in a process of its own. */
  readonly usage?: ProcessUsage;
}

/**
 * Builds and validates a part of the stacks, and synthesizes it into `outdir` when none has a problem, then lints
 * what it synthesized (given the catalogue).
 */
export function synthesizePart(config: SnapshotDrConfig, outdir: string, part: AppPart, policyCatalog?: IamCatalog): PartResult {
  const app = buildApp(config, { outdir, part });
  const stacks = app.node.children.filter(TerraformStack.isStack).map((stack) => ({ name: stack.node.id, problems: validationProblems(stack), notices: reviewNotices(stack) }));
  if (stacks.some((stack) => stack.problems.length > 0)) return { stacks, policyFindings: [], stackFindings: [] };
  app.synth();
  if (!policyCatalog) return { stacks, policyFindings: [], stackFindings: [] };
  const synthesized = readSynthesizedStacks(outdir);
  return { stacks, policyFindings: lintTargets(policiesInStacks(synthesized), { catalog: policyCatalog }), stackFindings: checkStacks(synthesized) };
}

/** Moves a complete staged synthesis into `target`, keeping Terraform's working files of the stacks that stay. */
export function publish(staging: string, target: string, leaveStaleStacks: boolean): void {
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
