import { z } from "zod";
import { cronExpressionProblems } from "./cron-expression";
import { backendSchema } from "./schema-backend";
import { accountId, dlmInterval, kmsKeyArn, namePrefix, organizationId, region, roleName, tagKey, tags, tagValue } from "./schema-fields";
import { capacitySchema } from "./schema-capacity";
import { organizationRootId } from "./schema-guardrails";
import { backupSchema } from "./schema-backup";
import { monitoringSchema } from "./schema-monitoring";
import { breakGlassRoleArnSchema, drGuardrailsSchema, drProtectionSchema } from "./schema-protection";

export { backendSchema };
export { BACKUP_RESOURCE_TYPE_NAMES, backupRuleSchema, backupSchema } from "./schema-backup";

/**
 * The configuration contract (docs/design.md §3). Field names are fixed; every field added here has a
 * default so that existing configurations keep working. Rules that relate fields to each other live in
 * `cross-field-rules.ts`.
 */

export const organizationSchema = z
  .object({
    id: organizationId,
    managementAccountId: accountId.describe("The organization's management account (SCPs never apply to it)."),
    /**
     * The role the `org-<id>` stack assumes in the management account (OrganizationAccountAccessRole exists only
     * in member accounts). @default the top-level deployRoleName
     */
    deployRoleName: roleName.optional().describe("The role the org-<id> stack assumes in the management account. Default: the top-level deployRoleName."),
    rootId: organizationRootId,
  })
  .strict()
  .describe("An organization involved: a source organization, the DR account's, or both.");

export const drAccountSchema = z
  .object({
    id: accountId.describe("The isolated DR account that owns the copies."),
    organizationId: organizationId.describe("The DR account's organization (listed in organizations)."),
    /** Regions that hold the DR account's own copies, under KMS-C. */
    copyRegions: z
      .array(region)
      .min(1, "at least one copy region is required")
      .max(3, "The policy can copy snapshots to up to three Regions")
      .describe("1 to 3 regions that hold the DR account's own copies, under KMS-C."),
    /** How long the DR account keeps its KMS-C copies. */
    copyRetention: dlmInterval("How long the DR account keeps its KMS-C copies (DLM retain rule, at most 100 years).").default({ interval: 30, unit: "DAYS" }),
    kmsB: z
      .object({
        /** Seed 001 "lock down KMS-B": remove the statements that let the source organizations use it. */
        lockDown: z.boolean().default(false).describe("Remove the statements that let the source organizations use KMS-B (seed 001, after a migration)."),
      })
      .strict()
      .describe("The DR account's KMS-B, the key source accounts copy snapshots under.")
      .default({}),
    breakGlassRoleArn: breakGlassRoleArnSchema,
    protection: drProtectionSchema,
    guardrails: drGuardrailsSchema,
  })
  .strict()
  .describe("The isolated DR account.");

export const ebsModeSchema = z
  .enum(["reencrypt", "share"])
  .describe("reencrypt: copy under the DR account's KMS-B (seed 001). share: share snapshots and the source key (seed 000).");

export const sourceAccountSchema = z
  .object({
    id: accountId.describe("A source account whose data is protected."),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, "expected 1 to 64 letters, digits, spaces or '._-'")
      .optional()
      .describe("A readable name for reports. Default: none."),
    organizationId: organizationId.describe("The account's organization (listed in organizations)."),
    regions: z.array(region).min(1, "at least one region is required").describe("The regions whose data is protected; the first is the stack's home region."),
    ebs: z
      .object({
        /** Overrides `ebs.mode` for this account. */
        mode: ebsModeSchema.optional().describe("Overrides ebs.mode for this account. Default: ebs.mode."),
        /** Overrides `ebs.volumesUseDefaultKey` for this account. */
        volumesUseDefaultKey: z.boolean().optional().describe("Overrides ebs.volumesUseDefaultKey for this account. Default: ebs.volumesUseDefaultKey."),
        /**
         * `share` mode: the existing customer managed keys (KMS-A) of the protected volumes, by region. None is
         * created in those regions; their key policies need the statements the synthesis prints.
         */
        kmsKeyArns: z
          .record(region, kmsKeyArn)
          .optional()
          .describe("share mode: the existing customer managed keys of the protected volumes, by region ({<region>: <key ARN>}). Default: KMS-A is created."),
      })
      .strict()
      .describe("EBS settings of this account.")
      .default({}),
    backup: z
      .object({
        /** Overrides `backup.enabled` for this account (AWS Backup copies only within one organization). */
        enabled: z.boolean().optional().describe("Overrides backup.enabled for this account. Default: backup.enabled."),
      })
      .strict()
      .describe("AWS Backup settings of this account.")
      .default({}),
    freshness: z
      .object({
        /** The regions whose EBS copies the DR account's freshness check expects. @default - every region of the account */
        ebs: z.array(region).optional().describe("The regions whose EBS copies the freshness check expects ([] for none). Default: every region of the account."),
        /** The regions whose RDS copies it expects (with rds.enabled). @default - every region of the account */
        rds: z.array(region).optional().describe("The regions whose RDS copies the freshness check expects ([] for none; needs rds.enabled). Default: every region of the account."),
        /** The regions whose AWS Backup copies it expects (with AWS Backup on for the account). @default - every region of the account */
        backup: z
          .array(region)
          .optional()
          .describe("The regions whose AWS Backup copies the freshness check expects ([] for none; needs AWS Backup on for the account). Default: every region of the account."),
      })
      .strict()
      .describe(
        "Where the DR account's freshness check expects copies from this account, per flow. A region listed here with nothing to copy in that flow " +
          "(no tagged volume, no database) would be reported stale forever: leave it out. Default: every region of the account, for every flow it uses.",
      )
      .default({}),
  })
  .strict()
  .describe("A source account.");

