import { App } from "cdktf";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { applyRulePack } from "../modules/rules/rule-pack";
import { DrAccountStack } from "./dr-account-stack";
import { OrgManagementStack, organizationsWithWork } from "./org-management-stack";
import { SourceAccountStack } from "./source-account-stack";

/** Which stacks of the configuration an app holds (synthesize-in-parallel.ts builds an estate in parts). */
export interface AppPart {
  /** The DR stack and the `org-<id>` stacks. */
  readonly sharedStacks: boolean;
  /** The source accounts whose `source-<id>` stacks it holds. */
  readonly sourceAccountIds: ReadonlySet<string>;
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Where `app.synth()` writes. */
  readonly outdir: string;
  /** @default - every stack */
  readonly part?: AppPart;
}

/**
 * Every stack of a configuration (docs/design.md §3): `dr-<id>`, `source-<id>` per source account, and
 * `org-<id>` for each organization whose management account has something to deploy.
 * Validations are run by the caller (see synthesize.ts), all at once, before anything is written.
 */
export function buildApp(config: SnapshotDrConfig, options: BuildAppOptions): App {
  // No stack trace in the manifest's annotations: it would name this checkout's paths and the caller's, and the
  // output must be the same wherever and however it is synthesized.
  const app = new App({ outdir: options.outdir, skipValidation: true, skipBackendValidation: true, stackTraces: false });
  const shared = options.part?.sharedStacks ?? true;
  const sources = options.part ? config.sourceAccounts.filter((account) => options.part!.sourceAccountIds.has(account.id)) : config.sourceAccounts;
  const stacks = [
    ...(shared ? [new DrAccountStack(app, config)] : []),
    ...sources.map((account) => new SourceAccountStack(app, config, account)),
    ...(shared ? organizationsWithWork(config).map((organization) => new OrgManagementStack(app, config, organization)) : []),
  ];
  for (const stack of stacks) applyRulePack(stack);
  return app;
}
