import { z } from "zod";
import { cronExpressionProblems } from "./cron-expression";
import { region, tags } from "./schema-fields";
import { additionalAllowedVaultArns } from "./schema-guardrails";

/** AWS Backup's cron expressions (ScheduleExpression); each is then checked field by field. */
const BACKUP_CRON_PATTERN = /^cron\([^\n]{1,100}\)$/;

/** The `backup` section of the configuration (seeds 002 and 003): vaults, lock, rules, selection, guardrails. */
/** AWS Backup vault names: 2 to 50 of letters, digits, hyphens and underscores. */
const backupVaultName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{2,50}$/, "expected a backup vault name: 2 to 50 letters, digits, '-' or '_'")
  .refine((name) => name.toLowerCase() !== "default", "The destination vault cannot be the default vault")
  .describe("A backup vault name: 2 to 50 letters, digits, '-' or '_', never the default vault.");

const backupLifecycle = z
  .object({
    deleteAfterDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").describe("Days until the recovery point is deleted."),
    coldStorageAfterDays: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(36500, "must be at most 36500")
      .optional()
      .describe("Days until it moves to cold storage (then kept at least 90 more). Default: never."),
  })
  .strict()
  .describe("When a recovery point moves to cold storage and when it is deleted.");

export const BACKUP_RESOURCE_TYPE_NAMES = ["EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "StorageGateway", "S3"] as const;

export const backupRuleSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9._-]{1,50}$/, "expected a rule name: 1 to 50 letters, digits, '-', '_' or '.'").describe("The rule's name, unique in the plan."),
    schedule: z
      .string()
      .regex(BACKUP_CRON_PATTERN, "expected cron(...) as AWS Backup accepts it")
      .superRefine((expression, ctx) => {
        if (!BACKUP_CRON_PATTERN.test(expression)) return; // reported by the pattern
        for (const message of cronExpressionProblems(expression, "backup")) ctx.addIssue({ code: "custom", message });
      })
      .describe("A six-field cron expression in UTC, cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>), at least an hour apart."),
    // AWS Backup (BackupRuleInput): "must be at least 60 minutes"; "a maximum value of 100 years (52,560,000 minutes)".
    startWindowMinutes: z
      .number()
      .int("must be a whole number")
      .min(60, "must be at least 60")
      .max(52_560_000, "must be at most 52560000 (100 years, AWS Backup's maximum)")
      .optional()
      .describe("Minutes after the scheduled time before a job that has not started is cancelled. Default: 60."),
    completionWindowMinutes: z
      .number()
      .int("must be a whole number")
      .min(120, "must be at least 120")
      .max(52_560_000, "must be at most 52560000 (100 years, AWS Backup's maximum)")
      .optional()
      .describe("Minutes after the scheduled time by which a job must complete, at least startWindowMinutes + 60. Default: startWindowMinutes + 120."),
    /** The source recovery point. */
    lifecycle: backupLifecycle,
    /** The copy in the DR vault. @default the source lifecycle without cold storage */
    drCopyLifecycle: backupLifecycle.optional().describe("The copy in the DR vault (no cold storage). Default: deleted after the source's deleteAfterDays."),
    /** Also copy to another region of the source account. */
    copyToRegion: z
      .object({
        region: region.describe("The region of the account's own vault the copy goes to."),
        lifecycle: backupLifecycle.optional().describe("The copy's lifecycle. Default: the source lifecycle."),
      })
      .strict()
      .optional()
      .describe("Also copy to another region of the source account. Default: no such copy."),
  })
  .strict()
  .describe("A backup rule of the source accounts' plans: when, how long, and the copy into the DR vault.");

