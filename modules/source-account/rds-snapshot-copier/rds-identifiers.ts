import { createHash } from "node:crypto";

/**
 * RDS snapshot identifiers and ARNs. Dependency-free (only node:crypto) so both RDS Lambda bundles can
 * include it: the source account's copier and the DR account's importer.
 */

/** `instance`: a DB snapshot (`CopyDBSnapshot`); `cluster`: an Aurora / Multi-AZ DB cluster snapshot. */
export type SnapshotKind = "instance" | "cluster";

/**
 * `TargetDBSnapshotIdentifier`: 1 to 255 letters, digits or hyphens; `TargetDBClusterSnapshotIdentifier`: 1 to 63.
 * Both: first character a letter, no two consecutive hyphens, no trailing hyphen. RDS stores both lowercase.
 */
export const MAX_IDENTIFIER_LENGTH: Readonly<Record<SnapshotKind, number>> = { instance: 255, cluster: 63 };

const HASH_LENGTH = 8;
/** Leaves a cluster identifier room for a readable part and the `-<hash>` suffix: 63 - 40 - 9 = 14 characters. */
export const MAX_PREFIX_LENGTH = 40;

const VALID_IDENTIFIER = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** A lowercase letter first; then letters, digits and single hyphens; may end with a hyphen (`snapshot-dr-dr-`). */
const VALID_PREFIX = /^[a-z](?:[a-z0-9]|-(?!-))*$/;

export function isValidSnapshotIdentifier(identifier: string, kind: SnapshotKind): boolean {
  return identifier.length >= 1 && identifier.length <= MAX_IDENTIFIER_LENGTH[kind] && VALID_IDENTIFIER.test(identifier);
}

/** Why a prefix cannot start generated identifiers, or undefined when it can. */
export function identifierPrefixProblem(prefix: string): string | undefined {
  if (prefix.length > MAX_PREFIX_LENGTH) return `at most ${MAX_PREFIX_LENGTH} characters, got ${prefix.length}`;
  if (!VALID_PREFIX.test(prefix)) {
    return "a lowercase letter followed by lowercase letters, digits and single hyphens";
  }
  return undefined;
}

/** Lowercase; every run of characters other than a-z and 0-9 becomes one hyphen; no leading or trailing hyphen. */
export function sanitizeIdentifierPart(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * `<prefix><part>-<part>...`, valid for the kind's identifier rules and deterministic.
 *
 * When sanitizing loses information (e.g. the `:` of automated snapshots, `rds:mydb-2025-06-01-00-05`) or the
 * result is too long, the readable part is shortened and followed by `-` and 8 hex digits of the SHA-256 of the
 * original parts, so two different sources get two different identifiers (up to a 32-bit hash collision).
 * Lowercasing alone is not a loss: RDS identifiers are case-insensitive and stored lowercase.
 */
export function snapshotIdentifier(prefix: string, parts: readonly string[], kind: SnapshotKind): string {
  const prefixProblem = identifierPrefixProblem(prefix);
  if (prefixProblem) throw new Error(`Snapshot identifier prefix ${JSON.stringify(prefix)} must be ${prefixProblem}`);

  const max = MAX_IDENTIFIER_LENGTH[kind];
  const cleanParts = parts.map(sanitizeIdentifierPart);
  const lossless = parts.every((part, index) => part !== "" && cleanParts[index] === part.toLowerCase());
  const body = cleanParts.filter((part) => part !== "").join("-");

  let identifier = `${prefix}${body}`;
  if (!lossless || body === "" || identifier.length > max) {
    const hash = createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, HASH_LENGTH);
    const room = max - prefix.length - 1 - HASH_LENGTH;
    const head = body.slice(0, Math.max(0, room)).replace(/-+$/, "");
    identifier = head === "" ? `${prefix}${hash}` : `${prefix}${head}-${hash}`;
  }
  if (!isValidSnapshotIdentifier(identifier, kind)) {
    throw new Error(`Generated an invalid ${kind} snapshot identifier ${JSON.stringify(identifier)}`);
  }
  return identifier;
}

// ---------------------------------------------------------------------------------------------------------
// ARNs
// ---------------------------------------------------------------------------------------------------------

export interface RdsArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** `snapshot`, `cluster-snapshot`, `db`, `cluster`, ... */
  readonly resourceType: string;
  /** Everything after the resource type; automated snapshots keep their `rds:` prefix. */
  readonly resourceName: string;
}

const RDS_ARN = /^arn:(aws[a-z-]*):rds:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/;

/** `arn:aws:rds:us-east-1:111111111111:snapshot:rds:mydb-2025-06-01-00-05` → its parts, or undefined. */
export function parseRdsArn(arn: string | undefined): RdsArn | undefined {
  const match = RDS_ARN.exec(arn ?? "");
  if (!match) return undefined;
  const [, partition, region, accountId, resourceType, resourceName] = match;
  return { partition, region, accountId, resourceType, resourceName };
}

export function formatRdsArn(arn: RdsArn): string {
  return `arn:${arn.partition}:rds:${arn.region}:${arn.accountId}:${arn.resourceType}:${arn.resourceName}`;
}

/** The ARN resource type of a snapshot of this kind. */
export const SNAPSHOT_RESOURCE_TYPE: Readonly<Record<SnapshotKind, string>> = {
  instance: "snapshot",
  cluster: "cluster-snapshot",
};

/** The ARN resource type of the database a snapshot of this kind is taken of. */
export const DATABASE_RESOURCE_TYPE: Readonly<Record<SnapshotKind, string>> = { instance: "db", cluster: "cluster" };

// ---------------------------------------------------------------------------------------------------------
// KMS key ARNs
// ---------------------------------------------------------------------------------------------------------

/** A key ARN (not an alias): RDS reports a snapshot's `KmsKeyId` as the key ARN. Single- or multi-Region key. */
export const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

export { ACCOUNT_ID, POSITIVE_INTEGER } from "../../lambda/runtime/settings";
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** RDS tag values hold at most 256 characters; a longer ARN is cut rather than failing the copy. */
export function tagValueOf(value: string): string {
  return value.length <= 256 ? value : value.slice(0, 256);
}
