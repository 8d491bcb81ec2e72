import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  type RDSClient,
  type Tag,
} from "@aws-sdk/client-rds";
import type { SnapshotKind } from "./rds-identifiers";
import { hasErrorCode, type Retrying } from "../../lambda/runtime/retry";

/**
 * DB snapshots and DB cluster snapshots behind one shape, for the RDS copier and importer. The SDK's
 * `@aws-sdk/*` packages are external to the bundles (provided by the Lambda runtime).
 */

export interface RdsSnapshot {
  readonly kind: SnapshotKind;
  /** `DBSnapshotIdentifier` / `DBClusterSnapshotIdentifier`; for a shared snapshot RDS may report the ARN here. */
  readonly identifier: string;
  readonly arn: string;
  /** `available`, `creating`, `copying`, ... */
  readonly status: string;
  /** `automated`, `manual`, `shared`, `awsbackup`, ... */
  readonly snapshotType: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  /** For a DB snapshot copy, when the copy was made (RDS: "changes for the copy"); see the handlers on clusters. */
  readonly createTime?: Date;
  readonly tags: readonly Tag[];
  /** The DB instance or DB cluster the snapshot was taken of. */
  readonly dbIdentifier?: string;
  /** DB snapshots only. */
  readonly optionGroupName?: string;
  readonly engine?: string;
}

export function fromDbSnapshot(snapshot: DBSnapshot): RdsSnapshot {
  return {
    kind: "instance",
    identifier: snapshot.DBSnapshotIdentifier ?? "",
    arn: snapshot.DBSnapshotArn ?? "",
    status: snapshot.Status ?? "unknown",
    snapshotType: snapshot.SnapshotType ?? "unknown",
    encrypted: snapshot.Encrypted === true,
    kmsKeyId: snapshot.KmsKeyId,
    createTime: snapshot.SnapshotCreateTime,
    tags: snapshot.TagList ?? [],
    dbIdentifier: snapshot.DBInstanceIdentifier,
    optionGroupName: snapshot.OptionGroupName,
    engine: snapshot.Engine,
  };
}

export function fromClusterSnapshot(snapshot: DBClusterSnapshot): RdsSnapshot {
  return {
    kind: "cluster",
    identifier: snapshot.DBClusterSnapshotIdentifier ?? "",
    arn: snapshot.DBClusterSnapshotArn ?? "",
    status: snapshot.Status ?? "unknown",
    snapshotType: snapshot.SnapshotType ?? "unknown",
    encrypted: snapshot.StorageEncrypted === true,
    kmsKeyId: snapshot.KmsKeyId,
    createTime: snapshot.SnapshotCreateTime,
    tags: snapshot.TagList ?? [],
    dbIdentifier: snapshot.DBClusterIdentifier,
    engine: snapshot.Engine,
  };
}

export const tagValue = (tags: readonly Tag[], key: string) => tags.find((tag) => tag.Key === key)?.Value;

/** RDS identifiers are case-insensitive and stored lowercase. */
const sameIdentifier = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export const KIND_LABEL: Readonly<Record<SnapshotKind, string>> = {
  instance: "DB snapshot",
  cluster: "DB cluster snapshot",
};

/** Error codes (wire code and SDK name) by meaning. */
export const NOT_FOUND: Readonly<Record<SnapshotKind, readonly string[]>> = {
  instance: ["DBSnapshotNotFound", "DBSnapshotNotFoundFault"],
  cluster: ["DBClusterSnapshotNotFoundFault", "DBClusterSnapshotNotFound"],
};
export const ALREADY_EXISTS: Readonly<Record<SnapshotKind, readonly string[]>> = {
  instance: ["DBSnapshotAlreadyExists", "DBSnapshotAlreadyExistsFault"],
  cluster: ["DBClusterSnapshotAlreadyExistsFault", "DBClusterSnapshotAlreadyExists"],
};
export const DATABASE_NOT_FOUND: readonly string[] = [
  "DBInstanceNotFound",
  "DBInstanceNotFoundFault",
  "DBClusterNotFoundFault",
  "DBClusterNotFound",
];

export interface ListInput {
  /** `manual`, `shared`, `automated`, `awsbackup`. */
  readonly SnapshotType: string;
  readonly IncludeShared?: boolean;
}

export interface CopyInput {
  /** Identifier in this account and region, or ARN (required for a shared or other-Region source). */
  readonly source: string;
  readonly target: string;
  readonly kmsKeyId: string;
  readonly copyTags?: boolean;
  readonly tags: readonly Tag[];
}

/** The RDS calls of both handlers, each through the retry helper. */
export class RdsSnapshotApi {
  constructor(
    private readonly rds: RDSClient,
    private readonly retrying: Retrying,
  ) {}

