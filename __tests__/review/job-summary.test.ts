/**
 * The job summary of `npm run report` (report/summary.md): GitHub's 1 MiB limit. The summary of a real report is
 * checked in report.test.ts (the example's, whole and cut at a section); a real estate whose report outgrows
 * 1 MiB (55 source accounts, about 2,400 simulated requests) is in job-summary.slow.test.ts.
 */
import { GITHUB_STEP_SUMMARY_LIMIT, jobSummary } from "../../scripts/review/dr-plan/job-summary";

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
});
