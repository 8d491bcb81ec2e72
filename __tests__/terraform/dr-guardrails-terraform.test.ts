import { parseConfig } from "../../modules/config/load-config";
import { OfflineTerraform, offlineTerraformAvailability, type OfflineRunReport } from "../../modules/offline-terraform/offline-terraform";
import { generateConfig } from "../../scripts/generate-config";

/**
 * `terraform validate` (hashicorp/aws 5.100, offline) of the stacks issue 12 adds to: the DR stack with every lock
 * (Recycle Bin rules, block public access, the snapshot lock function in compliance mode, the logically air-gapped
 * vaults) and the DR organization's
 * stack with its guardrail SCPs. Skipped with a notice without terraform, as __tests__/terraform/offline-terraform.test.ts.
 */
const availability = offlineTerraformAvailability();
const run = availability.available ? describe : describe.skip;
if (!availability.available) console.warn(`NOTICE: the DR guardrail terraform validation is skipped: ${availability.reasons.join("; ")}`);

run("terraform validate of the DR locks and guardrails", () => {
  let terraform: OfflineTerraform;
  let report: OfflineRunReport;

  beforeAll(async () => {
    // GIVEN AWS Backup and RDS in one organization, a break-glass role, compliance locks, guardrails on an OU
    const raw = generateConfig({ sourceAccounts: 2, sameOrganization: true, backup: true, rds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.drAccount.breakGlassRoleArn = "arn:aws:iam::222222222222:role/BreakGlass";
    raw.drAccount.protection = { snapshotLock: { mode: "compliance", coolOffHours: 24 }, recycleBin: { retentionDays: 30, unlockDelayDays: 14 }, airGappedVault: { enabled: true } };
    raw.drAccount.guardrails = { targetIds: ["ou-ab12-cdefghij"] };
    const config = parseConfig(raw);
    terraform = new OfflineTerraform();
    // WHEN its DR stack and DR organization stack are validated
    report = await terraform.validateTogether(terraform.synthesize(config), ["dr-222222222222", `org-${config.drAccount.organizationId}`]);
  }, 300_000);

  afterAll(() => terraform?.dispose());

  it("accepts both stacks", () => {
    // THEN both are valid for the provider 5.100 schema
    expect(report.failures.map((failure) => failure.error?.message ?? failure.stack)).toEqual([]);
    expect(report.results).toHaveLength(2);
    for (const result of report.results) expect(result.validation).toMatchObject({ valid: true, errorCount: 0 });
  });
});
