import { z } from "zod";
import { isKnownRegion } from "./regions";
import { capacitySchema } from "./schema-capacity";
import { breakGlassRoleArnSchema, drGuardrailsSchema, drProtectionSchema } from "./schema-protection";
import { additionalAllowedVaultArns, organizationRootId } from "./schema-guardrails";
import { monitoringSchema } from "./schema-monitoring";

/**
 * The configuration contract (docs/design.md §3). Field names are fixed; every field added here has a
 * default so that existing configurations keep working. Rules that relate fields to each other live in
 * `cross-field-rules.ts`.
 */

const accountId = z.string({ invalid_type_error: "expected 12 digits (quote it in YAML)" }).regex(/^\d{12}$/, "expected 12 digits");

const organizationId = z
  .string()
  .regex(/^o-[a-z0-9]{10,32}$/, "expected an organization ID: 'o-' followed by 10 to 32 lowercase letters or digits");

const region = z.string().refine(isKnownRegion, (value) => ({ message: `unknown region '${value}'` }));

/** Lowercase, so that every derived name (alias, role, function, queue, vault) accepts it as is. */
const namePrefix = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "expected 2 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  )
  .refine((value) => !value.includes("--"), "must not contain '--'")
  .refine((value) => !value.startsWith("aws"), "must not start with 'aws' (reserved by AWS for aliases and tags)");

/** IAM role names: up to 64 of letters, digits and `+=,.@_-`. */
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, "expected an IAM role name: 1 to 64 letters, digits or '+=,.@_-'");

const tagKey = z
  .string()
  .min(1, "tag keys must not be empty")
  .max(128, "tag keys are at most 128 characters")
  .refine((key) => !key.toLowerCase().startsWith("aws:"), "tag keys must not start with 'aws:' (reserved by AWS)");
const tagValue = z.string().max(256, "tag values are at most 256 characters");
const tags = z.record(tagKey, tagValue);

const retentionUnit = z.enum(["DAYS", "WEEKS", "MONTHS", "YEARS"]);

const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "expected a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)");

export const organizationSchema = z
  .object({
    id: organizationId,
    managementAccountId: accountId,
    /**
     * The role the `org-<id>` stack assumes in the management account (OrganizationAccountAccessRole exists only
     * in member accounts). @default the top-level deployRoleName
     */
    deployRoleName: roleName.optional(),
    rootId: organizationRootId,
  })
  .strict();

export const drAccountSchema = z
  .object({
    id: accountId,
    organizationId,
    /** Regions that hold the DR account's own copies, under KMS-C. */
    copyRegions: z
      .array(region)
      .min(1, "at least one copy region is required")
      .max(3, "The policy can copy snapshots to up to three Regions"),
    /** How long the DR account keeps its KMS-C copies. */
    copyRetention: z
      .object({
        interval: z.number().int("must be a whole number").min(1, "must be at least 1"),
        unit: retentionUnit,
      })
      .strict()
      .default({ interval: 30, unit: "DAYS" }),
    kmsB: z
      .object({
        /** Seed 001 "lock down KMS-B": remove the statements that let the source organizations use it. */
        lockDown: z.boolean().default(false),
      })
      .strict()
      .default({}),
    breakGlassRoleArn: breakGlassRoleArnSchema,
    protection: drProtectionSchema,
    guardrails: drGuardrailsSchema,
  })
  .strict();

export const ebsModeSchema = z.enum(["reencrypt", "share"]);

