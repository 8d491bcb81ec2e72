import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";
import { parseConfig } from "../../modules/config/load-config";
import { addressProblems } from "../../modules/stack/readable-addresses";
import { generateConfig } from "../../scripts/generate-config";
import { buildApp } from "../../stacks/snapshot-dr-app";

/** The readable address rule at estate size (the slow tier: building 1,000 accounts' construct trees). */
describe("readable Terraform addresses at 1,000 accounts", () => {
  let workdir: string;
  beforeEach(() => (workdir = fs.mkdtempSync(path.join(os.tmpdir(), "readable-addresses-"))));
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  test("1,000 source accounts in both EBS modes: no address problem in any stack", () => {
    // GIVEN the construct trees of 1,000 accounts (not synthesized: the names are what counts), 20 event
    // policies per region; as the command line does, without cdktf's per-token stack traces
    disableTokenStackTraces();
    const app = buildApp(parseConfig(generateConfig({ sourceAccounts: 1000, ebsMode: "mixed" })), { outdir: workdir });
    // WHEN every stack's addresses are checked
    const stacks = app.node.children.filter(TerraformStack.isStack);
    // THEN none collides or breaks the rule
    // (a DR stack, 1,000 source stacks and the DR organization's guardrails)
    expect(stacks).toHaveLength(1002);
    expect(stacks.flatMap((stack) => addressProblems(stack))).toEqual([]);
  });
});
