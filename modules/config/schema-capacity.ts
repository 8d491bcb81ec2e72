import { z } from "zod";

/**
 * `capacity`: what `npm run capacity` needs to know about the estate that the rest of the configuration does not
 * say (how many volumes, databases and backed-up resources, how long a copy takes), how the snapshot schedules
 * are spread, and whether the stacks request quota increases. Every field has a default, chosen on the
 * conservative side; the source of each default is in its description.
 */

const count = (max: number) => z.number().int("must be a whole number").min(0, "must be at least 0").max(max, `must be at most ${max}`);
const minutes = (min: number, max: number) =>
  z.number().int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** The per account-region counts, as defaults for every source account or as one account's override. */
const resourceCounts = {
  volumesPerRegion: count(100000).describe(
    "EBS volumes carrying ebs.targetTags in each region of an account. Default 10: an assumption (no AWS figure), a small workload account.",
  ),
  dbInstanceSnapshotsPerRegion: count(10000).describe(
    "RDS DB instances (non-Aurora) tagged rds.selectionTag in each region of an account: one DB snapshot each per day. Default 2: an assumption.",
  ),
  dbClusterSnapshotsPerRegion: count(10000).describe(
    "Aurora and Multi-AZ DB clusters tagged rds.selectionTag in each region of an account: one DB cluster snapshot each per day. Default 1: an assumption.",
  ),
  backupResourcesPerRegion: count(1000000).describe(
    "Resources selected by backup.selection in each region of an account: one recovery point each per rule run. Default 20: an assumption.",
  ),
};

const resourceCountOverrides = z
  .object({
    volumesPerRegion: resourceCounts.volumesPerRegion.optional(),
    dbInstanceSnapshotsPerRegion: resourceCounts.dbInstanceSnapshotsPerRegion.optional(),
    dbClusterSnapshotsPerRegion: resourceCounts.dbClusterSnapshotsPerRegion.optional(),
    backupResourcesPerRegion: resourceCounts.backupResourcesPerRegion.optional(),
  })
  .strict();

export const capacitySchema = z
  .object({
    volumesPerRegion: resourceCounts.volumesPerRegion.default(10),
    dbInstanceSnapshotsPerRegion: resourceCounts.dbInstanceSnapshotsPerRegion.default(2),
    dbClusterSnapshotsPerRegion: resourceCounts.dbClusterSnapshotsPerRegion.default(1),
    backupResourcesPerRegion: resourceCounts.backupResourcesPerRegion.default(20),
    accounts: z
      .record(z.string().regex(/^\d{12}$/, "expected a 12-digit account ID"), resourceCountOverrides)
      .default({})
      .describe("Per source account (by ID): overrides of the counts above."),
    ebsCopyMinutes: z
      .object({
        full: minutes(1, 10080).default(240).describe(
          "Minutes an EBS snapshot copy takes when it is the volume's first (full) copy. Default 240: a conservative assumption for a 100 GiB volume; AWS publishes no figure.",
        ),
        incremental: minutes(1, 10080).default(30).describe(
          "Minutes an incremental EBS snapshot copy takes (only changed blocks are copied). Default 30: a conservative assumption for a few GiB of daily change.",
        ),
      })
      .strict()
      .default({})
      .describe("How long one EBS snapshot copy takes; the estimate uses the incremental figure for steady state and the full one for the first day."),
    rdsCopyMinutes: minutes(1, 10080)
      .default(60)
      .describe("Minutes one RDS snapshot copy takes. Default 60: an assumption; copies of large databases take hours."),
    rdsBackupWindowSpreadHours: z
      .number()
      .min(0.5, "must be at least 0.5 (RDS backup windows are at least 30 minutes)")
      .max(24, "must be at most 24")
      .default(8)
      .describe(
        "Hours over which the databases' automated snapshots of a day are spread. Default 8: RDS assigns each default backup window at random from an 8-hour block per Region.",
      ),
    staggerWindowMinutes: minutes(0, 1440)
      .default(240)
      .describe(
        "Spread the EBS snapshot schedule (ebs.schedule.time) of each source account over this many minutes, by a stable hash of its account ID, so that the copies do not all reach the DR account at once; capped at the schedule interval; 0 turns it off. Default 240.",
      ),
    nearPercent: z
      .number()
      .min(1, "must be at least 1")
      .max(100, "must be at most 100")
      .default(80)
      .describe("A quota is reported `near` when the demand is over this percentage of the limit. Default 80."),
    requestQuotaIncreases: z
      .boolean()
      .default(false)
      .describe(
        "Emit aws_servicequotas_service_quota resources (in the DR stack for the DR account, in source stacks for source accounts) for every adjustable quota with a Service Quotas code that is near or over. Default false: an increase request is a support case, opened on purpose.",
      ),
  })
  .strict()
  .describe("Inputs of `npm run capacity` and the schedule spread; every field has a conservative default.");

export type CapacityConfig = z.output<typeof capacitySchema>;
