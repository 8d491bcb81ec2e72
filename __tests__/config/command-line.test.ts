import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeSentinel } from "./support/config-outcome";

/** Runs `npm run synth`'s command with a configuration file and an output directory. */
function synth(configText: string, directory: string) {
  const configFile = path.join(directory, "estate.yaml");
  fs.writeFileSync(configFile, configText);
  const outdir = path.join(directory, "cdktf.out");
  const run = spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "main.ts"], {
    env: { ...process.env, DR_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outdir };
}

describe("the command line with bad or doubtful input", () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-cli-"));
    writeSentinel(path.join(directory, "cdktf.out"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  test("bad input: exit 1, every problem on its own line, no stack trace, the previous output untouched", () => {
    // GIVEN an estate with a schema problem and a cross-field problem
    const example = fs.readFileSync("config/example.yaml", "utf8");
    const broken = example.replace("retainCount: 7", "retainCount: 0").replace('- id: "333333333333"', '- id: "111111111111"');
    // WHEN it is synthesized
    const run = synth(broken, directory);
    // THEN both are reported, and nothing else
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Invalid configuration in ${path.join(directory, "estate.yaml")}:\n` +
        "  - ebs.retainCount: must be at least 1\n" +
        "  - sourceAccounts[1].id: duplicate of sourceAccounts[0].id (111111111111)\n",
    );
    expect(fs.readdirSync(path.join(run.outdir, "stacks"))).toEqual(["sentinel-previous-output"]);
  });

  test("a DR account that is its organization's management account: a Review: warning, exit 0", () => {
    // GIVEN the example with the DR account as the management account of its organization
    const example = fs.readFileSync("config/example.yaml", "utf8").replace('managementAccountId: "888888888888"', 'managementAccountId: "222222222222"');
    // WHEN it is synthesized
    const run = synth(example, directory);
    // THEN it succeeds and the warning names the field
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("\nReview: drAccount.id: the DR account 222222222222 is the management account of o-bbbbbbbbbb: SCPs don't affect users or roles in the management account");
  });
});
