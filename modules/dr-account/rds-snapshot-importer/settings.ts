import * as fs from "fs";
import * as path from "path";
import {
  ACCOUNT_ID,
  KMS_KEY_ARN,
  POSITIVE_INTEGER,
  REGION,
  identifierPrefixProblem,
} from "../../source-account/rds-snapshot-copier/rds-identifiers";
import { settingsReader } from "../../lambda/runtime/settings";

/** The importer's configuration, from its environment (and a packaged file for long account lists). */
export interface Settings {
  readonly drAccountId: string;
  readonly sourceAccountIds: readonly string[];
  /** Key ARN of the DR account's key in this region. */
  readonly drKmsKeyArn: string;
  readonly secondaryRegion?: string;
  /** Key ARN of the DR account's key in SECONDARY_REGION; set exactly when secondaryRegion is. */
  readonly secondaryKmsKeyArn?: string;
  readonly retentionDays: number;
  readonly importTagKey: string;
  readonly importTagValue: string;
  readonly importPrefix: string;
  /**
   * The identifier prefix of the source copiers' transit copies (`rdsCopyContract().transitPrefix`): only shared
   * snapshots named with it are imported, so a source account cannot make the DR account copy anything else.
   */
  readonly sourceTransitPrefix: string;
}

/** Tags the importer writes itself; the import marker must not collide with them. */
export const PROVENANCE_TAG_KEYS = ["SourceAccount", "SourceSnapshotArn"];

/** Reads and validates the configuration; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read, optional } = settingsReader(env);
  const keyArn = "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)";

  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  // The list can outgrow Lambda's 4 KB of environment: then it is a file packaged beside the handler.
  const listFile = optional("SOURCE_ACCOUNT_IDS_FILE");
  const sourceAccountList =
    listFile !== undefined && optional("SOURCE_ACCOUNT_IDS") === undefined
      ? readPackagedFile(listFile, env, problems)
      : read("SOURCE_ACCOUNT_IDS", undefined, "");
  const drKmsKeyArn = read("DR_KMS_KEY_ARN", KMS_KEY_ARN, keyArn);
  const secondaryRegion = optional("SECONDARY_REGION");
  const secondaryKmsKeyArn = optional("SECONDARY_KMS_KEY_ARN");
  const retention = read("RETENTION_DAYS", POSITIVE_INTEGER, "a positive integer");
  const importTagKey = read("IMPORT_TAG_KEY", undefined, "");
  const importTagValue = read("IMPORT_TAG_VALUE", undefined, "");
  const importPrefix = read("IMPORT_PREFIX", undefined, "");
  const sourceTransitPrefix = read("SOURCE_TRANSIT_PREFIX", undefined, "");

  const sourceAccountIds = [...new Set(sourceAccountList.split(",").map((id) => id.trim()))].filter((id) => id !== "");
  if (sourceAccountList !== "") {
    const bad = sourceAccountIds.filter((id) => !ACCOUNT_ID.test(id));
    if (sourceAccountIds.length === 0 || bad.length > 0) {
      problems.push(
        `SOURCE_ACCOUNT_IDS must be comma-separated 12-digit AWS account ids, got ${JSON.stringify(sourceAccountList)}`,
      );
    }
    if (drAccountId !== "" && sourceAccountIds.includes(drAccountId)) {
      problems.push(`SOURCE_ACCOUNT_IDS must not contain DR_ACCOUNT_ID ${drAccountId}`);
    }
  }

  const checkKey = (name: string, arn: string | undefined, region: string | undefined) => {
    const key = KMS_KEY_ARN.exec(arn ?? "");
    if (!key) return;
    if (ACCOUNT_ID.test(drAccountId) && key[3] !== drAccountId) {
      problems.push(`${name} must be in DR_ACCOUNT_ID ${drAccountId}, got account ${key[3]}`);
    }
    if (region && key[2] !== region) problems.push(`${name} must be in region ${region}, got region ${key[2]}`);
  };
  checkKey("DR_KMS_KEY_ARN", drKmsKeyArn, env.AWS_REGION);

  if (secondaryRegion !== undefined) {
    if (!REGION.test(secondaryRegion)) {
      problems.push(`SECONDARY_REGION must be an AWS region name, got ${JSON.stringify(secondaryRegion)}`);
    }
    if (env.AWS_REGION && secondaryRegion === env.AWS_REGION) {
      problems.push(`SECONDARY_REGION must differ from this region ${env.AWS_REGION}`);
    }
    if (secondaryKmsKeyArn === undefined) problems.push("SECONDARY_KMS_KEY_ARN is not set (required with SECONDARY_REGION)");
    else if (!KMS_KEY_ARN.test(secondaryKmsKeyArn)) {
      problems.push(`SECONDARY_KMS_KEY_ARN must be ${keyArn}, got ${JSON.stringify(secondaryKmsKeyArn)}`);
    } else checkKey("SECONDARY_KMS_KEY_ARN", secondaryKmsKeyArn, secondaryRegion);
  } else if (secondaryKmsKeyArn !== undefined) {
    problems.push("SECONDARY_KMS_KEY_ARN is set but SECONDARY_REGION is not");
  }

  if (PROVENANCE_TAG_KEYS.includes(importTagKey)) {
    problems.push(`IMPORT_TAG_KEY must not be one of ${PROVENANCE_TAG_KEYS.join(", ")}`);
  }
  if (/^(aws|rds):/i.test(importTagKey)) problems.push("IMPORT_TAG_KEY must not start with aws: or rds: (reserved)");
  const prefixProblem = importPrefix === "" ? undefined : identifierPrefixProblem(importPrefix);
  if (prefixProblem) problems.push(`IMPORT_PREFIX must be ${prefixProblem}, got ${JSON.stringify(importPrefix)}`);
  const transitPrefixProblem = sourceTransitPrefix === "" ? undefined : identifierPrefixProblem(sourceTransitPrefix);
  if (transitPrefixProblem) {
    problems.push(`SOURCE_TRANSIT_PREFIX must be ${transitPrefixProblem}, got ${JSON.stringify(sourceTransitPrefix)}`);
  }

  if (problems.length > 0) throw new Error(`Invalid RDS snapshot importer configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    sourceAccountIds,
    drKmsKeyArn,
    ...(secondaryRegion === undefined ? {} : { secondaryRegion, secondaryKmsKeyArn }),
    retentionDays: Number(retention),
    importTagKey,
    importTagValue,
    importPrefix,
    sourceTransitPrefix,
  };
}

function readPackagedFile(name: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  const file = path.join(env.LAMBDA_TASK_ROOT ?? __dirname, path.basename(name));
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    problems.push(`SOURCE_ACCOUNT_IDS_FILE ${JSON.stringify(name)} cannot be read: ${(error as Error).message}`);
    return "";
  }
}

