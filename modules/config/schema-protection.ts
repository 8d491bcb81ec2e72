import { z } from "zod";

/**
 * The DR account's protection against its own administrators (issue 12): locked copies (`drAccount.protection`)
 * and the DR organization's guardrail SCPs (`drAccount.guardrails`), with the one role both let through
 * (`drAccount.breakGlassRoleArn`, a contract field of docs/design.md §6). Every field has a default, so existing
 * configurations get the protection without a change.
 */

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN");

/** Organizations' pattern of a policy target ID (AttachPolicy): an account, an OU or the root. */
const policyTargetId = z
  .string()
  .regex(/^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "expected an account (12 digits), OU (ou-...) or root (r-...) ID");

export const breakGlassRoleArnSchema = roleArn
  .optional()
  .describe(
    "The one role of the DR account the DR organization's guardrails let through (unlock, delete or share a DR copy, change a DR key, the DLM policies or the vaults). Unset: nobody in the DR account can; the DR organization's management account detaches the guardrail SCPs instead. backup.breakGlassRoleArn, when unset, takes this value. Default: none.",
  );

export const recycleBinSchema = z
  .object({
    enabled: z.boolean().default(true).describe("A locked Region-level Recycle Bin retention rule for EBS snapshots in every region of the DR stack."),
    retentionDays: z
      .number()
      .int("must be a whole number")
      // Recycle Bin API, RetentionPeriod: RetentionPeriodValue 1 to 365, unit DAYS.
      .min(1, "must be at least 1")
      .max(365, "must be at most 365 (the Recycle Bin retention period)")
      .default(14)
      .describe("Days a deleted DR snapshot (also one DLM expired) stays recoverable in the Recycle Bin, billed as a snapshot meanwhile."),
    unlockDelayDays: z
      .number()
      .int("must be a whole number")
      // Recycle Bin API, UnlockDelay: UnlockDelayValue, valid range 7 to 30 (days).
      .min(7, "must be at least 7 (the Recycle Bin unlock delay)")
      .max(30, "must be at most 30 (the Recycle Bin unlock delay)")
      .default(7)
      .describe("Days between unlocking the retention rule and being able to change or delete it: the time to notice an attacker."),
  })
  .strict()
  .default({})
  .describe("The locked Recycle Bin retention rule that keeps deleted DR snapshots recoverable.");

export const snapshotLockSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Lock every DR-owned EBS copy (DLM copies in the copy regions) as it completes, and every hour those missed."),
    mode: z
      .enum(["governance", "compliance"])
      .default("governance")
      .describe("governance: the break-glass role may unlock (the guardrails deny everyone else). compliance: nobody can unlock after the cooling-off period; irreversible, never the default."),
    coolOffHours: z
      .number()
      .int("must be a whole number")
      // LockSnapshot CoolOffPeriod: compliance mode only, 1 to 72 hours.
      .min(1, "must be at least 1")
      .max(72, "must be at most 72 (the LockSnapshot cooling-off period)")
      .optional()
      .describe("Compliance mode only: hours after locking during which the lock can still be removed. Default: none (locked at once)."),
    endBeforeExpiryDays: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .default(1)
      .describe("The lock ends this many days before DLM expires the copy (drAccount.copyRetention), so that DLM can delete it on time."),
  })
  .strict()
  .superRefine((lock, context) => {
    // LockSnapshot: "If you lock a snapshot in governance mode, omit CoolOffPeriod."
    if (lock.mode === "governance" && lock.coolOffHours !== undefined) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ["coolOffHours"], message: "a cooling-off period is for compliance mode only (LockSnapshot: in governance mode, omit CoolOffPeriod)" });
    }
  })
  .default({})
  .describe("EBS snapshot lock on every DR-owned copy, applied by a function of the DR account.");

export const airGappedVaultSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Also create an AWS Backup logically air-gapped vault (<namePrefix>-dr-air-gapped, locked in compliance mode by AWS Backup) in every copy region, open to the accounts that back up (AWS Backup only). A plan copies into it with the destination arn:<partition>:backup:<region>:<DR account>:backup-vault:<namePrefix>-dr-air-gapped; the copy guardrail SCP allows that destination.",
      ),
    copyFromPlans: z
      .boolean()
      .default(true)
      .describe(
        "true: every rule of the source accounts' backup plans copies each recovery point into the air-gapped vault too, in addition to the DR vault: same DR region, same lifecycle (backup.rules[].drCopyLifecycle, else the source's deleteAfterDays), which must lie within minRetentionDays and maxRetentionDays. false: the vault is created and the guardrail allows it, but no plan of this project copies into it. Default: true.",
      ),
    // CreateLogicallyAirGappedBackupVault: MinRetentionDays and MaxRetentionDays are required; "The minimum value accepted is 7 days".
    minRetentionDays: z.number().int("must be a whole number").min(7, "must be at least 7 (the minimum retention of a logically air-gapped vault)").max(36500, "must be at most 36500").default(7).describe("The vault's minimum retention of a recovery point: a copy kept for less fails."),
    maxRetentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").default(365).describe("The vault's maximum retention of a recovery point: a copy kept for longer fails."),
  })
  .strict()
  .superRefine((vault, context) => {
    if (vault.maxRetentionDays < vault.minRetentionDays) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ["maxRetentionDays"], message: `must be at least minRetentionDays (${vault.minRetentionDays})` });
    }
  })
  .default({})
  .describe("An optional AWS Backup logically air-gapped vault in every copy region.");

export const drProtectionSchema = z
  .object({
    recycleBin: recycleBinSchema,
    snapshotLock: snapshotLockSchema,
    blockPublicSharing: z
      .boolean()
      .default(true)
      .describe("EBS snapshot block public access in block-all-sharing mode in every region of the DR stack (blocks public sharing only; sharing with accounts is unaffected)."),
    airGappedVault: airGappedVaultSchema,
  })
  .strict()
  .default({})
  .describe("Locks on the DR account's copies that its own administrators cannot remove.");

export const drGuardrailsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("The DR organization's guardrail SCPs, deployed by the org-<DR organization> stack whenever that organization is listed."),
    targetIds: z
      .array(policyTargetId)
      .min(1, "at least one target is required")
      .optional()
      .describe("Where the guardrail SCPs are attached: the DR account, or an OU that holds only DR accounts (they deny deleting and sharing snapshots, which the source accounts' copiers do). Default: the DR account."),
  })
  .strict()
  .default({})
  .describe("Service control policies of the DR organization that keep the DR copies, keys and automation out of reach of its administrators.");