export const sourceAccountSchema = z
  .object({
    id: accountId,
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, "expected 1 to 64 letters, digits, spaces or '._-'")
      .optional(),
    organizationId,
    regions: z.array(region).min(1, "at least one region is required"),
    ebs: z
      .object({
        /** Overrides `ebs.mode` for this account. */
        mode: ebsModeSchema.optional(),
        /** Overrides `ebs.volumesUseDefaultKey` for this account. */
        volumesUseDefaultKey: z.boolean().optional(),
        /**
         * `share` mode: the existing customer managed keys (KMS-A) of the protected volumes, by region. None is
         * created in those regions; their key policies need the statements the synthesis prints.
         */
        kmsKeyArns: z.record(region, kmsKeyArn).optional(),
      })
      .strict()
      .default({}),
    backup: z
      .object({
        /** Overrides `backup.enabled` for this account (AWS Backup copies only within one organization). */
        enabled: z.boolean().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** DLM creates snapshots at these hourly intervals only. */
export const DLM_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

export const snapshotScheduleSchema = z
  .object({
    intervalHours: z
      .number()
      .refine((hours) => (DLM_INTERVAL_HOURS as readonly number[]).includes(hours), {
        message: `expected one of ${DLM_INTERVAL_HOURS.join(", ")} (the intervals Amazon Data Lifecycle Manager supports)`,
      })
      .optional(),
    /** Start time in UTC, `hh:mm`. */
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a UTC time as hh:mm")
      .optional(),
    /** A DLM cron expression, instead of intervalHours/time. */
    cronExpression: z
      .string()
      .regex(/^cron\([^\n]{1,100}\)$/, "expected cron(...) as Amazon Data Lifecycle Manager accepts it")
      .optional(),
  })
  .strict();

export const ebsSchema = z
  .object({
    /** `reencrypt`: copy under the DR account's KMS-B (seed 001). `share`: share snapshots and the source key (seed 000). */
    mode: ebsModeSchema.default("reencrypt"),
    /** Whether the protected volumes are encrypted with the default `aws/ebs` key (which cannot be shared). */
    volumesUseDefaultKey: z.boolean().default(false),
    /** `share` mode: how long after creation the source account stops sharing a snapshot with the DR account. */
    unshareAfter: z
      .object({
        interval: z.number().int("must be a whole number").min(1, "must be at least 1"),
        unit: retentionUnit,
      })
      .strict()
      .default({ interval: 7, unit: "DAYS" }),
    /** Volumes carrying all of these tags are snapshotted and sent to the DR account. */
    targetTags: tags
      .refine((value) => Object.keys(value).length >= 1, "at least one tag is required")
      .default({ "snapshot-dr:protect": "true" }),
    schedule: snapshotScheduleSchema.default({ intervalHours: 24, time: "03:00" }),
    /** How many snapshots the source policy keeps per volume. */
    retainCount: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000 (the retain count Amazon Data Lifecycle Manager allows)")
      .default(7),
    /** How long the source account keeps its KMS-B transit copies before the automation deletes them. */
    transitCopyRetentionHours: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(720, "must be at most 720 (30 days)")
      .default(48),
    /**
     * The snapshot copier's role name in every source account; KMS-B lets only roles of this name (in the source
     * organizations) use it. @default "<namePrefix>-snapshot-copier"
     */
    copierRoleName: roleName
      .optional()
      .describe("The snapshot copier's IAM role name in every source account; KMS-B trusts only roles of this name in the source organizations. Default: <namePrefix>-snapshot-copier."),
  })
  .strict();

/** AWS Backup vault names: 2 to 50 of letters, digits, hyphens and underscores. */
const backupVaultName = z
  .string()
  .regex(/^[a-zA-Z0-9\-\_]{2,50}$/, "expected a backup vault name: 2 to 50 letters, digits, '-' or '_'")
  .refine((name) => name.toLowerCase() !== "default", "The destination vault cannot be the default vault");

const backupLifecycle = z
  .object({
    deleteAfterDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500"),
    coldStorageAfterDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").optional(),
  })
  .strict();

export const BACKUP_RESOURCE_TYPE_NAMES = ["EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "StorageGateway", "S3"] as const;

export const backupRuleSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9\-\_\.]{1,50}$/, "expected a rule name: 1 to 50 letters, digits, '-', '_' or '.'"),
    schedule: z.string().regex(/^cron\([^\n]{1,100}\)$/, "expected cron(...) as AWS Backup accepts it"),
    startWindowMinutes: z.number().int("must be a whole number").min(60, "must be at least 60").optional(),
    completionWindowMinutes: z.number().int("must be a whole number").min(120, "must be at least 120").optional(),
    /** The source recovery point. */
    lifecycle: backupLifecycle,
    /** The copy in the DR vault. @default the source lifecycle without cold storage */
    drCopyLifecycle: backupLifecycle.optional(),
    /** Also copy to another region of the source account. */
    copyToRegion: z.object({ region, lifecycle: backupLifecycle.optional() }).strict().optional(),
  })
  .strict();

