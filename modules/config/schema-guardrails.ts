import { z } from "zod";

/**
 * Configuration fields of the organization guardrails (issue 10 §2, issue 12 §3), kept apart from `schema.ts`
 * so that the fields other work adds there merge cleanly.
 */

/** Organizations' pattern of a root ID (ListRoots: `r-` followed by 4 to 32 lowercase letters or digits). */
export const organizationRootId = z
  .string()
  .regex(/^r-[0-9a-z]{4,32}$/, "expected a root ID: 'r-' followed by 4 to 32 lowercase letters or digits (aws organizations list-roots)")
  .optional()
  .describe(
    "The organization's root ID (aws organizations list-roots). With it, the AWS Backup copy guardrail is attached once to the root by default instead of to every account. Default: none (the guardrail is then attached to each account that backs up, with a Review notice)",
  );

/** A backup vault ARN of a concrete account; the region and the name may be `*` or contain it. */
export const allowedVaultArn = z
  .string()
  .regex(
    /^arn:(aws|aws-cn|aws-us-gov):backup:([a-z0-9-]+|\*):\d{12}:backup-vault:[a-zA-Z0-9\-_*]{1,50}$/,
    "expected a backup vault ARN of one account: arn:<partition>:backup:<region or *>:<account>:backup-vault:<name, * allowed>",
  );

/** Vaults outside this project that the copy guardrail must also let copies go to. */
export const additionalAllowedVaultArns = z
  .array(allowedVaultArn)
  .default([])
  .describe(
    "Vaults outside this project that recovery points may also be copied to (e.g. an existing central backup account), added to the copy guardrail's allowed targets. @default []",
  );
