import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { generateConfig } from "../../scripts/generate-config";
import { CLI_TIMEOUT_MS, cdktf, describeWithCli } from "./support/cdktf-cli";

/**
 * The cdktf CLI path a user follows (`npx cdktf synth`; deploy: cdktf-deploy.slow.test.ts), run for real: the CLI lists the stack
 * folders before it runs the app and deletes those the app no longer has, so the app must leave them to it.
 * Skipped with a notice only where the CLI cannot start.
 */

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
});
