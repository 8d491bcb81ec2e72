/**
 * `npm run report` (scripts/review/report.ts): dr-plan.md and dr-plan.json for the example and for a generated
 * configuration with every flow; deterministic output; the command line's exit code and summary line.
 *
 * Each report costs a synthesis and a few hundred simulated requests, so the file makes three and shares them:
 * the example through the function and through the command (two runs, for determinism), the every-flow
 * configuration through the command only (its files are read back and checked against the functions).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";
import { loadConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { FLOW_TITLES, FLOWS } from "../../scripts/review/access-matrix";
import { GITHUB_STEP_SUMMARY_LIMIT, jobSummary } from "../../scripts/review/dr-plan/job-summary";
import {
  commentBody,
  type DrPlan,
  exitCodeFor,
  GITHUB_COMMENT_LIMIT,
  MATRIX_MARKER,
  MATRIX_ROW_LINE,
  renderJson,
  renderMarkdown,
  type ReportResult,
  writeReport,
} from "../../scripts/review/report";
import { synthesizeToTemp } from "../../scripts/review/synthesized-stacks";
import { mermaidProblems } from "./support/mermaid-problems";
import { type CommandRun, readReport, runCommand } from "./support/report-runs";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLE_FILE = path.join(ROOT, "config", "example.yaml");

let tmp: string;
/** The example through the function. */
let first: ReportResult;
/** The example through the command: a second run, in another process. */
let exampleCommand: CommandRun;
let exampleCommandDir: string;
/** The every-flow configuration through the command, read back. */
let everyFlowCommand: CommandRun;
let everyFlow: Omit<ReportResult, "summaryLine">;
let everyFlowFile: string;

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name));
const mermaidBlock = (markdown: string) => /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? "";
const matrixLines = (markdown: string) => markdown.split("\n").filter((line) => MATRIX_ROW_LINE.test(line));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "report-test-"));
  everyFlowFile = path.join(tmp, "every-flow.json");
  fs.writeFileSync(everyFlowFile, JSON.stringify(generateConfig({ sourceAccounts: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }), null, 2));
  exampleCommandDir = path.join(tmp, "cli-example");
  const commands = Promise.all([runCommand("config/example.yaml", exampleCommandDir), runCommand(everyFlowFile, path.join(tmp, "cli-every-flow"))]);
  disableTokenStackTraces(); // as the command does
  first = await writeReport({ configFile: EXAMPLE_FILE, outDir: path.join(tmp, "first") });
  [exampleCommand, everyFlowCommand] = await commands;
  if (everyFlowCommand.status !== 0) throw new Error(`npm run report of the every-flow configuration failed:\n${everyFlowCommand.stderr}`);
  everyFlow = readReport(path.join(tmp, "cli-every-flow"));
}, 180_000); // three reports, two of them in processes of their own: about a minute on a loaded 2-core machine

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the report of the example", () => {
  test("has a mermaid flowchart of the organizations, accounts, regions and keys with the re-encryption paths", () => {
    // GIVEN the report of the example
    const diagram = mermaidBlock(first.markdown);
    // WHEN its mermaid block is read
    // THEN it is a valid flowchart (quoted labels, alphanumeric IDs, balanced subgraphs) with both organizations,
    //      every account, KMS-B and KMS-C, and the copy paths: each source region to KMS-B, each KMS-B to each KMS-C
    expect(diagram.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaidProblems(diagram)).toEqual([]);
    for (const text of ["Organization o-aaaaaaaaaa", "Organization o-bbbbbbbbbb (DR)", "DR account 222222222222", "payments-prod 111111111111", "ledger-prod 333333333333"]) {
      expect(diagram).toContain(text);
    }
    expect(diagram).toContain("KMS-B<br/>alias/snapshot-dr/kms-b");
    expect(diagram).toContain("KMS-C<br/>alias/snapshot-dr/kms-c");
    expect(diagram.match(/-->\|"reencrypt: copy under KMS-B, share"\|/g)).toHaveLength(3);
    expect(diagram.match(/-->\|"DLM copy, keep 35 days"\|/g)).toHaveLength(4);
  });

  test("has a copy table for the re-encryption flow only, with keys and retention from the configuration", () => {
    // GIVEN the report of the example (re-encryption only)
    const section = first.markdown.slice(first.markdown.indexOf("## What is copied where"), first.markdown.indexOf("## Stacks"));
    // WHEN the copy tables are read
    // THEN there is one, for re-encryption, naming KMS-B and KMS-C by alias and the configured retention
    expect(section.match(/^### .*$/gm)).toEqual([`### ${FLOW_TITLES.reencrypt}`]);
    expect(section).toContain("`alias/snapshot-dr/kms-b (KMS-B, DR account)` | 48 h |");
    expect(section).toContain("`alias/snapshot-dr/kms-c (KMS-C, DR account)` | 35 days |");
    expect(section).toContain("| 111111111111 eu-west-1 | source |");
    expect(section).toContain("| 333333333333 us-east-1 | source |");
  });

  test("lists every matrix row with its expected and actual decision and the statement that decided it", () => {
    // GIVEN the report's plan and markdown
    const lines = matrixLines(first.markdown);
    // WHEN each matrix row is looked up in the markdown
    // THEN it appears exactly once, with expected, actual and each deciding statement's Sid and resource address
    expect(lines).toHaveLength(first.plan.matrix.length);
    for (const row of first.plan.matrix) {
      const mine = lines.filter((line) => line.startsWith(`| ${row.id} |`));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain(` | ${row.expected} | ${row.actual} | `);
      for (const statement of row.decidedBy) {
        if (statement.sid) expect(mine[0]).toContain(`Sid \`${statement.sid}\``);
        if (statement.address) expect(mine[0]).toContain(`\`${statement.address}\``);
      }
    }
    expect(first.markdown).toContain("**Access matrix: 121 rows, every one as expected.**");
    expect(first.markdown.indexOf(MATRIX_MARKER)).toBeGreaterThan(first.markdown.indexOf("## Stacks"));
  });

  test("lists the stacks with their resource counts and types, as synthesized", () => {
    // GIVEN the example synthesized separately
    const app = synthesizeToTemp(loadConfig(EXAMPLE_FILE), "report-stacks");
    try {
      for (const [name, stack] of app.stacks) {
        // WHEN a stack's resources are counted from its cdk.tf.json
        const types = Object.entries(stack.json.resource as Record<string, Record<string, unknown>>);
        const count = types.reduce((sum, [, resources]) => sum + Object.keys(resources).length, 0);
        // THEN the report has its line with the account and that count, and each resource type with its count
        const line = first.markdown.split("\n").find((l) => l.startsWith(`| ${name} | ${stack.accountId} |`));
        expect(line).toBeDefined();
        expect(line).toContain(` | ${count} | `);
        for (const [type, resources] of types) expect(line).toContain(`\`${type}\` ${Object.keys(resources).length}`);
      }
      expect(first.plan.stacks.map((s) => s.stack)).toEqual([...app.stacks.keys()].sort());
    } finally {
      app.cleanup();
    }
  });

  test("is byte-identical when run twice, with no temporary path or timestamp", () => {
    // GIVEN two runs of the report on the example, into two directories (the function here, the command in a process of its own)
    // WHEN their files are compared
    // THEN they are byte-identical
    expect(exampleCommand.status).toBe(0);
    for (const name of ["dr-plan.md", "dr-plan.json", "dr-plan-comment.md", "summary.md"]) {
      expect(read(exampleCommandDir, name).equals(read(path.dirname(first.markdownPath), name))).toBe(true);
    }
    // AND they mention no temporary directory and no date
    for (const text of [first.markdown, first.json]) {
      expect(text).not.toContain(os.tmpdir());
      expect(text).not.toContain("snapshot-dr-report-");
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  test("writes JSON with the same facts and as many matrix rows as the markdown", () => {
    // GIVEN dr-plan.json of the example
    const plan = JSON.parse(fs.readFileSync(first.jsonPath, "utf8")) as DrPlan;
    // WHEN it is parsed
    // THEN it has the flows, copy paths, stacks and matrix, with as many rows as the markdown's matrix
    expect(plan.matrix).toHaveLength(matrixLines(first.markdown).length);
    expect(plan.matrixSummary).toEqual({ rows: 121, asExpected: 121, differ: 0, differing: [] });
    expect(plan.flows.map((f) => [f.flow, f.enabled])).toEqual(FLOWS.map((flow) => [flow, flow === "reencrypt"]));
    expect(plan.copyPaths).toHaveLength(3);
    expect(plan.stacks.map((s) => s.stack)).toEqual(["dr-222222222222", "org-o-bbbbbbbbbb", "source-111111111111", "source-333333333333"]);
    expect(plan.config).toEqual(expect.objectContaining({ file: "config/example.yaml", drAccount: "222222222222" }));
    expect(plan.matrix[0]).toEqual(
      expect.objectContaining({ id: "reencrypt-001", flow: "reencrypt", expected: "Allowed", actual: "Allowed", decidedBy: expect.any(Array), context: expect.any(Object) }),
    );
  });

  test("its comment body is within GitHub's limit: the whole report when it fits, else cut before the access matrix", () => {
    // GIVEN the example's report (its matrix now carries the DR guardrails' rows too)
    const comment = fs.readFileSync(first.commentPath, "utf8");
    // WHEN its comment body is read THEN it is under GitHub's limit
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    // AND it is the whole report if that fits, otherwise everything before the matrix and a pointer to the rest
    if (first.markdown.length < GITHUB_COMMENT_LIMIT) expect(comment).toBe(first.markdown);
    else {
      expect(comment.startsWith(first.markdown.slice(0, first.markdown.indexOf(MATRIX_MARKER)))).toBe(true);
      expect(comment).toContain("longer than a GitHub comment allows");
    }
  });
});

describe("the job summary of the example", () => {
  test("is the whole report while it fits GitHub's 1 MiB, else cut at a section with a pointer to the artifact", () => {
    // GIVEN the example's report and its summary.md
    const summary = fs.readFileSync(path.join(path.dirname(first.markdownPath), "summary.md"), "utf8");
    // WHEN it is compared with the report THEN it is the report (68 KiB fits), and what jobSummary makes of it
    expect(Buffer.byteLength(first.markdown)).toBeLessThan(GITHUB_STEP_SUMMARY_LIMIT);
    expect(summary).toBe(first.markdown);
    expect(summary).toBe(jobSummary(first.markdown, "dr-plan"));
    // AND under a limit the report outgrows (as a large estate's outgrows 1 MiB: the full run is in job-summary.slow.test.ts),
    //     the summary keeps whole leading sections up to the access matrix, within the limit, and names the artifact
    const limit = 48 * 1024;
    const cut = jobSummary(first.markdown, "dr-plan", limit);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(limit);
    expect(cut.startsWith(first.markdown.slice(0, first.markdown.indexOf("## Diagram")))).toBe(true);
    expect(cut).not.toContain("## Access matrix");
    const kept = cut.slice(0, cut.indexOf("\n> This summary is cut"));
    expect(first.markdown.startsWith(kept)).toBe(true);
    expect(first.markdown.slice(kept.length).replace(/^\n+/, "").startsWith("## ")).toBe(true); // the next section, whole, is left out
    expect(cut).toContain("artifact `dr-plan`");
  });
});

describe("the report of a configuration with every flow", () => {
  test("has a table and matrix rows for every flow, and the rows that differ at the top", () => {
    // GIVEN the report of a same-organization configuration with every flow
    const markdown = everyFlow.markdown;
    const copies = markdown.slice(markdown.indexOf("## What is copied where"), markdown.indexOf("## Stacks"));
    // WHEN its sections are read
    // THEN there is a copy table per flow, every row of the JSON matrix is in the markdown, and the diagram is valid
    expect(copies.match(/^### .*$/gm)).toEqual(FLOWS.map((flow) => `### ${FLOW_TITLES[flow]}`));
    expect(matrixLines(markdown)).toHaveLength((JSON.parse(everyFlow.json) as DrPlan).matrix.length);
    expect(mermaidProblems(mermaidBlock(markdown))).toEqual([]);
    for (const flow of FLOWS) expect(mermaidBlock(markdown)).toMatch(new RegExp(`-->\\|"${flow}: `));
    expect(mermaidBlock(markdown)).toContain("subgraph orgo0000000001src[");
    // AND no row differs from the expected decision, so there is no such section
    expect(everyFlow.plan.matrixSummary.differ).toBe(0);
    expect(markdown).not.toContain("## Rows that differ");
  });

  test("lists a row that differs from the expected decision before the diagram, and the command fails on it", () => {
    // GIVEN the every-flow plan with one row whose expectation is turned around (what a policy regression looks like)
    const plan = everyFlow.plan;
    const [first] = plan.matrix;
    const flippedRow = { ...first, expected: first.actual === "Allowed" ? ("Denied" as const) : ("Allowed" as const), asExpected: false };
    const flipped: DrPlan = {
      ...plan,
      matrix: [flippedRow, ...plan.matrix.slice(1)],
      matrixSummary: { ...plan.matrixSummary, asExpected: plan.matrixSummary.rows - 1, differ: 1, differing: [first.id] },
    };
    // WHEN it is rendered
    const markdown = renderMarkdown(flipped, loadConfig(everyFlowFile));
    // THEN the row is listed at the top, before the diagram, and kept in the comment; the exit code is 1
    const top = markdown.slice(0, markdown.indexOf("## Diagram"));
    expect(top).toContain("## Rows that differ");
    expect(top).toContain(`| ${first.id} (differs) |`);
    expect(commentBody(markdown, flipped)).toContain(`| ${first.id} (differs) |`);
    expect(exitCodeFor(flipped)).toBe(1);
    expect(exitCodeFor(plan)).toBe(0);
  });

  test("cuts the comment before the access matrix when the whole report is too long", () => {
    // GIVEN the every-flow report, longer than a GitHub comment
    const comment = fs.readFileSync(everyFlow.commentPath, "utf8");
    // WHEN its comment body is read
    // THEN it is under the limit, keeps the summary, the differing rows and the diagram, and says where the matrix is
    expect(everyFlow.markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain("**Access matrix: 428 rows, every one as expected.**");
    expect(comment).toContain("```mermaid");
    expect(comment).toContain("longer than a GitHub comment allows");
    expect(matrixLines(comment)).toEqual([]);
  });
});

describe("npm run report", () => {
  test("writes the example's files, prints one summary line and exits 0", () => {
    // GIVEN the example configuration
    const outDir = exampleCommandDir;
    // WHEN the command runs (in beforeAll)
    const result = exampleCommand;
    // THEN it exits 0 with one line, and writes the same files as the function
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toMatch(/^dr-plan config\/example\.yaml: 121 matrix rows \(reencrypt 121\), all as expected; wrote /);
    expect(read(outDir, "dr-plan.md").equals(read(path.dirname(first.markdownPath), "dr-plan.md"))).toBe(true);
    expect(read(outDir, "dr-plan.json").equals(read(path.dirname(first.markdownPath), "dr-plan.json"))).toBe(true);
  });

  test("writes the every-flow files and exits 0: every row as expected", () => {
    // GIVEN the every-flow configuration
    const outDir = path.dirname(everyFlow.markdownPath);
    // WHEN the command runs (in beforeAll)
    const result = everyFlowCommand;
    // THEN it exits 0 with one line
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toContain("all as expected");
    // AND its files are what the functions make of the plan it wrote: dr-plan.json holds the whole plan, and
    //     dr-plan.md, the comment and the job summary are rendered from it
    const markdown = renderMarkdown(everyFlow.plan, loadConfig(everyFlowFile));
    expect(renderJson(everyFlow.plan)).toBe(everyFlow.json);
    expect(read(outDir, "dr-plan.md").toString("utf8")).toBe(markdown);
    expect(read(outDir, "dr-plan-comment.md").toString("utf8")).toBe(commentBody(markdown, everyFlow.plan));
    expect(read(outDir, "summary.md").toString("utf8")).toBe(jobSummary(markdown, "dr-plan"));
  });

  test("exits non-zero with the configuration's problems when it is invalid", async () => {
    // GIVEN a configuration with an invalid account ID
    const bad = path.join(tmp, "bad.yaml");
    fs.writeFileSync(bad, fs.readFileSync(EXAMPLE_FILE, "utf8").replace('id: "222222222222"', 'id: "2222"'));
    // WHEN the command runs
    const result = await runCommand(bad, path.join(tmp, "cli-bad"));
    // THEN it exits 1 with the problem and writes nothing
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("drAccount.id: expected 12 digits");
    expect(fs.existsSync(path.join(tmp, "cli-bad"))).toBe(false);
  });
});
