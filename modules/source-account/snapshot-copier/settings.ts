import { ACCOUNT_ID, POSITIVE_INTEGER, settingsReader } from "../../lambda/runtime/settings";
import { PROVENANCE_TAG_KEYS } from "./transit-copy-tags";

/** The copier's configuration, from its environment. */
export interface Settings {
  readonly drAccountId: string;
  readonly kmsBAliasArn: string;
  readonly sourceAccountId: string;
  readonly selectionTagKey: string;
  readonly selectionTagValue: string;
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  readonly descriptionPrefix: string;
  readonly transitRetentionHours: number;
}

const KMS_ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):alias\/[A-Za-z0-9/_-]+$/;

/** Reads and validates the configuration; reports every bad variable at once so one deploy fixes them all. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read } = settingsReader(env);

  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const kmsBAliasArn = read("KMS_B_ALIAS_ARN", KMS_ALIAS_ARN, "a KMS alias ARN (arn:<partition>:kms:<region>:<account>:alias/<name>)");
  const sourceAccountId = read("SOURCE_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const selectionTagKey = read("SELECTION_TAG_KEY", undefined, "");
  const selectionTagValue = read("SELECTION_TAG_VALUE", undefined, "");
  const transitTagKey = read("TRANSIT_TAG_KEY", undefined, "");
  const transitTagValue = read("TRANSIT_TAG_VALUE", undefined, "");
  const descriptionPrefix = read("DESCRIPTION_PREFIX", undefined, "");
  const retention = read("TRANSIT_RETENTION_HOURS", POSITIVE_INTEGER, "a positive integer");

  // KMS-B lives in the DR account and in this region; any other key makes every copy fail or lands in the wrong place.
  const alias = KMS_ALIAS_ARN.exec(kmsBAliasArn);
  if (alias && ACCOUNT_ID.test(drAccountId) && alias[2] !== drAccountId) {
    problems.push(`KMS_B_ALIAS_ARN must be in DR_ACCOUNT_ID ${drAccountId}, got account ${alias[2]}`);
  }
  if (alias && env.AWS_REGION && alias[1] !== env.AWS_REGION) {
    problems.push(`KMS_B_ALIAS_ARN must be in this region ${env.AWS_REGION}, got region ${alias[1]}`);
  }
  if (drAccountId !== "" && drAccountId === sourceAccountId) {
    problems.push("DR_ACCOUNT_ID must differ from SOURCE_ACCOUNT_ID");
  }
  // With an identical tag no snapshot could ever be selected (selected ones must not carry the marker).
  if (transitTagKey !== "" && transitTagKey === selectionTagKey && transitTagValue === selectionTagValue) {
    problems.push("TRANSIT_TAG_KEY/TRANSIT_TAG_VALUE must differ from SELECTION_TAG_KEY/SELECTION_TAG_VALUE");
  }
  if ((PROVENANCE_TAG_KEYS as readonly string[]).includes(transitTagKey)) {
    problems.push(`TRANSIT_TAG_KEY must not be one of ${PROVENANCE_TAG_KEYS.join(", ")}`);
  }

  if (problems.length > 0) throw new Error(`Invalid snapshot copier configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    kmsBAliasArn,
    sourceAccountId,
    selectionTagKey,
    selectionTagValue,
    transitTagKey,
    transitTagValue,
    descriptionPrefix,
    transitRetentionHours: Number(retention),
  };
}
