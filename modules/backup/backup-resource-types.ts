/**
 * The resource types a source backup plan selects, as the ARN patterns of an `aws_backup_selection`, and
 * what the copy restrictions of seed 003 need to know about them.
 */

export interface BackupResourceTypeInfo {
  /** The service segment of the type's ARNs (`arn:<partition>:<service>:...`). */
  readonly service: string;
  /** The ARN pattern selecting every resource of the type in the plan's account and region. */
  readonly arnPattern: (partition: string) => string;
}

/** Resource types AWS Backup copies across accounts, and their ARN patterns. */
export const BACKUP_RESOURCE_TYPES = {
  EBS: { service: "ec2", arnPattern: (p: string) => `arn:${p}:ec2:*:*:volume/*` },
  EC2: { service: "ec2", arnPattern: (p: string) => `arn:${p}:ec2:*:*:instance/*` },
  RDS: { service: "rds", arnPattern: (p: string) => `arn:${p}:rds:*:*:db:*` },
  Aurora: { service: "rds", arnPattern: (p: string) => `arn:${p}:rds:*:*:cluster:*` },
  DynamoDB: { service: "dynamodb", arnPattern: (p: string) => `arn:${p}:dynamodb:*:*:table/*` },
  EFS: { service: "elasticfilesystem", arnPattern: (p: string) => `arn:${p}:elasticfilesystem:*:*:file-system/*` },
  FSx: { service: "fsx", arnPattern: (p: string) => `arn:${p}:fsx:*:*:file-system/*` },
  StorageGateway: { service: "storagegateway", arnPattern: (p: string) => `arn:${p}:storagegateway:*:*:gateway/*` },
  S3: { service: "s3", arnPattern: (p: string) => `arn:${p}:s3:::*` },
} as const satisfies Record<string, BackupResourceTypeInfo>;

export type BackupResourceType = keyof typeof BACKUP_RESOURCE_TYPES;

/** Services whose resources fall under seed 003's "RDS/Aurora" restriction (Aurora clusters are `rds` ARNs). */
export const RDS_SERVICE = "rds";
export const DYNAMODB_SERVICE = "dynamodb";

export function backupResourceArnPattern(type: BackupResourceType, partition: string): string {
  const info = BACKUP_RESOURCE_TYPES[type] as BackupResourceTypeInfo | undefined;
  if (!info) throw new Error(`Unknown backup resource type '${type}': expected one of ${Object.keys(BACKUP_RESOURCE_TYPES).join(", ")}`);
  return info.arnPattern(partition);
}

/**
 * Whether an ARN pattern of a selection (`*` matches any characters) can match a resource of `service` in
 * `partition`. Conservative: a pattern that could match some ARN of the service counts.
 */
export function arnPatternMayMatchService(pattern: string, service: string, partition: string): boolean {
  const servicePrefix = `arn:${partition}:${service}:`;
  const literalPrefix = pattern.split("*")[0];
  if (!pattern.includes("*")) return pattern.startsWith(servicePrefix);
  // The pattern's literal beginning and the service's ARN prefix must agree as far as both go.
  return literalPrefix.length <= servicePrefix.length ? servicePrefix.startsWith(literalPrefix) : literalPrefix.startsWith(servicePrefix);
}
