import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { runCapacity as runCapacityCommand } from "../../scripts/capacity";
import { generateConfig, type GeneratedConfigOptions } from "../../scripts/generate-config";

/**
 * `npm run capacity` as a user runs it: a child process on a configuration file, writing into a report directory
 * (what only a process shows: exit codes, no stack trace, nothing in cdktf.out). The estimates that need no
 * process of their own run the command's function in this one, with its output captured.
 */

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const CDKTF_OUT = path.join(PROJECT_ROOT, "cdktf.out");

let workDir: string;
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-capacity-"));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** A snapshot of cdktf.out/ (names and modification times), to prove the command writes nothing there. */
function cdktfOutState(): string {
  if (!fs.existsSync(CDKTF_OUT)) return "absent";
  const entries: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else entries.push(`${full}:${fs.statSync(full).mtimeMs}`);
    }
  };
  walk(CDKTF_OUT);
  return entries.sort().join("\n");
}

function runCapacity(name: string, config: unknown | string, how: "process" | "in-process" = "process") {
  const configFile = path.join(workDir, `${name}.yaml`);
  fs.writeFileSync(configFile, typeof config === "string" ? config : stringify(config));
  const reportDir = path.join(workDir, `${name}-report`);
  const read = (file: string) => (fs.existsSync(path.join(reportDir, file)) ? fs.readFileSync(path.join(reportDir, file), "utf8") : undefined);
  if (how === "in-process") {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void stdout.push(`${args.join(" ")}\n`));
    const error = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void stderr.push(`${args.join(" ")}\n`));
    try {
      const status = runCapacityCommand(configFile, reportDir);
      return { status, stdout: stdout.join(""), stderr: stderr.join(""), markdown: read("capacity.md"), json: read("capacity.json") };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }
  const run = spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "scripts/capacity.ts"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, DR_CONFIG: configFile, DR_REPORT_DIR: reportDir },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, markdown: read("capacity.md"), json: read("capacity.json") };
}

const generated = (options: GeneratedConfigOptions) => generateConfig(options);

describe("npm run capacity", () => {
  test("a small estate: exit 0, both files, the contract's JSON, nothing in cdktf.out", () => {
    // GIVEN a small generated estate with every flow
    const before = cdktfOutState();
    // WHEN the command runs
    const result = runCapacity("small", generated({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true, backupCopyToRegion: true }));
    // THEN it succeeds, writes the JSON with exactly the contract's fields and the markdown, and leaves cdktf.out alone
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^capacity .*small\.yaml: \d+ quota rows: 0 over \(0 cannot be raised\), \d+ near, \d+ ok; wrote /);
    const json = JSON.parse(result.json as string);
    expect(Object.keys(json)).toEqual(["rows"]);
    expect(json.rows.length).toBeGreaterThan(0);
    for (const row of json.rows) expect(Object.keys(row).sort()).toEqual(["account", "adjustable", "demand", "limit", "quota", "quotaCode", "region", "status"]);
    expect(result.markdown).toContain("## Over and near");
    expect(cdktfOutState()).toBe(before);
  });

  test("adjustable quotas over their limit: exit 0, with the request commands", () => {
    // GIVEN two RDS accounts (140 DB snapshots kept in each DR region)
    const result = runCapacity("rds", generated({ sourceAccounts: 2, regionsPerAccount: 1, rds: true }), "in-process");
    // THEN the command succeeds and prints the increase requests
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("# account 222222222222 (DR)");
    expect(result.stdout).toContain(
      "aws service-quotas request-service-quota-increase --service-code rds --quota-code L-272F1212 --desired-value 175 --region us-east-1",
    );
    expect(result.markdown).toContain("| over | 222222222222 (DR) | us-east-1 | Manual DB instance snapshots | L-272F1212 | 100 | yes | 140 | 140% |");
  });

  test("a large estate over a limit AWS does not raise: exit 1, saying what to change", () => {
    // GIVEN 1,000 accounts in one organization with AWS Backup (copyToRegion), RDS and share mode
    const result = runCapacity(
      "large",
      generated({ sourceAccounts: 1000, regionsPerAccount: 3, sameOrganization: true, ebsMode: "share", backup: true, backupCopyToRegion: true, rds: true }),
      "in-process",
    );
    // THEN it fails after writing both files, naming the quota and the remedies
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Over a limit AWS does not raise:");
    expect(result.stderr).toMatch(/222222222222 us-east-1: Concurrent snapshot copies per destination Region: \d+ > 20; widen capacity\.staggerWindowMinutes/);
    expect(result.stderr).toContain("split the estate over more DR accounts");
    expect(result.markdown).toContain("## What to change");
    const rows = JSON.parse(result.json as string).rows as { account: string; quota: string; status: string }[];
    expect(rows.filter((row) => row.status === "over").map((row) => row.quota)).toEqual(
      expect.arrayContaining(["Concurrent snapshot copies per destination Region", "Snapshots per Region", "Manual DB instance snapshots"]),
    );
    // and the markdown stays readable: the ok rows of 1,000 accounts fold into one line per quota
    expect((result.markdown as string).split("\n").length).toBeLessThan(200);
  }, 60_000);

  test("a bad configuration: exit 1 with the same message as synth, no stack trace, no files", () => {
    // GIVEN a configuration with a bad account ID and a bad capacity field
    const config = generated({ sourceAccounts: 1 }) as Record<string, unknown>;
    const result = runCapacity("bad", { ...config, drAccount: { ...(config.drAccount as object), id: "123" }, capacity: { nearPercent: 0 } });
    // THEN both problems are listed at once
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration in ");
    expect(result.stderr).toContain("  - drAccount.id: expected 12 digits");
    expect(result.stderr).toContain("  - capacity.nearPercent: must be at least 1");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.json).toBeUndefined();
  });
});
