import { BackupLogicallyAirGappedVault } from "@cdktf/provider-aws/lib/backup-logically-air-gapped-vault";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { Annotations, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CopySources, drBackupVaultAccessPolicy, type RecoveryPointProtection } from "../backup/dr-backup-vault-access-policy";
import { PolicyDocument, policyJson } from "../iam/policy-document";

/** CreateLogicallyAirGappedBackupVault, MinRetentionDays: "The minimum value accepted is 7 days". */
export const AIR_GAPPED_VAULT_MIN_RETENTION_DAYS = 7;

/** Properties of an {@link AirGappedVault}. */
export interface AirGappedVaultProps {
  readonly provider: TerraformProvider;
  readonly partition: string;
  readonly vaultName: string;
  /** CreateLogicallyAirGappedBackupVault: MinRetentionDays and MaxRetentionDays are required; "The minimum value accepted is 7 days". */
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  /** Who may copy into it (`backup:CopyIntoBackupVault`). */
  readonly copySources: CopySources;
  /** Who may still change the vault's policy and recovery points (the deploy role, the break-glass role). */
  readonly recoveryPointProtection: RecoveryPointProtection;
}

/**
 * An AWS Backup logically air-gapped vault (hashicorp/aws 5.100 `aws_backup_logically_air_gapped_vault`: name,
 * min and max retention; no key argument, so AWS Backup encrypts it with an AWS owned key). The source plans copy
 * into it by its ARN (modules/backup/air-gapped-copy-action.ts). AWS Backup locks every
 * such vault in compliance mode ("Logically air-gapped vault", AWS Backup Developer Guide): what is copied in stays
 * until its retention ends, whoever holds the DR account. Kept with prevent_destroy, like every data store here.
 */
export class AirGappedVault extends Construct {
  readonly vault: BackupLogicallyAirGappedVault;
  readonly accessPolicy: PolicyDocument;
  readonly vaultPolicy: BackupVaultPolicy;

  constructor(scope: Construct, id: string, props: AirGappedVaultProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9\-_]{2,50}$/.test(props.vaultName)) {
      throw new Error(`Expected the air-gapped vault name to be 2 to 50 letters, digits, '-' or '_', got '${props.vaultName}'`);
    }
    if (props.minRetentionDays < AIR_GAPPED_VAULT_MIN_RETENTION_DAYS) {
      throw new Error(`The air-gapped vault's minRetentionDays must be at least ${AIR_GAPPED_VAULT_MIN_RETENTION_DAYS}, got ${props.minRetentionDays}`);
    }
    if (props.maxRetentionDays < props.minRetentionDays) {
      throw new Error(`The air-gapped vault's maxRetentionDays (${props.maxRetentionDays}) must be at least its minRetentionDays (${props.minRetentionDays})`);
    }
    // Irreversible per recovery point: the reviewer is told before the first copy lands.
    Annotations.of(this).addWarning(
      `The logically air-gapped vault ${props.vaultName} is locked in COMPLIANCE mode by AWS Backup: every recovery point copied into it stays, ` +
        `and is billed, for its whole retention (${props.minRetentionDays} to ${props.maxRetentionDays} days); nobody, not even the account's root user, ` +
        "can delete it earlier, and the vault cannot be deleted while it holds recovery points.",
    );
    this.vault = new BackupLogicallyAirGappedVault(this, "vault", {
      provider: props.provider,
      name: props.vaultName,
      minRetentionDays: props.minRetentionDays,
      maxRetentionDays: props.maxRetentionDays,
      lifecycle: { preventDestroy: true },
    });
    this.accessPolicy = drBackupVaultAccessPolicy({
      partition: props.partition,
      copySources: props.copySources,
      recoveryPointProtection: props.recoveryPointProtection,
    });
    this.vaultPolicy = new BackupVaultPolicy(this, "vault-policy", {
      provider: props.provider,
      backupVaultName: this.vault.name,
      policy: policyJson(this.accessPolicy),
    });
  }
}
