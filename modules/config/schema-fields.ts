import { z } from "zod";
import { retentionProblem, TAG_KEY_PATTERN, TAG_VALUE_PATTERN } from "./aws-limits";
import { KNOWN_REGIONS } from "./regions";

/** Field types the configuration's sections share: IDs, regions, names, tags, DLM intervals. */

export const accountId = z
  .string({ invalid_type_error: "expected 12 digits (quote it in YAML)" })
  .regex(/^\d{12}$/, "expected 12 digits")
  .describe("An AWS account ID: 12 digits, quoted in YAML.");

export const organizationId = z
  .string()
  .regex(/^o-[a-z0-9]{10,32}$/, "expected an organization ID: 'o-' followed by 10 to 32 lowercase letters or digits")
  .describe("An organization ID, `o-` followed by 10 to 32 lowercase letters or digits.");

export const region = z
  .enum(KNOWN_REGIONS, {
    errorMap: (issue, ctx) => ({ message: issue.code === "invalid_enum_value" ? `unknown region '${String(ctx.data)}'` : ctx.defaultError }),
  })
  .describe("An AWS region name such as us-east-1, in the configuration's partition.");

/** Lowercase, so that every derived name (alias, role, function, queue, vault) accepts it as is. */
export const namePrefix = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "expected 2 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  )
  .refine((value) => !value.includes("--"), "must not contain '--'")
  .refine((value) => !value.startsWith("aws"), "must not start with 'aws' (reserved by AWS for aliases and tags)")
  .describe("Prefixes every name this project creates: key aliases, roles, policies, functions, vaults, tags.");

/** IAM role names: up to 64 of letters, digits and `+=,.@_-`. */
export const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, "expected an IAM role name: 1 to 64 letters, digits or '+=,.@_-'")
  .describe("An IAM role name: 1 to 64 letters, digits or `+=,.@_-`.");

/**
 * AWS tags ("Tag restrictions", e.g. the Tag API of EFS and Storage Gateway): keys of 1 to 128 and values of up
 * to 256 Unicode letters, digits, spaces and `_.:/=+-@`; keys starting with `aws:` are reserved for AWS. Keys that
 * name a JavaScript object's internals are rejected: parsers drop `__proto__` silently.
 */
export const tagKey = z
  .string()
  .min(1, "tag keys must not be empty")
  .max(128, "tag keys are at most 128 characters")
  .regex(TAG_KEY_PATTERN, "tag keys may contain only Unicode letters, digits, spaces and _.:/=+-@ (AWS tag character set), and not be __proto__, constructor or prototype")
  .regex(/^(?![aA][wW][sS]:)/, "tag keys must not start with 'aws:' (reserved by AWS)")
  .describe("A tag key: 1 to 128 Unicode letters, digits, spaces or `_.:/=+-@`, not starting with `aws:`.");
export const tagValue = z
  .string()
  .max(256, "tag values are at most 256 characters")
  .regex(TAG_VALUE_PATTERN, "tag values may contain only Unicode letters, digits, spaces and _.:/=+-@ (AWS tag character set)")
  .describe("A tag value: up to 256 Unicode letters, digits, spaces or `_.:/=+-@`.");
export const tags = z.record(tagKey, tagValue);

export const retentionUnit = z.enum(["DAYS", "WEEKS", "MONTHS", "YEARS"]).describe("The unit of the interval.");

/** A DLM retention or unshare interval: a whole number of units, at most 100 years (RetainRule.Interval). */
export const dlmInterval = (description: string) =>
  z
    .object({
      interval: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500").describe("How many units."),
      unit: retentionUnit,
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.interval > 36500) return; // reported by the field's own bound
      const problem = retentionProblem(value.interval, value.unit);
      if (problem) ctx.addIssue({ code: "custom", path: ["interval"], message: problem });
    })
    .describe(description);

export const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "expected a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
  .describe("A KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<id>.");