  /** One snapshot of this account and region, or undefined when it does not exist. */
  async describe(kind: SnapshotKind, identifier: string, snapshotType?: string): Promise<RdsSnapshot | undefined> {
    // An automated snapshot is found by identifier only together with SnapshotType "automated" (RDS API reference).
    const typed = snapshotType ? { SnapshotType: snapshotType } : {};
    try {
      if (kind === "instance") {
        const output = await this.retrying("DescribeDBSnapshots", () =>
          this.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier, ...typed })),
        );
        const found = output.DBSnapshots?.find((snapshot) => sameIdentifier(snapshot.DBSnapshotIdentifier, identifier));
        return found && fromDbSnapshot(found);
      }
      const output = await this.retrying("DescribeDBClusterSnapshots", () =>
        this.rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier, ...typed })),
      );
      const found = output.DBClusterSnapshots?.find((snapshot) =>
        sameIdentifier(snapshot.DBClusterSnapshotIdentifier, identifier),
      );
      return found && fromClusterSnapshot(found);
    } catch (error) {
      if (hasErrorCode(error, NOT_FOUND[kind])) return undefined;
      throw error;
    }
  }

  /** Every page (`Marker`), collected before the caller acts so deletions cannot shift the pagination. */
  async list(kind: SnapshotKind, input: ListInput): Promise<RdsSnapshot[]> {
    const snapshots: RdsSnapshot[] = [];
    let marker: string | undefined;
    do {
      const page = marker === undefined ? { ...input } : { ...input, Marker: marker };
      if (kind === "instance") {
        const output = await this.retrying("DescribeDBSnapshots", () => this.rds.send(new DescribeDBSnapshotsCommand(page)));
        snapshots.push(...(output.DBSnapshots ?? []).map(fromDbSnapshot));
        marker = output.Marker;
      } else {
        const output = await this.retrying("DescribeDBClusterSnapshots", () =>
          this.rds.send(new DescribeDBClusterSnapshotsCommand(page)),
        );
        snapshots.push(...(output.DBClusterSnapshots ?? []).map(fromClusterSnapshot));
        marker = output.Marker;
      }
    } while (marker);
    return snapshots;
  }

  /** Starts a copy; RDS returns the new snapshot in state `creating` / `copying`. */
  async copy(kind: SnapshotKind, input: CopyInput): Promise<RdsSnapshot | undefined> {
    const common = {
      KmsKeyId: input.kmsKeyId,
      ...(input.copyTags === undefined ? {} : { CopyTags: input.copyTags }),
      Tags: input.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
    };
    if (kind === "instance") {
      const output = await this.retrying("CopyDBSnapshot", () =>
        this.rds.send(
          new CopyDBSnapshotCommand({
            SourceDBSnapshotIdentifier: input.source,
            TargetDBSnapshotIdentifier: input.target,
            ...common,
          }),
        ),
      );
      return output.DBSnapshot && fromDbSnapshot(output.DBSnapshot);
    }
    const output = await this.retrying("CopyDBClusterSnapshot", () =>
      this.rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: input.source,
          TargetDBClusterSnapshotIdentifier: input.target,
          ...common,
        }),
      ),
    );
    return output.DBClusterSnapshot && fromClusterSnapshot(output.DBClusterSnapshot);
  }

  /** The accounts the manual snapshot is shared with (the `restore` attribute; `all` means public). */
  async restoreAccounts(kind: SnapshotKind, identifier: string): Promise<string[]> {
    if (kind === "instance") {
      const output = await this.retrying("DescribeDBSnapshotAttributes", () =>
        this.rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: identifier })),
      );
      const attributes = output.DBSnapshotAttributesResult?.DBSnapshotAttributes ?? [];
      return attributes.find((attribute) => attribute.AttributeName === "restore")?.AttributeValues ?? [];
    }
    const output = await this.retrying("DescribeDBClusterSnapshotAttributes", () =>
      this.rds.send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: identifier })),
    );
    const attributes = output.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes ?? [];
    return attributes.find((attribute) => attribute.AttributeName === "restore")?.AttributeValues ?? [];
  }

  /** Lets exactly this account copy or restore the manual snapshot. */
  async share(kind: SnapshotKind, identifier: string, accountId: string): Promise<void> {
    if (kind === "instance") {
      await this.retrying("ModifyDBSnapshotAttribute", () =>
        this.rds.send(
          new ModifyDBSnapshotAttributeCommand({
            DBSnapshotIdentifier: identifier,
            AttributeName: "restore",
            ValuesToAdd: [accountId],
          }),
        ),
      );
      return;
    }
    await this.retrying("ModifyDBClusterSnapshotAttribute", () =>
      this.rds.send(
        new ModifyDBClusterSnapshotAttributeCommand({
          DBClusterSnapshotIdentifier: identifier,
          AttributeName: "restore",
          ValuesToAdd: [accountId],
        }),
      ),
    );
  }

  async delete(kind: SnapshotKind, identifier: string): Promise<void> {
    if (kind === "instance") {
      await this.retrying("DeleteDBSnapshot", () =>
        this.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier })),
      );
      return;
    }
    await this.retrying("DeleteDBClusterSnapshot", () =>
      this.rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier })),
    );
  }

  /** Tags of a DB instance or DB cluster (by ARN), or undefined when it no longer exists. */
  async databaseTags(arn: string): Promise<Tag[] | undefined> {
    try {
      const output = await this.retrying("ListTagsForResource", () =>
        this.rds.send(new ListTagsForResourceCommand({ ResourceName: arn })),
      );
      return output.TagList ?? [];
    } catch (error) {
      if (hasErrorCode(error, DATABASE_NOT_FOUND)) return undefined;
      throw error;
    }
  }
}
