import { parseConfig } from "../../modules/config/load-config";
import { OfflineTerraform, offlineTerraformAvailability, type OfflineRunReport } from "../../modules/offline-terraform/offline-terraform";
import { generateConfig } from "../../scripts/generate-config";

/**
 * `terraform validate` (hashicorp/aws 5.100, offline), in one root, of the stacks issue 12 adds to: the DR stack with
 * every lock (Recycle Bin rules, block public access, the snapshot lock function in compliance mode, the logically
 * air-gapped vaults), the DR organization's stack with its guardrail SCPs and the copy guardrail that allows the
 * air-gapped vaults, and the source stacks whose plans copy into them. Skipped with a notice without terraform, as
 * __tests__/terraform/offline-terraform.test.ts.
 */
const availability = offlineTerraformAvailability();
const run = availability.available ? describe : describe.skip;
if (!availability.available) console.warn(`NOTICE: the DR guardrail terraform validation is skipped: ${availability.reasons.join("; ")}`);

run("terraform validate of the DR locks and guardrails, and of plans copying into the air-gapped vaults", () => {
  let terraform: OfflineTerraform;
  let report: OfflineRunReport;
  let stacks: readonly string[];
  let drOrganizationStack: string;

  beforeAll(async () => {
    // GIVEN AWS Backup and RDS in one organization (root ID known), a break-glass role, compliance locks, guardrails
    // on an OU, and the air-gapped vault with copies from the plans (its default)
    const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true, rds: true, rootIds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.drAccount.breakGlassRoleArn = "arn:aws:iam::222222222222:role/BreakGlass";
    raw.drAccount.protection = { snapshotLock: { mode: "compliance", coolOffHours: 24 }, recycleBin: { retentionDays: 30, unlockDelayDays: 14 }, airGappedVault: { enabled: true } };
    raw.drAccount.guardrails = { targetIds: ["ou-ab12-cdefghij"] };
    const config = parseConfig(raw);
    drOrganizationStack = `org-${config.drAccount.organizationId}`;
    terraform = new OfflineTerraform();
    const app = terraform.synthesize(config);
    stacks = app.stacks;
    // WHEN every stack is validated together
    report = await terraform.validateTogether(app);
  }, 300_000);

  afterAll(() => terraform?.dispose());

  it("accepts the DR, DR organization and source stacks", () => {
    // THEN each is valid for the provider 5.100 schema
    expect(stacks).toEqual(expect.arrayContaining(["dr-222222222222", drOrganizationStack, "source-100000000001", "source-100000000002"]));
    expect(report.failures.map((failure) => failure.error?.message ?? failure.stack)).toEqual([]);
    expect(report.results).toHaveLength(stacks.length);
    for (const result of report.results) expect(result.validation).toMatchObject({ valid: true, errorCount: 0 });
  });
});
