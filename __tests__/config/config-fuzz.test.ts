import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { runConfigFuzz } from "./support/config-fuzz";

describe("random mutations of valid configurations (fixed seed; `npm run fuzz` runs longer)", () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-fuzz-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  test("end in a clean rejection naming every path, or in stacks that build", () => {
    // GIVEN 100 mutations of the example and of generated estates of every flow
    // WHEN each is loaded like main.ts does, and the accepted ones are built
    const summary = runConfigFuzz({ seed: 1414, numRuns: 100, directory, maxBuilds: 6, synthesizeEvery: 0, maxMillisecondsPerRun: 2000 });
    // THEN no run broke the promise, and both outcomes occurred
    expect(summary.rejected).toBeGreaterThan(30);
    expect(summary.accepted).toBeGreaterThan(5);
  });

  test("accepted ones synthesize into output that passes the AWS-limit checks; rejected ones leave the previous output", async () => {
    // GIVEN single mutations (so that many are accepted), each loaded with a previous output in place
    const policyCatalog = await loadIamCatalog();
    // WHEN they are loaded and every accepted one is synthesized with the policy lint
    const summary = runConfigFuzz({ seed: 2626, numRuns: 10, directory, maxBuilds: 0, synthesizeEvery: 1, policyCatalog, maxMillisecondsPerRun: 3000, maxMutations: 1 });
    // THEN accepted ones passed the lint and the tag limits, rejected ones left the previous output as it was
    expect(summary.synthesized).toBe(summary.accepted);
    expect(summary.synthesized).toBeGreaterThanOrEqual(2);
    expect(summary.rejected).toBeGreaterThanOrEqual(3);
  });
});
