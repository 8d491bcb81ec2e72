import { parseConfig } from "../../modules/config/load-config";
import { OfflineTerraform, offlineTerraformAvailability, type OfflineRunReport } from "../../modules/offline-terraform/offline-terraform";
import { generateConfig } from "../../scripts/generate-config";

/**
 * `terraform validate` (hashicorp/aws 5.100, offline), together in one root, of a small estate whose source plans
 * copy into the DR account's logically air-gapped vaults: the source stacks (copy actions), the DR stack (the
 * vaults and their policies) and the organization's stack (the copy guardrail that allows them). Skipped with a
 * notice without terraform, as __tests__/terraform/offline-terraform.test.ts.
 */
const availability = offlineTerraformAvailability();
const run = availability.available ? describe : describe.skip;
if (!availability.available) console.warn(`NOTICE: the air-gapped copies terraform validation is skipped: ${availability.reasons.join("; ")}`);

run("terraform validate of an estate copying into the air-gapped vaults", () => {
  let terraform: OfflineTerraform;
  let report: OfflineRunReport;
  let stacks: readonly string[];

  beforeAll(async () => {
    // GIVEN two accounts of one organization (root ID known) backing up, the air-gapped vault on, copies from the plans (default)
    const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true, rootIds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.drAccount.protection = { airGappedVault: { enabled: true } };
    terraform = new OfflineTerraform();
    const app = terraform.synthesize(parseConfig(raw));
    stacks = app.stacks;
    // WHEN every stack is validated together
    report = await terraform.validateTogether(app);
  }, 300_000);

  afterAll(() => terraform?.dispose());

  it("accepts the DR, source and organization stacks", () => {
    // THEN each is valid for the provider 5.100 schema
    expect(stacks).toEqual(expect.arrayContaining(["dr-222222222222", expect.stringMatching(/^source-/), expect.stringMatching(/^org-/)]));
    expect(report.failures.map((failure) => failure.error?.message ?? failure.stack)).toEqual([]);
    expect(report.results).toHaveLength(stacks.length);
    for (const result of report.results) expect(result.validation).toMatchObject({ valid: true, errorCount: 0 });
  });
});