export const backupSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Copy AWS Backup recovery points to locked DR vaults (seeds 002, 003; one organization only)."),
    /** The DR account's vault in each copy region. @default "<namePrefix>-dr" */
    drVaultName: backupVaultName.optional().describe("The DR account's vault in each copy region. Default: <namePrefix>-dr."),
    /** The source accounts' vault in each region. @default "<namePrefix>-source" */
    sourceVaultName: backupVaultName.optional().describe("The source accounts' vault in each region. Default: <namePrefix>-source."),
    /** Who may copy into the DR vaults. @default the source accounts that back up ({type: accounts}) */
    copySources: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("organization").describe("Any account of the DR account's organization.") }).strict(),
        z
          .object({
            type: z.literal("organizationalUnits").describe("Accounts under the listed OU paths."),
            orgPaths: z
              .array(z.string().regex(/^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)+\*?$/, "expected an OU path: o-.../r-.../ou-.../"))
              .min(1, "at least one OU path is required")
              .describe("OU paths o-.../r-.../ou-.../ in the DR account's organization."),
          })
          .strict(),
        z.object({ type: z.literal("accounts").describe("Only the source accounts with AWS Backup on.") }).strict(),
      ])
      .describe("Who may copy into the DR vaults: {type: accounts} (the source accounts that back up, the default), {type: organizationalUnits, orgPaths: [...]} or {type: organization} (every account of the DR organization).")
      .default({ type: "accounts" }),
    vaultLock: z
      .object({
        mode: z
          .enum(["compliance", "governance"])
          .describe("governance (default; the DR organization's SCP makes it binding) or compliance (irreversible after changeableForDays, which must then be set).")
          .default("governance"),
        minRetentionDays: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(36500, "must be at most 36500")
          .describe("The shortest retention a copy into the DR vault may have.")
          .default(7),
        maxRetentionDays: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(36500, "must be at most 36500")
          .optional()
          .describe("The longest retention a copy into the DR vault may have. Default: the longest DR copy retention of backup.rules."),
        changeableForDays: z
          .number()
          .int("must be a whole number")
          .min(3, "must be at least 3")
          .max(36500, "must be at most 36500")
          .optional()
          .describe("Compliance mode only, and required there: days after the lock is first applied during which it can still be removed (at least 3). Default: none."),
      })
      .strict()
      .describe("The DR vaults' vault lock.")
      .default({}),
    /** Older name of drAccount.breakGlassRoleArn (which wins). @default - only the deploy role is exempt from the vault's Deny */
    breakGlassRoleArn: z
      .string()
      .regex(/^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN")
      .optional()
      .describe("Older name of drAccount.breakGlassRoleArn (which wins): besides the deploy role, the only role that may delete recovery points or change the DR vault. Default: none."),
    /** The management account's AWS Backup global settings besides cross-account backup. @default - left as AWS has them */
    globalSettings: z
      .object({
        delegatedAdministratorEnabled: z.boolean().optional().describe("isDelegatedAdministratorEnabled. Default: left as AWS has it."),
        multiPartyApprovalEnabled: z.boolean().optional().describe("isMpaEnabled (multi-party approval). Default: left as AWS has it."),
      })
      .strict()
      .default({})
      .describe("AWS Backup global settings of the management account besides cross-account backup; each is left as AWS has it unless set."),
    /** Copy job notifications of the DR vaults to an SNS topic. */
    notifications: z.boolean().default(true).describe("Send the DR vaults' copy job notifications to an SNS topic."),
    rules: z
      .array(backupRuleSchema)
      .min(1, "A backup plan must have at least 1 rule")
      .describe("The rules of the source accounts' backup plans.")
      .default([{ name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } }]),
    /** Resources backed up: of these types, with all of these tags. */
    selection: z
      .object({
        resourceTypes: z
          .array(z.enum(BACKUP_RESOURCE_TYPE_NAMES))
          .min(1, "at least one resource type is required")
          .describe("The resource types backed up.")
          .default(["EBS", "EC2", "EFS"]),
        tags: tags
          .refine((value) => Object.keys(value).length >= 1, "at least one tag is required (without one, every resource of the types is backed up)")
          .describe("Resources carrying all of these tags are backed up.")
          .default({ "snapshot-dr:backup": "true" }),
      })
      .strict()
      .describe("The resources backed up: of these types, with all of these tags.")
      .default({}),
    /** Whether this account's AWS Backup supports RDS copies that are cross-Region and cross-account in one plan. */
    rdsCrossRegionAndAccountSupported: z
      .boolean()
      .describe("Whether this account's AWS Backup supports RDS copies that are cross-Region and cross-account in one plan.")
      .default(false),
    guardrails: z
      .object({
        /** SCP on the DR account: it may not leave the organization (seed 003, security considerations). */
        denyLeaveOrganization: z.boolean().describe("SCP on the DR account: it may not leave the organization.").default(true),
        /** SCP on the source accounts: copies only into the configured vaults. */
        restrictCopyTargets: z.boolean().describe("SCP on the source accounts: recovery points may be copied only into the configured vaults.").default(true),
        /** Also limit copy targets to accounts under these OU paths. @default - no OU limit */
        allowedTargetOrgPaths: z
          .array(z.string().regex(/^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)+\*?$/, "expected an OU path: o-.../r-.../ou-.../"))
          .min(1, "at least one OU path is required when the field is given")
          .optional()
          .describe("Also limit copy targets to accounts under these OU paths. Default: no OU limit."),
        /** Where the copy SCP is attached (account, OU or root IDs). @default the organization's root (organizations[].rootId), else each account that backs up */
        copyGuardrailTargets: z
          .array(z.string().regex(/^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "expected an account, OU (ou-...) or root (r-...) ID"))
          .min(1, "at least one target is required when the field is given")
          .superRefine((targets, ctx) => {
            targets.forEach((target, index) => {
              const first = targets.indexOf(target);
              if (first !== index) ctx.addIssue({ code: "custom", path: [index], message: `duplicate of copyGuardrailTargets[${first}] ('${target}'): a policy is attached to a target once` });
            });
          })
          .optional()
          .describe("Where the copy SCP is attached: account, OU (ou-...) or root (r-...) IDs. Default: the organization's root (organizations[].rootId), else each source account with AWS Backup on."),
        additionalAllowedVaultArns,
      })
      .strict()
      .describe("Service control policies deployed from the DR organization's management account.")
      .default({}),
  })
  .strict()
  .describe("AWS Backup cross-account copies (seeds 002, 003).");
