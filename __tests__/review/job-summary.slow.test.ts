/**
 * The slow tier (`npm run test:slow`) of the job summary: a real estate whose report outgrows GitHub's 1 MiB step
 * summary. 55 source accounts are about 2,400 simulated requests and a 1.8 MiB report; the normal tier checks
 * jobSummary on a synthetic 1.6 MiB report (job-summary.test.ts) and on the example's report with a smaller limit
 * (report.test.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { GITHUB_STEP_SUMMARY_LIMIT } from "../../scripts/review/dr-plan/job-summary";
import { writeReport } from "../../scripts/review/report";
import { generateConfig } from "../../scripts/generate-config";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";

describe("the job summary of npm run report", () => {
  test(
    "55 source accounts in both EBS modes with AWS Backup: report/summary.md stays within 1 MiB",
    async () => {
      // GIVEN a 55-account estate in both EBS modes with AWS Backup, whose full report is larger than GitHub shows in a summary
      disableTokenStackTraces();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-summary-"));
      try {
        const configFile = path.join(dir, "estate.yaml");
        fs.writeFileSync(configFile, stringify(generateConfig({ sourceAccounts: 55, sameOrganization: true, ebsMode: "mixed", backup: true })));
        // WHEN the report is written
        const result = await writeReport({ configFile, outDir: path.join(dir, "report") });
        // THEN the summary file is within the limit, and points to the artifact when the report is not
        const summary = fs.readFileSync(path.join(dir, "report", "summary.md"));
        expect(summary.length).toBeLessThanOrEqual(GITHUB_STEP_SUMMARY_LIMIT);
        expect(Buffer.byteLength(result.markdown)).toBeGreaterThan(GITHUB_STEP_SUMMARY_LIMIT);
        expect(summary.toString("utf8")).toContain("artifact `dr-plan`");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
