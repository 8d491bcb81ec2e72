/**
 * AWS's documented limits that the configuration is checked against, each with where AWS states it.
 */

/**
 * The AWS tag character set (the Tag API of EFS, Storage Gateway and others: `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`).
 * Keys are 1 to 128 characters, values up to 256; the lengths are checked separately so that the message says
 * which rule failed. Keys that name a JavaScript object's internals are refused too: YAML and JSON parsers and
 * zod's records treat `__proto__` specially, and a silently dropped tag changes what is selected.
 */
export const TAG_KEY_PATTERN = /^(?!(?:__proto__|constructor|prototype)$)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Keys no object of the configuration may have (see TAG_KEY_PATTERN). */
export const DANGEROUS_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** "Maximum number of tags per resource – 50" (Tag restrictions; `aws:` tags do not count). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** The tags every stack adds to every resource through the provider's default tags (modules/stack/snapshot-dr-stack.ts). */
export const PROJECT_DEFAULT_TAG_KEYS: readonly string[] = ["ManagedBy", "SnapshotDrStack"];

/**
 * The most tags any resource of the synthesized stacks sets itself, on top of the default tags. A test over the
 * synthesized output (`__tests__/config/aws-limits-in-output.test.ts`) keeps this number true.
 */
export const MAX_RESOURCE_OWN_TAGS = 0;

/** How many tags `tags` may hold: 50 less the project's own default tags and the resources' own tags. */
export const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - PROJECT_DEFAULT_TAG_KEYS.length - MAX_RESOURCE_OWN_TAGS;

/**
 * DLM's retain interval (RetainRule.Interval): "The maximum is 100 years. This is equivalent to 1200 months, 5200
 * weeks, or 36500 days." The share rule's unshare interval (ShareRule.UnshareInterval) takes the same units and is
 * held to the same 100 years.
 */
export const DLM_MAX_INTERVAL_BY_UNIT = { DAYS: 36500, WEEKS: 5200, MONTHS: 1200, YEARS: 100 } as const;

/** Why a DLM interval is over 100 years, or undefined. */
export function retentionProblem(interval: number, unit: keyof typeof DLM_MAX_INTERVAL_BY_UNIT): string | undefined {
  const max = DLM_MAX_INTERVAL_BY_UNIT[unit];
  if (max === undefined || interval <= max) return undefined;
  return `must be at most ${max} ${unit} (The maximum is 100 years. This is equivalent to 1200 months, 5200 weeks, or 36500 days.)`;
}

/** AWS Backup (BackupRuleInput): the start and completion windows have "a maximum value of 100 years (52,560,000 minutes)". */
export const BACKUP_MAX_WINDOW_MINUTES = 52_560_000;
