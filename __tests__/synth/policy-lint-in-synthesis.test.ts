import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../../modules/config/load-config";
import { policyDocument } from "../../modules/iam/policy-document";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize } from "../../stacks/synthesize";

// The DR DLM role's policy with an action that does not exist: what a typo in a policy builder would write.
jest.mock("../../modules/dr-account/dlm-key-use-policy", () => ({
  dlmKeyUsePolicy: () =>
    policyDocument([{ Sid: "UseCopyKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:DecryptEverything"], Resource: "*" }]),
}));

describe("policy lint during synthesis", () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-lint-"));
  });
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  test("a policy finding stops the synthesis, names the statement, and writes nothing", async () => {
    // GIVEN a configuration whose DR role policy names an action that does not exist
    const config = parseConfig(generateConfig({ sourceAccounts: 1 }));
    const outdir = path.join(workdir, "cdktf.out");
    const policyCatalog = await loadIamCatalog();
    // WHEN it is synthesized with the lint THEN it fails with the check, the stack, the resource and the Sid
    expect(() => synthesize(config, outdir, { policyCatalog })).toThrow(
      /ActionsExistInIamCatalog: stack dr-222222222222: aws_iam_role_policy\.dlm_role\.policy: statement UseCopyKeys: .*kms:DecryptEverything/,
    );
    // AND nothing is published
    expect(fs.readdirSync(workdir)).toEqual([]);
  });

  test("without the catalogue the lint does not run (tests that do not need it)", () => {
    // GIVEN the same configuration WHEN synthesized without a catalogue THEN it is written
    const result = synthesize(parseConfig(generateConfig({ sourceAccounts: 1 })), path.join(workdir, "out"));
    expect(result.stacks).toContain("dr-222222222222");
  });
});
