import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliConfiguration, offlineTerraformAvailability } from "../../modules/offline-terraform/offline-terraform";
import { CLI_TIMEOUT_MS, cdktf, describeWithCli } from "./support/cdktf-cli";

/**
 * `npx cdktf deploy` of the bundled example, for real up to Terraform's plan (the slow tier: a synthesis through the
 * CLI and a plan). npm test proves the same guard with terraform plan alone (__tests__/terraform/offline-terraform.test.ts).
 */

describeWithCli("npx cdktf deploy", () => {
  let workdir: string;
  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-cli-"));
  });
  afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

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
