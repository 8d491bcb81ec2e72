import type { RawConfig } from "../modules/config/schema";

/** What a generated configuration looks like. */
export interface GeneratedConfigOptions {
  readonly sourceAccounts: number;
  /**
   * Regions of each source account (taken from a fixed list).
   * @default 3
   */
  readonly regionsPerAccount?: number;
  /**
   * Source organizations the accounts are spread over (round robin).
   * @default 1
   */
  readonly sourceOrganizations?: number;
  /**
   * Whether the DR account is in a source organization rather than its own.
   * @default false
   */
  readonly sameOrganization?: boolean;
  /**
   * EBS mode of the accounts; `mixed` puts every second account in `share` mode.
   * @default "reencrypt"
   */
  readonly ebsMode?: "reencrypt" | "share" | "mixed";
  /**
   * Switch on AWS Backup (which needs sameOrganization) and the RDS flow.
   * @default false
   */
  readonly backup?: boolean;
  /** @default false */
  readonly rds?: boolean;
  /** AWS Backup's rule also copies to the accounts' second region (`copyToRegion`; needs 2 regions or more). @default false */
  readonly backupCopyToRegion?: boolean;
  /** The `capacity` block, as is. @default - none (its defaults) */
  readonly capacity?: RawConfig["capacity"];
  /**
   * Give each organization its root ID (`organizations[].rootId`), so that the copy guardrail is attached to
   * the root rather than to every account.
   * @default false
   */
  readonly rootIds?: boolean;
  /**
   * Who may copy into the DR vaults: `organizationalUnits` names one OU of the DR account's organization
   * (`<org>/<root>/ou-0001-workloads/*`), as an estate of hundreds of accounts would.
   * @default "accounts" (the schema's default: the source accounts that back up)
   */
  readonly backupCopySources?: "accounts" | "organizationalUnits";
}

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"];

const COPY_TO_REGION_RULE = { name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 }, copyToRegion: { region: REGIONS[1] } };
const ebsModeOf = (mode: "reencrypt" | "share" | "mixed", index: number) => (mode === "mixed" ? (index % 2 === 1 ? "share" : "reencrypt") : mode);
const accountId = (n: number) => String(100000000000 + n).padStart(12, "0");
const organizationId = (n: number) => `o-${String(n).padStart(10, "0")}src`;

/** An OU path of the organization: `<org>/<root>/ou-0001-workloads/*` (the OU and every OU below it). */
const workloadsOuPath = (organization: { id: string; rootId?: string }) => `${organization.id}/${organization.rootId ?? "r-0001"}/ou-0001-workloads/*`;

/**
 * A valid configuration of any size, for the benchmark and for tests that need many accounts
 * (e.g. more than 50 snapshot owners in one region).
 */
export function generateConfig(options: GeneratedConfigOptions): RawConfig {
  const regionsPerAccount = options.regionsPerAccount ?? 3;
  const sourceOrganizations = Array.from({ length: options.sourceOrganizations ?? 1 }, (_, index) => ({
    id: organizationId(index + 1),
    managementAccountId: accountId(900000000 + index),
    ...(options.rootIds ? { rootId: `r-${String(index + 1).padStart(4, "0")}` } : {}),
  }));
  if (options.backupCopyToRegion && regionsPerAccount < 2) throw new Error("backupCopyToRegion needs regionsPerAccount >= 2 (the copy goes to the second region)");
  const drOrganization = { id: "o-drdrdrdrdr", managementAccountId: "888888888888", ...(options.rootIds ? { rootId: "r-drdr" } : {}) };
  const drOrganizationOf = () => (options.sameOrganization ? sourceOrganizations[0] : drOrganization);
  return {
    namePrefix: "snapshot-dr",
    ...(options.backup
      ? {
          backup: {
            enabled: true,
            ...(options.backupCopyToRegion ? { rules: [COPY_TO_REGION_RULE] } : {}),
            ...(options.backupCopySources === "organizationalUnits" ? { copySources: { type: "organizationalUnits", orgPaths: [workloadsOuPath(drOrganizationOf())] } } : {}),
          },
        }
      : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.rds ? { rds: { enabled: true, copyToSecondaryRegion: true } } : {}),
    organizations: options.sameOrganization ? sourceOrganizations : [...sourceOrganizations, drOrganization],
    drAccount: {
      id: "222222222222",
      organizationId: options.sameOrganization ? sourceOrganizations[0].id : drOrganization.id,
      copyRegions: ["us-east-1", "us-west-2"],
    },
    sourceAccounts: Array.from({ length: options.sourceAccounts }, (_, index) => ({
      id: accountId(index + 1),
      name: `workload-${index + 1}`,
      organizationId: sourceOrganizations[index % sourceOrganizations.length].id,
      regions: REGIONS.slice(0, regionsPerAccount),
      ebs: { mode: ebsModeOf(options.ebsMode ?? "reencrypt", index) },
    })),
  };
}
