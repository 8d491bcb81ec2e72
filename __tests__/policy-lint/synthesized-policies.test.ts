/**
 * The whole lint over what synthesis writes: the example configuration and a generated one report no findings,
 * and a finding stops with a message naming the stack, the resource and the statement (1,000 stacks: lint-at-scale.slow.test.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import {
  assertNoPolicyFindings,
  formatFinding,
  lintStacks,
  lintSynthesizedOutput,
  lintTargets,
  loadIamCatalog,
  policiesInStacks,
  PolicyLintError,
  readSynthesizedStacks,
  type SynthesizedStackJson,
} from "../../modules/policy-lint/lint-policies";
import { generateConfig } from "../../scripts/generate-config";
import { synthesize } from "../../stacks/synthesize";

const outdirs: string[] = [];

function synthesizeToTemp(config: Parameters<typeof synthesize>[0]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-policy-lint-"));
  outdirs.push(outdir);
  synthesize(config, outdir);
  return outdir;
}

afterAll(() => {
  for (const outdir of outdirs) fs.rmSync(outdir, { recursive: true, force: true });
});

describe("the policies of the synthesized example", () => {
  test("have no findings", async () => {
    // GIVEN the example configuration, synthesized
    const outdir = synthesizeToTemp(loadConfig(path.join(__dirname, "../../config/example.yaml")));
    // WHEN every policy of every stack is linted
    const findings = await lintSynthesizedOutput(outdir);
    // THEN nothing is reported, and the lint did read the policies of every stack
    expect(findings.map(formatFinding)).toEqual([]);
    const targets = policiesInStacks(readSynthesizedStacks(outdir));
    expect(new Set(targets.map((target) => target.stack))).toEqual(new Set(["dr-222222222222", "source-111111111111", "source-333333333333", "org-o-bbbbbbbbbb"]));
    expect(new Set(targets.map((target) => target.kind))).toEqual(new Set(["key", "trust", "identity", "resource", "scp"]));
  });
});

describe("the policies of every flow", () => {
  test("have no findings: both EBS modes, AWS Backup with its SCPs, RDS", async () => {
    // GIVEN one organization with every flow switched on, synthesized
    const outdir = synthesizeToTemp(parseConfig(generateConfig({ sourceAccounts: 4, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true })));
    // WHEN every policy of every stack is linted
    const findings = await lintSynthesizedOutput(outdir);
    // THEN nothing is reported, and SCPs were among the policies read
    expect(findings.map(formatFinding)).toEqual([]);
    const kinds = new Set(policiesInStacks(readSynthesizedStacks(outdir)).map((target) => target.kind));
    expect(kinds).toEqual(new Set(["key", "trust", "identity", "resource", "scp"]));
  });
});

describe("the policies of a generated configuration", () => {
  let stacks: SynthesizedStackJson[];

  beforeAll(() => {
    const outdir = synthesizeToTemp(parseConfig(generateConfig({ sourceAccounts: 60, regionsPerAccount: 3, sourceOrganizations: 2 })));
    stacks = readSynthesizedStacks(outdir);
  });

  test("have no findings", async () => {
    // GIVEN 60 source accounts in 2 organizations with 3 regions each, synthesized
    // WHEN every policy of every stack is linted
    const targets = policiesInStacks(stacks);
    await loadIamCatalog(targets);
    const findings = lintTargets(targets);
    // THEN nothing is reported
    expect(stacks).toHaveLength(62);
    expect(findings.map(formatFinding)).toEqual([]);
  });
});

describe("a synth-time failure", () => {
  test("names the check, the stack, the resource and the statement, and says what to do", async () => {
    // GIVEN a stack whose key policy gives kms:* to an organization (seed 001)
    const json = {
      provider: { aws: [{ alias: "us-east-1", region: "us-east-1", allowed_account_ids: ["222222222222"] }] },
      resource: {
        aws_kms_key: {
          "kms-b-us-east-1_key_6F583F18": {
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "SourceOrganizationsUseKey",
                  Effect: "Allow",
                  Principal: "*",
                  Action: "kms:*",
                  Resource: "*",
                  Condition: { StringEquals: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } },
                },
              ],
            }),
          },
        },
      },
    };
    await loadIamCatalog();
    // WHEN the stack is linted and the findings asserted away
    const findings = lintStacks([{ name: "dr-222222222222", json }]);
    // THEN a PolicyLintError lists each finding with where it is and what to do
    expect(() => assertNoPolicyFindings(findings)).toThrow(PolicyLintError);
    expect(() => assertNoPolicyFindings(findings)).toThrow(
      [
        "Policy lint: 1 finding(s):",
        "  - KeyPolicyWildcardOnlyForOwnAccountRoot: stack dr-222222222222: aws_kms_key.kms-b-us-east-1_key_6F583F18.policy: statement SourceOrganizationsUseKey: " +
          `Grants 'kms:*' to "*", not only to the key's own account root (account 222222222222) ` +
          "(Grant other accounts, organizations and roles the few kms: actions they need, never kms:*; kms:* is for the key's own account root only.)",
      ].join("\n"),
    );
    expect(() => assertNoPolicyFindings([])).not.toThrow();
  });
});
