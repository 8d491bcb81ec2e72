import { parseConfig, type SnapshotDrConfig } from "../../../modules/config/load-config";
import { generateConfig } from "../../../scripts/generate-config";

/**
 * The generated estates `terraform validate` checks, each for what it adds to the synthesized Terraform, in one
 * root (__tests__/terraform/offline-terraform.test.ts). Validation starts the AWS provider once per provider
 * configuration (a region of a stack), about a second of CPU each: so few estates, each covering several features,
 * in two regions where two show what three would.
 */
export interface ValidatedEstate {
  readonly config: SnapshotDrConfig;
  /** @default - every stack */
  readonly stacks?: readonly string[];
}

export const VALIDATED_ESTATES = {
  /**
   * 3 source accounts in 2 regions over 2 source organizations, the DR account in its own: both EBS modes, RDS, and
   * `capacity.requestQuotaIncreases` with one account over its EBS snapshots quota (issue 10).
   */
  crossOrganization: () => ({
    config: parseConfig(
      generateConfig({
        sourceAccounts: 3,
        regionsPerAccount: 2,
        sourceOrganizations: 2,
        ebsMode: "mixed",
        rds: true,
        capacity: { requestQuotaIncreases: true, accounts: { "100000000001": { volumesPerRegion: 15000 } } },
      }),
    ),
  }),
  /**
   * The DR account in the (only) source organization, root ID known: both EBS modes, AWS Backup, RDS, and issue 12's
   * locks: a break-glass role, compliance snapshot locks, the DR guardrails on an OU, and the air-gapped vault into
   * which the plans copy (its default).
   */
  sameOrganizationLocked: () => {
    const raw = generateConfig({ sourceAccounts: 3, regionsPerAccount: 2, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true, rootIds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.drAccount.breakGlassRoleArn = "arn:aws:iam::222222222222:role/BreakGlass";
    raw.drAccount.protection = { snapshotLock: { mode: "compliance", coolOffHours: 24 }, recycleBin: { retentionDays: 30, unlockDelayDays: 14 }, airGappedVault: { enabled: true } };
    raw.drAccount.guardrails = { targetIds: ["ou-ab12-cdefghij"] };
    return { config: parseConfig(raw) };
  },
  /** 55 source accounts in one region: the DR stack splits that region's copy event policy 50 + 5. */
  manySnapshotOwners: () => ({ config: parseConfig(generateConfig({ sourceAccounts: 55, regionsPerAccount: 1 })), stacks: ["dr-222222222222", "source-100000000055"] }),
} satisfies Record<string, () => ValidatedEstate>;

export type ValidatedEstateName = keyof typeof VALIDATED_ESTATES;
