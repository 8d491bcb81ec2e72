/**
 * The lint over about 1,000 stacks (the slow tier, `npm run test:slow`; timed by `npm run bench`): every policy of
 * a generated estate copied under other account IDs is read and linted with no finding.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../../modules/config/load-config";
import { lintTargets, loadIamCatalog, POLICY_CHECKS, policiesInStacks, readSynthesizedStacks, type SynthesizedStackJson } from "../../modules/policy-lint/lint-policies";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize } from "../../stacks/synthesize";

describe("the policies of 1,000 stacks", () => {
  let outdir: string;
  let stacks: SynthesizedStackJson[];

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-policy-lint-"));
    synthesize(parseConfig(generateConfig({ sourceAccounts: 60, regionsPerAccount: 3, sourceOrganizations: 2 })), outdir);
    stacks = readSynthesizedStacks(outdir);
  }, 300_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("are all read and linted when there are 1,000 stacks (timed by npm run bench, not here)", async () => {
    // GIVEN about 1,000 stacks: the generated source stacks copied 16 times under other account IDs, so that no
    // policy text repeats across copies
    const copies: SynthesizedStackJson[] = [...stacks];
    for (let copy = 1; copy <= 16; copy++) {
      for (const stack of stacks.filter((candidate) => candidate.name.startsWith("source-"))) {
        const text = JSON.stringify(stack.json).replace(/\b1000000000(\d\d)\b/g, (_match, n: string) => String(100000000000 + copy * 1000 + Number(n)));
        copies.push({ name: stack.name.replace(/\d{12}$/, (id) => String(Number(id) + copy * 1000)), json: JSON.parse(text) as object });
      }
    }
    const targets = policiesInStacks(copies);
    await loadIamCatalog(targets);
    // WHEN they are linted with a cold cache (a new list of checks has its own)
    const findings = lintTargets(targets, { checks: [...POLICY_CHECKS] });
    // THEN the ~6,000 policies are linted, with no findings
    expect(copies).toHaveLength(1022);
    expect(targets.length).toBeGreaterThan(6000);
    expect(findings).toEqual([]);
  });
});