export const backupSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The DR account's vault in each copy region. @default "<namePrefix>-dr" */
    drVaultName: backupVaultName.optional(),
    /** The source accounts' vault in each region. @default "<namePrefix>-source" */
    sourceVaultName: backupVaultName.optional(),
    /** Who may copy into the DR vaults. @default the source accounts that back up ({type: accounts}) */
    copySources: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("organization") }).strict(),
        z
          .object({
            type: z.literal("organizationalUnits"),
            orgPaths: z
              .array(z.string().regex(/^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)+\*?$/, "expected an OU path: o-.../r-.../ou-.../"))
              .min(1, "at least one OU path is required"),
          })
          .strict(),
        z.object({ type: z.literal("accounts") }).strict(),
      ])
      .default({ type: "accounts" })
      .describe("Who may copy into the DR vaults: the source accounts that back up (accounts, the default), listed OUs (organizationalUnits), or every account of the DR organization (organization)."),
    vaultLock: z
      .object({
        mode: z
          .enum(["compliance", "governance"])
          .default("governance")
          .describe("governance (default; the DR organization's SCP makes it binding) or compliance (irreversible after changeableForDays, which must then be set)."),
        minRetentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").default(7),
        maxRetentionDays: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(36500, "must be at most 36500")
          .optional()
          .describe("Longest retention a recovery point in the DR vault may have. Default: the longest DR copy retention of backup.rules."),
        changeableForDays: z
          .number()
          .int("must be a whole number")
          .min(3, "must be at least 3")
          .max(36500, "must be at most 36500")
          .optional()
          .describe("Compliance mode only, and required there: days after the lock is first applied during which it can still be removed."),
      })
      .strict()
      .default({}),
    /** Older name of drAccount.breakGlassRoleArn (which wins). @default - only the deploy role is exempt from the vault's Deny */
    breakGlassRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN").optional(),
    /** Copy job notifications of the DR vaults to an SNS topic. */
    notifications: z.boolean().default(true),
    rules: z
      .array(backupRuleSchema)
      .min(1, "A backup plan must have at least 1 rule")
      .default([{ name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } }]),
    /** Resources backed up: of these types, with all of these tags. */
    selection: z
      .object({
        resourceTypes: z.array(z.enum(BACKUP_RESOURCE_TYPE_NAMES)).min(1, "at least one resource type is required").default(["EBS", "EC2", "EFS"]),
        tags: tags.default({ "snapshot-dr:backup": "true" }),
      })
      .strict()
      .default({}),
    /** The management account's AWS Backup global settings besides cross-account backup. @default - left as AWS has them */
    globalSettings: z
      .object({
        delegatedAdministratorEnabled: z.boolean().optional().describe("isDelegatedAdministratorEnabled; left as AWS has it unless set."),
        multiPartyApprovalEnabled: z.boolean().optional().describe("isMpaEnabled (multi-party approval); left as AWS has it unless set."),
      })
      .strict()
      .default({})
      .describe("AWS Backup global settings of the management account besides cross-account backup; each is left as AWS has it unless set."),
    /** Whether this account's AWS Backup supports RDS copies that are cross-Region and cross-account in one plan. */
    rdsCrossRegionAndAccountSupported: z.boolean().default(false),
    guardrails: z
      .object({
        /** SCP on the DR account: it may not leave the organization (seed 003, security considerations). */
        denyLeaveOrganization: z.boolean().default(true),
        /** SCP on the source accounts: copies only into the configured vaults. */
        restrictCopyTargets: z.boolean().default(true),
        /** Also limit copy targets to accounts under these OU paths. @default - no OU limit */
        allowedTargetOrgPaths: z.array(z.string().regex(/^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)+\*?$/, "expected an OU path: o-.../r-.../ou-.../")).optional(),
        /** Where the copy SCP is attached (account, OU or root IDs). @default the organization's root (organizations[].rootId), else each account that backs up */
        additionalAllowedVaultArns,
        copyGuardrailTargets: z.array(z.string().regex(/^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "expected an account, OU (ou-...) or root (r-...) ID")).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const rdsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** DB instances and clusters with this tag (and their snapshots) are copied to the DR account. */
    selectionTag: z
      .object({ key: tagKey, value: tagValue })
      .strict()
      .default({ key: "snapshot-dr:protect", value: "true" }),
    /**
     * The key the source copies are made under. Only a customer managed key can be shared; the default is the
     * key this project creates in every region.
     */
    kmsKeyAlias: z
      .string()
      .regex(/^alias\/[a-zA-Z0-9/_-]{1,250}$/, "expected a KMS alias name (alias/...)")
      .optional(),
    /** How long the source account keeps its shared transit copies. */
    transitCopyRetentionHours: z.number().int("must be a whole number").min(1, "must be at least 1").max(720, "must be at most 720 (30 days)").default(48),
    /** How long the DR account keeps its own copies. */
    retentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").default(35),
    /** Also copy each DR copy to the DR account's first copy region (or second, when it is the same region). */
    copyToSecondaryRegion: z.boolean().default(false),
    /** Whether the protected databases use custom option groups (not copied across regions). */
    usesCustomOptionGroups: z.boolean().default(false),
    /** Whether they use permanent or persistent options such as TDE (their snapshots cannot be shared at all). */
    usesPermanentOrPersistentOptions: z.boolean().default(false),
  })
  .strict();

