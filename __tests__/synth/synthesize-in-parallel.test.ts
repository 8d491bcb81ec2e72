import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../../modules/config/load-config";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize } from "../../stacks/synthesize";
import { sourceAccountChunks, synthesizeInParallel } from "../../stacks/synthesize-in-parallel";

/** A large estate's source stacks synthesized and linted in other processes: the same output, byte for byte. */

let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-parallel-"));
});
afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

describe("synthesizeInParallel", () => {
  test("gives the output, stacks and notices of one process, with the lint run in each part", async () => {
    // GIVEN an estate with every flow (its organization stack leaves review notices)
    const config = parseConfig(generateConfig({ sourceAccounts: 5, regionsPerAccount: 2, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }));
    const policyCatalog = await loadIamCatalog();

    // WHEN it is synthesized in this process, and in two (the second holding three source stacks)
    const single = synthesize(config, path.join(workdir, "single"), { policyCatalog });
    const parallel = await synthesizeInParallel(config, path.join(workdir, "parallel"), { policyCatalog, processes: 2, minSourceAccountsPerProcess: 1 });

    // THEN both directories hold the same files with the same bytes
    expect(execFileSync("diff", ["-r", path.join(workdir, "single"), path.join(workdir, "parallel")], { encoding: "utf8" })).toBe("");
    // AND the same stacks and notices, in the same order; the other process says what it used
    expect({ stacks: parallel.stacks, notices: parallel.notices }).toEqual(single);
    expect(parallel.stacks).toHaveLength(7);
    expect(parallel.notices.length).toBeGreaterThan(0);
    expect(parallel.otherProcesses).toEqual([{ peakRssMiB: expect.any(Number), cpuMs: expect.any(Number) }]);
    // AND nothing is left beside the output
    expect(fs.readdirSync(workdir).sort()).toEqual(["parallel", "single"]);
  }, 120_000);

  test("synthesizes a small estate in this process only", async () => {
    // GIVEN fewer source accounts than one process is worth
    const config = parseConfig(generateConfig({ sourceAccounts: 3 }));
    // WHEN synthesized with the default threshold
    const result = await synthesizeInParallel(config, path.join(workdir, "out"), { processes: 2 });
    // THEN no other process ran, and the output is complete
    expect(result.otherProcesses).toBeUndefined();
    expect(result.stacks).toEqual(["dr-222222222222", "source-100000000001", "source-100000000002", "source-100000000003", "org-o-drdrdrdrdr"]);
    expect(fs.readdirSync(path.join(workdir, "out", "stacks")).sort()).toEqual([...result.stacks].sort());
  });

  test("splits the source accounts evenly, in the configuration's order", () => {
    // GIVEN 7 account IDs WHEN split for 3 processes THEN 3 + 3 + 1, in order; more processes than accounts leave none empty
    const ids = ["a", "b", "c", "d", "e", "f", "g"];
    expect(sourceAccountChunks(ids, 3)).toEqual([["a", "b", "c"], ["d", "e", "f"], ["g"]]);
    expect(sourceAccountChunks(ids.slice(0, 2), 4)).toEqual([["a"], ["b"]]);
  });
});
