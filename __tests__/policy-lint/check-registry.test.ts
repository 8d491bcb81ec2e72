import * as fs from "fs";
import * as path from "path";
import { POLICY_CHECKS, STACK_CHECKS } from "../../modules/policy-lint/lint-policies";

const CHECKS_DIR = path.join(__dirname, "../../modules/policy-lint/checks");

describe("the checks", () => {
  test("are one per file, each named after its file and run by the lint", async () => {
    // GIVEN the files of modules/policy-lint/checks
    const files = fs.readdirSync(CHECKS_DIR).filter((file) => file.endsWith(".ts")).map((file) => path.basename(file, ".ts"));
    // WHEN each file's exported check is read
    const exported = await Promise.all(files.map(async (file) => ((await import(path.join(CHECKS_DIR, file))) as Record<string, { id?: string }>)[file]));
    // THEN each file exports a check whose id is the file name, and the lint runs exactly these checks
    expect(exported.map((check) => check?.id)).toEqual(files);
    expect([...POLICY_CHECKS, ...STACK_CHECKS].map((check) => check.id).sort()).toEqual([...files].sort());
  });

  test("each say how to fix a finding", () => {
    // GIVEN every check WHEN its explanation is read THEN it is a sentence of advice
    for (const check of [...POLICY_CHECKS, ...STACK_CHECKS]) expect(check.explanation).toMatch(/^[A-Z].{20,}\.$/);
  });
});
