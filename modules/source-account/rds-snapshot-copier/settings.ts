import { ACCOUNT_ID, identifierPrefixProblem, KMS_KEY_ARN, POSITIVE_INTEGER } from "./rds-identifiers";
import { settingsReader } from "../../lambda/runtime/settings";

/** The RDS copier's configuration, read from its environment. */


export interface Settings {
  readonly drAccountId: string;
  readonly sourceAccountId: string;
  /** Key ARN of this account's customer managed key for transit copies, in this region. */
  readonly rdsKmsKeyArn: string;
  readonly selectionTagKey: string;
  readonly selectionTagValue: string;
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  readonly transitRetentionHours: number;
  readonly transitPrefix: string;
}

/** Tags the copier writes itself; the transit marker must not collide with them. */
export const PROVENANCE_TAG_KEYS = ["SourceAccount", "SourceSnapshotArn", "SourceKmsKeyId", "SourceDBIdentifier"];

/** Reads and validates the configuration; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read } = settingsReader(env);

  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const sourceAccountId = read("SOURCE_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const rdsKmsKeyArn = read(
    "RDS_KMS_KEY_ARN",
    KMS_KEY_ARN,
    "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), not an alias: RDS reports a snapshot's key as its key ARN",
  );
  const selectionTagKey = read("SELECTION_TAG_KEY", undefined, "");
  const selectionTagValue = read("SELECTION_TAG_VALUE", undefined, "");
  const transitTagKey = read("TRANSIT_TAG_KEY", undefined, "");
  const transitTagValue = read("TRANSIT_TAG_VALUE", undefined, "");
  const retention = read("TRANSIT_RETENTION_HOURS", POSITIVE_INTEGER, "a positive integer");
  const transitPrefix = read("TRANSIT_PREFIX", undefined, "");

  const key = KMS_KEY_ARN.exec(rdsKmsKeyArn);
  if (key && ACCOUNT_ID.test(sourceAccountId) && key[3] !== sourceAccountId) {
    problems.push(`RDS_KMS_KEY_ARN must be in SOURCE_ACCOUNT_ID ${sourceAccountId}, got account ${key[3]}`);
  }
  if (key && env.AWS_REGION && key[2] !== env.AWS_REGION) {
    problems.push(`RDS_KMS_KEY_ARN must be in this region ${env.AWS_REGION}, got region ${key[2]}`);
  }
  if (drAccountId !== "" && drAccountId === sourceAccountId) {
    problems.push("DR_ACCOUNT_ID must differ from SOURCE_ACCOUNT_ID");
  }
  // CopyTags copies the selection tag onto the transit copy; with the same key the two tags would collide.
  if (transitTagKey !== "" && transitTagKey === selectionTagKey) {
    problems.push("TRANSIT_TAG_KEY must differ from SELECTION_TAG_KEY");
  }
  if (PROVENANCE_TAG_KEYS.includes(transitTagKey)) {
    problems.push(`TRANSIT_TAG_KEY must not be one of ${PROVENANCE_TAG_KEYS.join(", ")}`);
  }
  if (/^(aws|rds):/i.test(transitTagKey)) problems.push("TRANSIT_TAG_KEY must not start with aws: or rds: (reserved)");
  const prefixProblem = transitPrefix === "" ? undefined : identifierPrefixProblem(transitPrefix);
  if (prefixProblem) problems.push(`TRANSIT_PREFIX must be ${prefixProblem}, got ${JSON.stringify(transitPrefix)}`);

  if (problems.length > 0) throw new Error(`Invalid RDS snapshot copier configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    sourceAccountId,
    rdsKmsKeyArn,
    selectionTagKey,
    selectionTagValue,
    transitTagKey,
    transitTagValue,
    transitRetentionHours: Number(retention),
    transitPrefix,
  };
}