/** DLM creates snapshots at these hourly intervals only. */
export const DLM_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** DLM's CreateRule.CronExpression pattern (checked field by field after it). */
const DLM_CRON_PATTERN = /^cron\([^\n]{11,100}\)$/;

export const snapshotScheduleSchema = z
  .object({
    intervalHours: z
      .union(DLM_INTERVAL_HOURS.map((hours) => z.literal(hours)) as unknown as [z.ZodLiteral<1>, z.ZodLiteral<2>, ...z.ZodLiteral<number>[]], {
        errorMap: () => ({ message: `expected one of ${DLM_INTERVAL_HOURS.join(", ")} (the intervals Amazon Data Lifecycle Manager supports)` }),
      })
      .optional()
      .describe("Snapshot every N hours (1, 2, 3, 4, 6, 8, 12 or 24). Set this or cronExpression. Default: none."),
    /** Start time in UTC, `hh:mm`. */
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a UTC time as hh:mm")
      .optional()
      .describe("With intervalHours: the start time in UTC, hh:mm. Default: DLM picks one."),
    /** A DLM cron expression, instead of intervalHours/time. */
    cronExpression: z
      .string()
      .regex(DLM_CRON_PATTERN, "expected cron(...) as Amazon Data Lifecycle Manager accepts it")
      .superRefine((expression, ctx) => {
        if (!DLM_CRON_PATTERN.test(expression)) return; // reported by the pattern
        for (const message of cronExpressionProblems(expression, "dlm")) ctx.addIssue({ code: "custom", message });
      })
      .optional()
      .describe("A DLM cron expression, cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>), 1 hour to 1 year apart; instead of intervalHours/time. Default: none."),
  })
  .strict()
  .describe("When the source accounts snapshot their volumes: intervalHours (and time), or cronExpression.");

export const ebsSchema = z
  .object({
    /** `reencrypt`: copy under the DR account's KMS-B (seed 001). `share`: share snapshots and the source key (seed 000). */
    mode: ebsModeSchema.default("reencrypt"),
    /** Whether the protected volumes are encrypted with the default `aws/ebs` key (which cannot be shared). */
    volumesUseDefaultKey: z.boolean().default(false).describe("Whether the protected volumes are encrypted with the default aws/ebs key (which cannot be shared)."),
    /** `share` mode: how long after creation the source account stops sharing a snapshot with the DR account. */
    unshareAfter: dlmInterval("share mode: how long after creation the source account stops sharing a snapshot with the DR account (at most 100 years).").default({
      interval: 7,
      unit: "DAYS",
    }),
    /** Volumes carrying all of these tags are snapshotted and sent to the DR account. */
    targetTags: tags
      .refine((value) => Object.keys(value).length >= 1, "at least one tag is required")
      .describe("Volumes carrying all of these tags are snapshotted and sent to the DR account.")
      .default({ "snapshot-dr:protect": "true" }),
    schedule: snapshotScheduleSchema.default({ intervalHours: 24, time: "03:00" }),
    /** How many snapshots the source policy keeps per volume. */
    retainCount: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000 (the retain count Amazon Data Lifecycle Manager allows)")
      .describe("How many snapshots the source policy keeps per volume (1 to 1000).")
      .default(7),
    /** How long the source account keeps its KMS-B transit copies before the automation deletes them. */
    transitCopyRetentionHours: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      // DLM schedules may be up to a year apart; the transit retention rule asks for the interval + 24 h.
      .max(8808, "must be at most 8808 (a year, the longest DLM schedule interval, plus the 24 h copy margin)")
      .describe("How many hours the source account keeps its KMS-B transit copies before the automation deletes them: at least the snapshot interval + 24 h, so that the next copy can be incremental.")
      .default(48),
    /**
     * The snapshot copier's role name in every source account; KMS-B lets only roles of this name (in the source
     * organizations) use it. @default "<namePrefix>-snapshot-copier"
     */
    copierRoleName: roleName
      .optional()
      .describe("The snapshot copier's IAM role name in every source account; KMS-B trusts only roles of this name in the source organizations. Default: <namePrefix>-snapshot-copier."),
  })
  .strict()
  .describe("The EBS flows: re-encryption (seed 001) or sharing (seed 000).");

