/**
 * The job summary of a pull-request run (`report/summary.md`, appended to `$GITHUB_STEP_SUMMARY`): GitHub refuses
 * a step summary over 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k"), and
 * the whole report outgrows that at about 25 source accounts. The summary is the report while it fits; else its
 * leading sections, whole, up to the limit, then a pointer to the full report in the run's artifact.
 */

/** GitHub's limit of one step's summary, in bytes. */
export const GITHUB_STEP_SUMMARY_LIMIT = 1024 * 1024;
/** Room kept below the limit for the pointer and whatever else a workflow appends. */
const HEADROOM = 16 * 1024;

/** The report as a job summary within `limit` bytes, naming the artifact that holds all of it. */
export function jobSummary(markdown: string, artifact: string, limit: number = GITHUB_STEP_SUMMARY_LIMIT): string {
  if (Buffer.byteLength(markdown) <= limit - HEADROOM) return markdown;
  const pointer =
    `\n> This summary is cut at ${Math.round((limit - HEADROOM) / 1024)} KiB (GitHub shows at most 1 MiB per step); ` +
    `the full report (\`dr-plan.md\`, ${(Buffer.byteLength(markdown) / 1024).toFixed(0)} KiB) and \`dr-plan.json\` ` +
    `are in the run's artifact \`${artifact}\`.\n`;
  const budget = limit - HEADROOM - Buffer.byteLength(pointer);
  const sections = markdown.split(/(?=^## )/m);
  let kept = "";
  for (const section of sections) {
    if (Buffer.byteLength(kept + section) > budget) break;
    kept += section;
  }
  if (kept === "") kept = Buffer.from(markdown).subarray(0, budget).toString("utf8").replace(/\n[^\n]*$/, "\n").replace(/\uFFFD+$/, "");
  return `${kept.replace(/\n+$/, "\n")}${pointer}`;
}
