import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { cliConfiguration, offlineTerraformAvailability } from "../../modules/offline-terraform/offline-terraform";
import { generateConfig } from "../../scripts/generate-config";

/**
 * The cdktf CLI path a user follows (`npx cdktf synth|deploy`), run for real: the CLI lists the stack
 * folders before it runs the app and deletes those the app no longer has, so the app must leave them to it.
 * Skipped with a notice only where the CLI cannot start.
 */

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const CDKTF = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
const CLI_TIMEOUT_MS = 300_000;

function cliStarts(): string | undefined {
  if (!fs.existsSync(CDKTF)) return `${CDKTF} is not installed`;
  const version = spawnSync(CDKTF, ["--version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, timeout: 60_000 });
  return version.status === 0 ? undefined : `cdktf --version failed: ${version.stderr || version.error?.message}`;
}
const cannotStart = cliStarts();
if (cannotStart) console.warn(`NOTICE: the cdktf CLI tests are skipped: ${cannotStart}`);
const describeWithCli = cannotStart ? describe.skip : describe;

/** Runs the cdktf CLI in the project, offline, and returns its exit code and output without colours or spinners. */
function cdktf(args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const run = spawnSync(CDKTF, args, {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: CLI_TIMEOUT_MS,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", FORCE_COLOR: "0", ...env },
  });
  const output = `${run.stdout}\n${run.stderr}`
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "") // eslint-disable-line no-control-regex
    .split("\n")
    .filter((line) => !/^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(line))
    .join("\n");
  return { status: run.status, output };
}

describeWithCli("npx cdktf", () => {
  let workdir: string;
  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-cli-"));
  });
  afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

  function writeConfig(name: string, config: unknown): string {
    const file = path.join(workdir, name);
    fs.writeFileSync(file, stringify(config));
    return file;
  }

  test(
    "synth works on the first run after the set of stacks changed, and prints each notice once",
    () => {
      // GIVEN an estate with AWS Backup (an org stack and its review notice), then one with other accounts
      const first = writeConfig("first.yaml", generateConfig({ sourceAccounts: 2, sameOrganization: true, backup: true }));
      const second = generateConfig({ sourceAccounts: 1 });
      const secondFile = writeConfig("second.yaml", { ...second, sourceAccounts: [{ ...second.sourceAccounts[0], id: "123456789012" }] });
      const outdir = path.join(workdir, "cdktf.out");

      // WHEN each is synthesized by the cdktf CLI into the same directory, one after the other
      const firstRun = cdktf(["synth", "--output", outdir], { DR_CONFIG: first });
      const secondRun = cdktf(["synth", "--output", outdir], { DR_CONFIG: secondFile });

      // THEN both pass, and only the second estate's stacks are left
      expect({ status: firstRun.status, output: firstRun.output }).toEqual({ status: 0, output: expect.stringContaining(`from ${first} (DR_CONFIG)`) });
      expect({ status: secondRun.status, output: secondRun.output }).toEqual({ status: 0, output: expect.stringContaining("source: 1 (source-123456789012)") });
      expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dr-222222222222", "org-o-drdrdrdrdr", "source-123456789012"]);
      // AND the org stack's notice was printed once (by the CLI, from the manifest), not twice
      expect(firstRun.output.split("AWS Backup needs trusted access to the organization").length - 1).toBe(1);
    },
    CLI_TIMEOUT_MS,
  );

  const terraform = offlineTerraformAvailability();
  (terraform.available ? test : test.skip)(
    "deploy refuses a stack of the bundled example's made-up accounts when Terraform plans it",
    () => {
      // GIVEN no configuration chosen (the bundled example), Terraform with the provider mirror and no AWS credentials
      const cliConfig = path.join(workdir, "terraform.tfrc");
      fs.mkdirSync(path.join(workdir, "plugin-cache"), { recursive: true });
      fs.writeFileSync(cliConfig, cliConfiguration(terraform.providerMirror, path.join(workdir, "plugin-cache")));
      const noCredentials = { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true" };

      // WHEN the smallest stack is deployed with the cdktf CLI (no registry here: --skip-provider-lock)
      const run = cdktf(["deploy", "source-333333333333", "--auto-approve", "--skip-provider-lock", "--output", path.join(workdir, "example-out")], {
        DR_CONFIG: "",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
        TF_CLI_CONFIG_FILE: cliConfig,
        ...noCredentials,
      });

      // THEN it fails, saying why and how to choose a configuration, and no state was written
      expect(run.status).not.toBe(0);
      expect(run.output).toContain("Account 333333333333 is a made-up account of the bundled example");
      expect(run.output).toContain("DR_CONFIG=<file>");
      expect(fs.readdirSync(workdir).filter((file) => file.endsWith(".tfstate"))).toEqual([]);
    },
    CLI_TIMEOUT_MS,
  );
});