export const rdsSchema = z
  .object({
    enabled: z.boolean().describe("Copy RDS and Aurora snapshots to the DR account (seed 004).").default(false),
    /** DB instances and clusters with this tag (and their snapshots) are copied to the DR account. */
    selectionTag: z
      .object({ key: tagKey, value: tagValue })
      .strict()
      .describe("DB instances and clusters with this tag (and their snapshots) are copied to the DR account.")
      .default({ key: "snapshot-dr:protect", value: "true" }),
    /**
     * The key the source copies are made under. Only a customer managed key can be shared; the default is the
     * key this project creates in every region.
     */
    kmsKeyAlias: z
      .string()
      .regex(/^alias\/[a-zA-Z0-9/_-]{1,250}$/, "expected a KMS alias name (alias/...)")
      // KMS: "The alias/aws/ prefix is reserved for AWS managed keys", and an AWS managed key cannot be shared.
      .refine(
        (alias) => !alias.startsWith("alias/aws/"),
        "alias/aws/ names an AWS managed key: You can't share a snapshot that's encrypted with the default AWS KMS key; leave it unset so that a customer managed key is created",
      )
      .optional()
      .describe("The alias of the key the source copies are made under, created by this project. Default: alias/<namePrefix>/rds-source."),
    /** How long the source account keeps its shared transit copies. */
    transitCopyRetentionHours: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(720, "must be at most 720 (30 days)")
      .describe("Hours the source account keeps its shared transit copies (less than retentionDays × 24).")
      .default(48),
    /** How long the DR account keeps its own copies. */
    retentionDays: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(36500, "must be at most 36500")
      .describe("Days the DR account keeps its own copies.")
      .default(35),
    /** Also copy each DR copy to the DR account's first copy region (or second, when it is the same region). */
    copyToSecondaryRegion: z.boolean().describe("Also copy each DR copy to the DR account's first copy region (or second, when it is the same).").default(false),
    /** Whether the protected databases use custom option groups (not copied across regions). */
    usesCustomOptionGroups: z.boolean().describe("Whether the protected databases use custom option groups (not copied across regions).").default(false),
    /** Whether they use permanent or persistent options such as TDE (their snapshots cannot be shared at all). */
    usesPermanentOrPersistentOptions: z
      .boolean()
      .describe("Whether they use permanent or persistent options such as TDE (their snapshots cannot be shared at all).")
      .default(false),
  })
  .strict()
  .describe("RDS and Aurora snapshot copies (seed 004).");

export const configSchema = z
  .object({
    namePrefix: namePrefix.default("snapshot-dr"),
    partition: z.enum(["aws", "aws-us-gov", "aws-cn"]).describe("The AWS partition of every account.").default("aws"),
    /** The role every stack's providers assume in their own account. */
    deployRoleName: roleName.describe("The role every stack's providers assume in their own account.").default("OrganizationAccountAccessRole"),
    /** Added to every provider's default tags. */
    tags: tags.describe("Added to every resource's tags (with ManagedBy and SnapshotDrStack, which they cannot override).").default({}),
    backend: backendSchema.default({ type: "local" }),
    organizations: z.array(organizationSchema).min(1, "at least one organization is required").describe("Every organization involved."),
    drAccount: drAccountSchema,
    sourceAccounts: z.array(sourceAccountSchema).min(1, "at least one source account is required").describe("The accounts whose data is protected."),
    ebs: ebsSchema.default({}),
    backup: backupSchema.default({}),
    rds: rdsSchema.default({}),
    capacity: capacitySchema.default({}),
    monitoring: monitoringSchema,
  })
  .strict()
  .describe("A snapshot-dr estate: the organizations, the DR account, the source accounts and the flows.");

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
