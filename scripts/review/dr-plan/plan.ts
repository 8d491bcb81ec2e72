/** The plan of a configuration (dr-plan.json): flows, copy paths, the access matrix, stacks and notes. */
import type { SnapshotDrConfig } from "../../../modules/config/load-config";
import { accessMatrix, FLOW_TITLES, FLOWS, flowsOf, type Flow, type MatrixRow } from "../access-matrix";
import type { SynthesizedApp } from "../synthesized-stacks";
import { copyPaths, type CopyPath } from "./copy-paths";
import { notesOf } from "./notes";
import { sorted } from "./text";

export interface StackSummary {
  readonly stack: string;
  readonly account: string;
  readonly regions: readonly string[];
  readonly resources: number;
  readonly resourceTypes: Readonly<Record<string, number>>;
}

export interface FlowSummary {
  readonly flow: Flow;
  readonly title: string;
  readonly enabled: boolean;
  readonly rows: number;
  readonly calls: number;
  readonly misuses: number;
  readonly differ: number;
}

/** Everything the report says, as data (dr-plan.json). */
export interface DrPlan {
  readonly generatedBy: string;
  readonly config: {
    /** The configuration file, relative to the project when inside it, else its base name. */
    readonly file: string;
    /** sha256 of the file's bytes. */
    readonly sha256: string;
    readonly namePrefix: string;
    readonly partition: string;
    readonly drAccount: string;
    readonly organizations: readonly string[];
  };
  readonly flows: readonly FlowSummary[];
  readonly copyPaths: readonly CopyPath[];
  readonly matrixSummary: { readonly rows: number; readonly asExpected: number; readonly differ: number; readonly differing: readonly string[] };
  readonly matrix: readonly MatrixRow[];
  readonly stacks: readonly StackSummary[];
  readonly notes: readonly string[];
}

/** The stacks of the synthesis: account, regions, resources by type. */
export function stackSummaries(app: SynthesizedApp): StackSummary[] {
  return sorted(app.stacks.keys()).map((name) => {
    const stack = app.stack(name);
    const resources = (stack.json.resource ?? {}) as Record<string, Record<string, unknown>>;
    const resourceTypes = Object.fromEntries(sorted(Object.keys(resources)).map((type) => [type, Object.keys(resources[type]).length]));
    const providers = (stack.json.provider?.aws ?? []) as { region: string }[];
    return {
      stack: name,
      account: stack.accountId,
      regions: sorted(new Set(providers.map((p) => p.region))),
      resources: Object.values(resourceTypes).reduce((a, b) => a + b, 0),
      resourceTypes,
    };
  });
}

/** The plan of a configuration and its synthesized stacks. */
export async function buildDrPlan(config: SnapshotDrConfig, app: SynthesizedApp, configFile: { file: string; sha256: string }): Promise<DrPlan> {
  const matrix = await accessMatrix(config, app);
  const enabled = new Set(flowsOf(config));
  const differing = matrix.filter((row) => !row.asExpected).map((row) => row.id);
  return {
    generatedBy: "npm run report (scripts/review/report.ts)",
    config: {
      ...configFile,
      namePrefix: config.namePrefix,
      partition: config.partition,
      drAccount: config.drAccount.id,
      organizations: sorted(config.organizations.map((o) => o.id)),
    },
    flows: FLOWS.map((flow) => {
      const rows = matrix.filter((row) => row.flow === flow);
      return {
        flow,
        title: FLOW_TITLES[flow],
        enabled: enabled.has(flow),
        rows: rows.length,
        calls: rows.filter((row) => row.category === "call").length,
        misuses: rows.filter((row) => row.category === "misuse").length,
        differ: rows.filter((row) => !row.asExpected).length,
      };
    }),
    copyPaths: copyPaths(config),
    matrixSummary: { rows: matrix.length, asExpected: matrix.length - differing.length, differ: differing.length, differing },
    matrix,
    stacks: stackSummaries(app),
    notes: notesOf(config, matrix),
  };
}

/** dr-plan.json: the plan as is, for a pipeline (deterministic: the plan holds no timestamp or temporary path). */
export function renderJson(plan: DrPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
