import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { GITHUB_STEP_SUMMARY_LIMIT, jobSummary } from "../../scripts/review/dr-plan/job-summary";
import { writeReport } from "../../scripts/review/report";
import { generateConfig } from "../../scripts/generate-config";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";

describe("the job summary of npm run report", () => {
  test("a report that fits is the summary, unchanged", () => {
    const markdown = "# DR plan\n\n## Summary\n\nall as expected\n";
    expect(jobSummary(markdown, "dr-plan")).toBe(markdown);
  });

  test("a report over 1 MiB is cut at a section, within the limit, with a pointer to the artifact", () => {
    // GIVEN a report of 40 sections of 40 KiB each (1.6 MiB)
    const sections = Array.from({ length: 40 }, (_, index) => `## Section ${index + 1}\n\n${`| row ${index} | → allowed |\n`.repeat(2000)}`);
    const markdown = `# DR plan\n\n${sections.join("\n")}`;
    // WHEN summarized
    const summary = jobSummary(markdown, "dr-plan");
    // THEN it fits GitHub's limit, ends with whole sections and says where the rest is
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(GITHUB_STEP_SUMMARY_LIMIT);
    expect(summary.startsWith("# DR plan\n\n## Section 1\n")).toBe(true);
    const kept = summary.match(/^## Section \d+$/gm)!;
    expect(kept.length).toBeGreaterThan(20);
    expect(summary).not.toContain(`## Section ${kept.length + 1}\n`);
    expect(summary).toContain("the full report (`dr-plan.md`");
    expect(summary).toContain("artifact `dr-plan`");
  });

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
