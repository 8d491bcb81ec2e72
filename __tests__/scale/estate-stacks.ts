/**
 * Test support for estates of any size: the stacks whose content depends on the number of source accounts,
 * synthesized and checked as `synthesize()` checks them (construct validations, then the policy lint with its
 * limit checks), without building the other source stacks.
 *
 * Every `source-<id>` stack depends only on its own account and the DR account, so a large estate adds
 * source stacks of one shape: the first and the last stand for them all. The DR stack and the `org-<id>`
 * stacks are the ones that see every account, and they are all here.
 */
import { App } from "cdktf";
import * as path from "path";
import type { SnapshotDrConfig } from "../../modules/config/load-config";
import { formatFinding, lintStacks, readSynthesizedStacks, type IamCatalog, type SynthesizedStackJson } from "../../modules/policy-lint/lint-policies";
import { applyRulePack } from "../../modules/rules/rule-pack";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { OrgManagementStack, organizationsWithWork } from "../../stacks/org-management-stack";
import { SourceAccountStack } from "../../stacks/source-account-stack";
import { validationProblems } from "../../stacks/synthesize";

export interface EstateStacks {
  readonly outdir: string;
  readonly stacks: readonly SynthesizedStackJson[];
  /** Construct validations and lint findings, formatted as the synthesis prints them. */
  readonly problems: readonly string[];
  readonly stackDir: (stack: string) => string;
}

/** Builds and synthesizes the DR stack, the org stacks and the first and last source stacks into `outdir`. */
export function synthesizeEstateStacks(config: SnapshotDrConfig, outdir: string, catalog: IamCatalog): EstateStacks {
  const app = new App({ outdir, skipValidation: true, skipBackendValidation: true });
  const sampled = [...new Set([config.sourceAccounts[0], config.sourceAccounts[config.sourceAccounts.length - 1]])];
  const stacks = [
    new DrAccountStack(app, config),
    ...sampled.map((account) => new SourceAccountStack(app, config, account)),
    ...organizationsWithWork(config).map((organization) => new OrgManagementStack(app, config, organization)),
  ];
  for (const stack of stacks) applyRulePack(stack);
  const validations = validationProblems(app);
  app.synth();
  const synthesized = readSynthesizedStacks(outdir);
  const findings = lintStacks(synthesized, { catalog }).map(formatFinding);
  return { outdir, stacks: synthesized, problems: [...validations, ...findings], stackDir: (stack) => path.join(outdir, "stacks", stack) };
}

/** The policies of a stack by resource path and attribute (addresses left out: they may change), for comparing sizes. */
export function policiesByPath(stack: SynthesizedStackJson): Map<string, string> {
  const policies = new Map<string, string>();
  const resources = (stack.json as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {};
  for (const [type, byName] of Object.entries(resources)) {
    for (const body of Object.values(byName)) {
      const where = String((body["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? type);
      for (const attribute of ["policy", "assume_role_policy", "content"]) {
        if (typeof body[attribute] === "string") policies.set(`${where} ${attribute}`, body[attribute] as string);
      }
    }
  }
  return policies;
}