const s3BackendSchema = z
  .object({
    type: z.literal("s3"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name"),
    /** Each stack's state is at `<keyPrefix>/<stack>.tfstate`. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]{1,512}$/, "expected an S3 key prefix")
      .refine((value) => !value.startsWith("/") && !value.endsWith("/"), "must not start or end with '/'")
      .default("snapshot-dr"),
    region,
    useLockfile: z.boolean().default(true),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN").optional(),
  })
  .strict();

const cloudBackendSchema = z
  .object({
    type: z.literal("cloud"),
    organization: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "expected a Terraform Cloud organization name"),
    /** Each stack gets the workspace `<workspacePrefix><stack>`. */
    workspacePrefix: z.string().regex(/^[A-Za-z0-9_-]{0,40}$/, "expected letters, digits, '-' or '_'").default("snapshot-dr-"),
    hostname: z.string().regex(/^[a-z0-9.-]+$/, "expected a host name").default("app.terraform.io"),
  })
  .strict();

const localBackendSchema = z.object({ type: z.literal("local") }).strict();

export const backendSchema = z.discriminatedUnion("type", [localBackendSchema, s3BackendSchema, cloudBackendSchema], {
  errorMap: (issue, ctx) =>
    issue.code === "invalid_union_discriminator"
      ? { message: "expected type: local, s3 or cloud" }
      : { message: ctx.defaultError },
});

export const configSchema = z
  .object({
    namePrefix: namePrefix.default("snapshot-dr"),
    partition: z.enum(["aws", "aws-us-gov", "aws-cn"]).default("aws"),
    /** The role every stack's providers assume in their own account. */
    deployRoleName: roleName.default("OrganizationAccountAccessRole"),
    /** Added to every provider's default tags. */
    tags: tags.default({}),
    backend: backendSchema.default({ type: "local" }),
    organizations: z.array(organizationSchema).min(1, "at least one organization is required"),
    drAccount: drAccountSchema,
    sourceAccounts: z.array(sourceAccountSchema).min(1, "at least one source account is required"),
    ebs: ebsSchema.default({}),
    backup: backupSchema.default({}),
    rds: rdsSchema.default({}),
    capacity: capacitySchema.default({}),
    monitoring: monitoringSchema,
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
