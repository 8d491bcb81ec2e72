/**
 * The AWS quotas the estate's copies consume, as AWS names them. `serviceCode`/`quotaCode` are the Service Quotas
 * codes (`aws service-quotas list-service-quotas --service-code …`); null where the quota is not in Service Quotas
 * (raised through AWS Support, if at all) or where no code could be confirmed.
 */
export interface Quota {
  /** AWS's name of the quota, as Service Quotas or the service's quota page spells it. */
  readonly name: string;
  readonly serviceCode: string | null;
  readonly quotaCode: string | null;
  /** The default value. */
  readonly limit: number;
  /** Whether AWS raises it on request. */
  readonly adjustable: boolean;
  /** What to change when it is exceeded and cannot be raised (or before asking). */
  readonly remedy: string;
}

export const QUOTAS = {
  // Service Quotas, Amazon EBS (ebs): "Concurrent snapshot copies per destination Region", 20, not adjustable;
  // the EBS quota page says to contact AWS Support. No Service Quotas code could be confirmed: null.
  ebsConcurrentSnapshotCopies: {
    name: "Concurrent snapshot copies per destination Region",
    serviceCode: "ebs",
    quotaCode: null,
    limit: 20,
    adjustable: false,
    remedy: "widen capacity.staggerWindowMinutes (or the snapshot interval), use fewer drAccount.copyRegions, or split the estate over more DR accounts",
  },
  // Service Quotas, Amazon EBS (ebs): "Snapshots per Region", L-309BACF6, 100,000, adjustable.
  ebsSnapshotsPerRegion: {
    name: "Snapshots per Region",
    serviceCode: "ebs",
    quotaCode: "L-309BACF6",
    limit: 100000,
    adjustable: true,
    remedy: "request an increase, or shorten drAccount.copyRetention / ebs.retainCount",
  },
  // Service Quotas, Amazon Data Lifecycle Manager (dlm): "Policies per Region", L-5407D8DA, 100, adjustable.
  dlmPoliciesPerRegion: {
    name: "Policies per Region",
    serviceCode: "dlm",
    quotaCode: "L-5407D8DA",
    limit: 100,
    adjustable: true,
    remedy: "request an increase, or split the estate over more DR accounts (one event policy per 50 source accounts and region)",
  },
  // Service Quotas, Amazon RDS (rds): "Manual DB instance snapshots", L-272F1212, 100, adjustable.
  rdsManualDbInstanceSnapshots: {
    name: "Manual DB instance snapshots",
    serviceCode: "rds",
    quotaCode: "L-272F1212",
    limit: 100,
    adjustable: true,
    remedy: "request an increase, or shorten rds.retentionDays / rds.transitCopyRetentionHours",
  },
  // Service Quotas, Amazon RDS (rds): "Manual DB cluster snapshots", L-9B510759, 100, adjustable.
  rdsManualDbClusterSnapshots: {
    name: "Manual DB cluster snapshots",
    serviceCode: "rds",
    quotaCode: "L-9B510759",
    limit: 100,
    adjustable: true,
    remedy: "request an increase, or shorten rds.retentionDays / rds.transitCopyRetentionHours",
  },
  // Amazon RDS User Guide, copying a DB snapshot: "You can have up to 20 snapshot copy requests in progress to a
  // single destination Region per account." Not in Service Quotas: no code, not adjustable there.
  rdsConcurrentSnapshotCopies: {
    name: "Snapshot copy requests in progress to a single destination Region",
    serviceCode: "rds",
    quotaCode: null,
    limit: 20,
    adjustable: false,
    remedy: "spread the databases' backup windows over more hours (and set capacity.rdsBackupWindowSpreadHours to match), turn off rds.copyToSecondaryRegion, or split the estate over more DR accounts",
  },
  // AWS Backup quotas page: "Recovery points per backup vault", 1,000,000, adjustable; AWS General Reference, AWS
  // Backup endpoints and quotas: the same quota in Service Quotas (backup), L-514878B6.
  backupRecoveryPointsPerVault: {
    name: "Recovery points per backup vault",
    serviceCode: "backup",
    quotaCode: "L-514878B6",
    limit: 1000000,
    adjustable: true,
    remedy: "request an increase, or shorten the rules' drCopyLifecycle / lifecycle",
  },
} as const satisfies Record<string, Quota>;

export type QuotaKey = keyof typeof QUOTAS;
