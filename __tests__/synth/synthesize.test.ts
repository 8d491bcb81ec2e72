import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { synthesize, SynthValidationError, validationProblems } from "../../stacks/synthesize";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Every file below a directory with its bytes, by relative path. */
function snapshotOf(directory: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(directory, full), fs.readFileSync(full));
    }
  };
  walk(directory);
  return files;
}

describe("synthesis", () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-synth-"));
  });
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  test("the same configuration gives byte-identical output, Lambda packages included", () => {
    // GIVEN the example configuration
    const config = loadConfig(path.join(PROJECT_ROOT, "config/example.yaml"));
    // WHEN it is synthesized twice into different directories
    synthesize(config, path.join(workdir, "a"));
    synthesize(config, path.join(workdir, "b"));
    // THEN every file is the same, byte for byte
    const first = snapshotOf(path.join(workdir, "a"));
    const second = snapshotOf(path.join(workdir, "b"));
    expect([...first.keys()].sort()).toEqual([...second.keys()].sort());
    expect([...first.keys()].some((file) => file.endsWith(".zip"))).toBe(true);
    for (const [file, bytes] of first) expect(second.get(file)!.equals(bytes)).toBe(true);
    // and nothing in it names this machine's directories
    for (const bytes of first.values()) expect(bytes.includes(Buffer.from(workdir))).toBe(false);
  });

  test("the example gives the DR stack and one stack per source account", () => {
    // GIVEN the example WHEN synthesized
    const result = synthesize(loadConfig(path.join(PROJECT_ROOT, "config/example.yaml")), workdir);
    // THEN the stack names follow the contract
    expect(result.stacks).toEqual(["dr-222222222222", "source-111111111111", "source-333333333333", "org-o-bbbbbbbbbb"]);
    expect(JSON.parse(fs.readFileSync(path.join(workdir, "manifest.json"), "utf8")).stacks).toHaveProperty("dr-222222222222");
  });

  test("a failed validation writes nothing and leaves the previous output as it was", () => {
    // GIVEN an earlier good synthesis
    const outdir = path.join(workdir, "cdktf.out");
    synthesize(parseConfig(generateConfig({ sourceAccounts: 2 })), outdir);
    const before = snapshotOf(outdir);
    // WHEN a configuration that fails a construct validation is synthesized into the same place
    const broken = parseConfig(generateConfig({ sourceAccounts: 2 }));
    const sabotaged = { ...broken, drAccount: { ...broken.drAccount, copyRetention: { interval: 0, unit: "DAYS" as const } } };
    // THEN synthesis fails, and the output and its parent are untouched (no staging directory left)
    expect(() => synthesize(sabotaged, outdir)).toThrow("Expected the retain interval to be a whole number of at least 1, got 0");
    expect(snapshotOf(outdir)).toEqual(before);
    expect(fs.readdirSync(workdir)).toEqual(["cdktf.out"]);
  });

  test("validation problems of all stacks are reported together", () => {
    // GIVEN a stack tree whose rules fail in three stacks (a key without rotation in each: DR, source, DR organization)
    const app = buildApp(parseConfig(generateConfig({ sourceAccounts: 1 })), { outdir: workdir });
    for (const stack of app.node.children) new KmsKey(stack, "careless-key", { lifecycle: { preventDestroy: true }, deletionWindowInDays: 30 });
    // WHEN validated THEN both findings are listed
    const problems = validationProblems(app).filter((problem) => problem.includes("KmsKeyRotationEnabled"));
    expect(problems).toHaveLength(3);
    expect(new SynthValidationError(problems).message).toMatch(/^Synthesis stopped: 3 problem\(s\):\n  - \[dr-222222222222\] KmsKeyRotationEnabled/);
  });

  test("a new synthesis keeps Terraform's working files and removes stacks that no longer exist", () => {
    // GIVEN an output with two source stacks, one of them initialized by Terraform
    const outdir = path.join(workdir, "cdktf.out");
    synthesize(parseConfig(generateConfig({ sourceAccounts: 2 })), outdir);
    const initialized = path.join(outdir, "stacks", "source-100000000001");
    fs.mkdirSync(path.join(initialized, ".terraform"));
    fs.writeFileSync(path.join(initialized, ".terraform.lock.hcl"), "# lock");
    // WHEN the configuration drops the second account
    synthesize(parseConfig(generateConfig({ sourceAccounts: 1 })), outdir);
    // THEN the first keeps its working files and the second is gone
    expect(fs.existsSync(path.join(initialized, ".terraform.lock.hcl"))).toBe(true);
    expect(fs.existsSync(path.join(initialized, "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks", "source-100000000002"))).toBe(false);
  });
});

describe("command line (main.ts)", () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-cli-"));
  });
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  // As npm run synth and cdktf.json's app run it.
  const runMain = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });

  test("bad input exits non-zero, lists every problem, and writes no output", () => {
    // GIVEN a configuration with two problems
    const file = path.join(workdir, "bad.yaml");
    fs.writeFileSync(
      file,
      [
        "organizations: [{ id: o-aaaaaaaaaa, managementAccountId: '999999999999' }]",
        "drAccount: { id: '222222222222', organizationId: o-aaaaaaaaaa, copyRegions: [us-east-1] }",
        "sourceAccounts:",
        "  - { id: '111111111111', organizationId: o-aaaaaaaaaa, regions: [us-east-1] }",
        "  - { id: '12', organizationId: o-aaaaaaaaaa, regions: [moon-1] }",
      ].join("\n"),
    );
    const outdir = path.join(workdir, "cdktf.out");
    // WHEN main runs on it
    const result = runMain({ DR_CONFIG: file, CDKTF_OUTDIR: outdir });
    // THEN it fails with both problems, naming the file, and nothing is written
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid configuration in ${file}:`);
    expect(result.stderr).toContain("  - sourceAccounts[1].id: expected 12 digits");
    expect(result.stderr).toContain("  - sourceAccounts[1].regions[0]: unknown region 'moon-1'");
    expect(fs.readdirSync(workdir)).toEqual(["bad.yaml"]);
  });

  test("the example synthesizes into CDKTF_OUTDIR", () => {
    // GIVEN the default configuration WHEN main runs
    const outdir = path.join(workdir, "out");
    const result = runMain({ CDKTF_OUTDIR: outdir, DR_CONFIG: "" });
    // THEN it succeeds and names the stacks
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Synthesized 4 stack(s) from config/example.yaml");
    expect(fs.existsSync(path.join(outdir, "stacks", "dr-222222222222", "cdk.tf.json"))).toBe(true);
  });
});
