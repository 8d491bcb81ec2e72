import { type SnapshotDrConfig } from "../../../modules/config/load-config";
import { type SynthesizedApp } from "../synthesized-stacks";
import { ScpLevel, evaluate, isServiceLinkedRole } from "./evaluate";
import { flowsOf } from "./flows";
import { attachedScps } from "./policies";
import { withRequestFacts } from "./row-helpers";
import { backupRows } from "./rows/backup";
import { drGuardrailRows } from "./rows/dr-guardrails";
import { freshnessCheckRows } from "./rows/freshness-check";
import { rdsRows } from "./rows/rds";
import { reencryptRows } from "./rows/reencrypt";
import { shareRows } from "./rows/share";
import { Flow, MatrixRow, RowSpec } from "./types";

export { flowsOf } from "./flows";
export * from "./types";

/**
 * The access matrix of a configuration: for each flow the configuration switches on, the calls that must be
 * allowed and the misuses that must be denied, each evaluated with `@cloud-copilot/iam-simulate` against the
 * synthesized JSON (what Terraform deploys), with the statement(s) that decided it.
 *
 * Rows are derived from the configuration: the allowed calls for every source account × region, the misuses
 * per region (or per account where an SCP is attached per account) and per flow. Each row names the principal,
 * action, resource and the request context it passes (the simulator fills in none: `aws:PrincipalOrgID`,
 * `kms:ViaService`, `kms:GrantIsForAWSResource`, ... are given explicitly), the policies evaluated (identity
 * policies from the principal's stack, the resource policy from the resource's stack, the SCPs the `org-<id>`
 * stacks attach to the principal's account), the expected and the actual decision.
 *
 * Where a principal's identity policy is not part of the synthesized JSON (an AWS managed or service-linked
 * role policy, or a hypothetical administrator or outsider), the row uses an explicit stand-in that allows
 * everything: the decision then rests on the policies this project deploys, which is what the row proves.
 *
 * Layout: `types.ts` (rows and policies as data), `calls.ts` (what each flow does, written out independently of
 * the policies), `policies.ts` (reading policies out of the synthesized stacks), `evaluate.ts` (the simulator and the
 * statements that decided a row), `row-helpers.ts` (principals and request context), and one file per flow under
 * `rows/`: what that flow must be allowed to do and what must be denied.
 *
 * Dev-time only: `@cloud-copilot/iam-simulate` is AGPL-3.0 and a devDependency. Never import this module (or
 * anything under scripts/review/) from main.ts, modules/ or stacks/.
 */

/**
 * The access matrix of a configuration, evaluated against its synthesized stacks (`synthesizedApp`, e.g. from
 * `synthesizeToTemp(config)` or `new SynthesizedApp(outdir, synthesize(config, outdir).stacks)`).
 */
export async function accessMatrix(config: SnapshotDrConfig, synthesizedApp: SynthesizedApp): Promise<MatrixRow[]> {
  const specs = matrixSpecs(config, synthesizedApp);
  const scps = attachedScps(synthesizedApp);
  const organizationOf = new Map<string, string>([
    [config.drAccount.id, config.drAccount.organizationId],
    ...config.sourceAccounts.map((account) => [account.id, account.organizationId] as [string, string]),
  ]);
  /** SCPs apply to an account's principals (never to service-linked roles, which AWS exempts). */
  const scpLevelsFor = (principal: string): ScpLevel[] => {
    if (!principal.startsWith("arn:") || isServiceLinkedRole(principal)) return [];
    const account = principal.split(":")[4];
    const organizationId = organizationOf.get(account);
    const mine = scps.filter((scp) => scp.organizationId === organizationId);
    if (mine.length === 0) return [];
    // An SCP attached to a root or OU is taken to cover every configured account of that organization.
    const rootLevel = mine.filter((scp) => scp.target.startsWith("r-")).map((scp) => scp.ref);
    const ouLevel = mine.filter((scp) => scp.target.startsWith("ou-")).map((scp) => scp.ref);
    const accountLevel = mine.filter((scp) => scp.target === account).map((scp) => scp.ref);
    if (rootLevel.length + ouLevel.length + accountLevel.length === 0) return [];
    return [
      { orgIdentifier: "root", refs: rootLevel },
      ...(ouLevel.length ? [{ orgIdentifier: "ou", refs: ouLevel }] : []),
      { orgIdentifier: account, refs: accountLevel },
    ];
  };
  const counters = new Map<Flow, number>();
  const rows: MatrixRow[] = [];
  for (const spec of specs) {
    const n = (counters.get(spec.flow) ?? 0) + 1;
    counters.set(spec.flow, n);
    rows.push(await evaluate(spec, scpLevelsFor(spec.principal), `${spec.flow}-${String(n).padStart(3, "0")}`));
  }
  return rows;
}

/** The row specifications of every flow of the configuration, flow by flow. */
export function matrixSpecs(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const flows = flowsOf(config);
  const builders: Record<Flow, () => RowSpec[]> = {
    reencrypt: () => reencryptRows(config, app),
    share: () => shareRows(config, app),
    backup: () => backupRows(config, app),
    rds: () => rdsRows(config, app),
  };
  return flows.flatMap((flow) =>
    [...builders[flow](), ...drGuardrailRows(config, app, flow, flows), ...freshnessCheckRows(config, app, flow, flows)].map((spec) => withRequestFacts(config, spec)),
  );
}
