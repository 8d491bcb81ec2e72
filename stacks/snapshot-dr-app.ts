import { App } from "cdktf";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import { applyRulePack } from "../modules/rules/rule-pack";
import { DrAccountStack } from "./dr-account-stack";
import { OrgManagementStack, organizationsWithWork } from "./org-management-stack";
import { SourceAccountStack } from "./source-account-stack";

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Where `app.synth()` writes. */
  readonly outdir: string;
}

/**
 * Every stack of a configuration (docs/design.md §3): `dr-<id>`, `source-<id>` per source account, and
 * `org-<id>` for each organization whose management account has something to deploy.
 * Validations are run by the caller (see synthesize.ts), all at once, before anything is written.
 */
export function buildApp(config: SnapshotDrConfig, options: BuildAppOptions): App {
  const app = new App({ outdir: options.outdir, skipValidation: true, skipBackendValidation: true });
  const stacks = [
    new DrAccountStack(app, config),
    ...config.sourceAccounts.map((account) => new SourceAccountStack(app, config, account)),
    ...organizationsWithWork(config).map((organization) => new OrgManagementStack(app, config, organization)),
  ];
  for (const stack of stacks) applyRulePack(stack);
  return app;
}
