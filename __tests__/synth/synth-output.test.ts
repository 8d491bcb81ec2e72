import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUNDLED_EXAMPLE, chooseConfiguration, runByCdktfCli } from "../../modules/cli/configuration-choice";
import { formatSynthSummary, layoutNotice, outputWidth, wrapLine } from "../../modules/cli/synth-summary";
import { EXAMPLE_ACCOUNT_IDS } from "../../modules/stack/example-account-guard";
import { generateConfig } from "../../scripts/generate-config";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const ORG_NOTICE =
  "[org-o-0000000001src] AWS Backup needs trusted access to the organization before cross-account backup can be enabled.\n" +
  "Terraform cannot grant it without managing the whole organization (aws_organizations_organization), so run this once,\n" +
  "with credentials of the management account, before deploying the org stack:\n\n" +
  "    aws organizations enable-aws-service-access --service-principal backup.amazonaws.com\n\n" +
  "Check it with: aws organizations list-aws-service-access-for-organization (the list must include backup.amazonaws.com).";

describe("what a synthesis prints", () => {
  // The stacks of a 1,000-account estate with AWS Backup, as the app names them (dr-, source-, org-<id>).
  const thousand = generateConfig({ sourceAccounts: 1000, sameOrganization: true, backup: true });
  const stacks = ["dr-222222222222", ...thousand.sourceAccounts.map((account) => `source-${account.id}`), "org-o-0000000001src"];
  const result = { stacks, notices: [ORG_NOTICE] };
  const chosen = { file: "estate.yaml", chosenBy: "DR_CONFIG" } as const;

  test("1,000 accounts: counts per kind with a few names, every line within 80 columns", () => {
    // GIVEN the stacks and the notice of a 1,000-account synthesis WHEN summarized for an 80-column terminal
    const lines = formatSynthSummary(result, chosen, "cdktf.out", { width: 80, listAllStacks: false });
    // THEN it is a handful of lines, none wider than the terminal
    expect(lines.slice(0, 5)).toEqual([
      "Synthesized 1,002 stack(s) from estate.yaml (DR_CONFIG) into cdktf.out:",
      "  dr:     1 (dr-222222222222)",
      "  source: 1,000 (source-100000000001, source-100000000002, source-100000000003",
      "          and 997 more)",
      "  org:    1 (org-o-0000000001src)",
    ]);
    expect(lines).toContain("Every stack name: SNAPSHOT_DR_LIST_STACKS=1 npm run synth (or npx cdktf list).");
    expect(lines.length).toBeLessThan(25);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  test("every name when asked, still within the width", () => {
    // GIVEN the same stacks WHEN every name is asked for on a 100-column terminal
    const lines = formatSynthSummary(result, chosen, "cdktf.out", { width: 100, listAllStacks: true });
    // THEN every stack name is there, and no line is wider than 100
    const printed = lines.join(" ").split(/[\s,()]+/);
    for (const stack of stacks) expect(printed).toContain(stack);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  test("a notice is reflowed, its command kept whole with a shell continuation", () => {
    // GIVEN the org stack's notice WHEN laid out for 60 columns
    const lines = layoutNotice(`Review: ${ORG_NOTICE}`, 60);
    // THEN no line is wider, the paragraphs are reflowed, and the command still reads as one in a shell
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(60);
    expect(lines[0]).toBe("Review: [org-o-0000000001src] AWS Backup needs trusted");
    expect(lines).toContain("      aws organizations enable-aws-service-access \\");
    expect(lines).toContain("          --service-principal backup.amazonaws.com");
  });

  test("under the cdktf CLI the notices are left to the CLI, which prints each from the manifest", () => {
    // GIVEN a synthesis with a notice WHEN summarized for the CLI THEN the notice is not printed by the app
    const lines = formatSynthSummary(result, chosen, "cdktf.out", { width: 80, listAllStacks: false, noticesPrintedByCdktfCli: true });
    expect(lines.join("\n")).not.toContain("AWS Backup needs trusted access");
  });

  test("the bundled example, when nobody chose it, says so and how to choose", () => {
    // GIVEN the example synthesized by default WHEN summarized
    const lines = formatSynthSummary({ stacks: ["dr-222222222222"], notices: [] }, { file: BUNDLED_EXAMPLE, chosenBy: "default" }, "cdktf.out", {
      width: 80,
      listAllStacks: false,
    });
    // THEN the summary names it and says that its accounts refuse diff and deploy
    expect(lines[0]).toBe("Synthesized 1 stack(s) from config/example.yaml (the bundled example) into");
    expect(lines.join(" ")).toMatch(/No configuration was chosen, so this is the bundled example, whose made-up\s+accounts refuse cdktf diff and deploy/);
  });

  test("a word longer than the line is cut, never overflowing", () => {
    expect(wrapLine(`see ${"x".repeat(50)}`, 20)).toEqual(["see", `  ${"x".repeat(18)}`, `  ${"x".repeat(18)}`, `  ${"x".repeat(14)}`]);
  });

  test("the width is the terminal's, else COLUMNS, else 80", () => {
    expect(outputWidth({}, { isTTY: true, columns: 120 })).toBe(120);
    expect(outputWidth({ COLUMNS: "100" }, { isTTY: false })).toBe(100);
    expect(outputWidth({}, {})).toBe(80);
  });
});

describe("which configuration is synthesized", () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-choice-"));
  });
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  test("DR_CONFIG first, then drConfig in cdktf.json's context (from the CLI or the file), then the bundled example", () => {
    fs.writeFileSync(path.join(workdir, "cdktf.json"), JSON.stringify({ app: "x", context: { drConfig: "recorded.yaml" } }));
    expect(chooseConfiguration({ DR_CONFIG: "mine.yaml" }, workdir)).toEqual({ file: "mine.yaml", chosenBy: "DR_CONFIG" });
    expect(chooseConfiguration({ CDKTF_CONTEXT_JSON: JSON.stringify({ drConfig: "cli.yaml" }) }, workdir)).toEqual({ file: "cli.yaml", chosenBy: "cdktf.json context drConfig" });
    expect(chooseConfiguration({}, workdir)).toEqual({ file: "recorded.yaml", chosenBy: "cdktf.json context drConfig" });
    expect(chooseConfiguration({}, os.tmpdir())).toEqual({ file: BUNDLED_EXAMPLE, chosenBy: "default" });
  });

  test("the project's cdktf.json records no configuration: a deploy needs one chosen", () => {
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8"));
    expect(cdktfJson.context?.drConfig).toBeUndefined();
  });

  test("a run by the cdktf CLI is told apart from npm run synth", () => {
    expect(runByCdktfCli({ CDKTF_OUTDIR: "cdktf.out", CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" })).toBe(true);
    expect(runByCdktfCli({ CDKTF_OUTDIR: "elsewhere" })).toBe(false);
    expect(runByCdktfCli({})).toBe(false);
  });

  test("the guarded accounts are exactly the bundled example's", () => {
    // GIVEN the example file WHEN its 12-digit account ids are read THEN they are the guarded ones
    const ids = new Set(fs.readFileSync(path.join(PROJECT_ROOT, BUNDLED_EXAMPLE), "utf8").match(/\b\d{12}\b/g));
    expect([...ids].sort()).toEqual([...EXAMPLE_ACCOUNT_IDS].sort());
  });
});
