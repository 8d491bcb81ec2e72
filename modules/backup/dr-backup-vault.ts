import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Annotations, ITerraformDependable, TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";
import { PolicyDocument, policyJson } from "../iam/policy-document";
import { assertAccountId, assertCopyableVaultName, assertKmsKeyArn, assertPartition, DEFAULT_VAULT_COPY_ERROR } from "./backup-arns";
import { backupNotificationTopicPolicy, backupPublishesToEncryptedTopicKeyStatement } from "./backup-notification-topic-policy";
import { CustomerManagedKey } from "../kms/customer-managed-key";
import { policyDocument } from "../iam/policy-document";
import { CopySources, drBackupVaultAccessPolicy, RecoveryPointProtection } from "./dr-backup-vault-access-policy";
import { complianceLockNotice } from "./dr-vault-lock-settings";

/**
 * Backup Vault Lock, always with a maximum retention: without one, anyone allowed to copy in could store
 * recovery points for up to 100 years, undeletable under the lock. In governance mode (the default) principals
 * allowed `backup:DeleteBackupVaultLockConfiguration` can still remove the lock (the vault's Deny and the DR
 * organization's SCP keep that to the exempted roles). In compliance mode the lock becomes immutable
 * `changeableForDays` after it is first applied: from then on nobody, not even the account's root user, can
 * remove it, shorten retention or delete the vault; irreversible, so the days are never defaulted.
 */
export type VaultLock =
  | {
      /** @default "governance" */
      readonly mode?: "governance";
      /** Days every recovery point copied into the vault is kept at least (1 to 36,500). */
      readonly minRetentionDays: number;
      /** Days recovery points may be kept at most (up to 36,500, at least minRetentionDays). */
      readonly maxRetentionDays: number;
    }
  | {
      readonly mode: "compliance";
      /** Days every recovery point copied into the vault is kept at least (1 to 36,500). */
      readonly minRetentionDays: number;
      /** Days recovery points may be kept at most (up to 36,500, at least minRetentionDays). */
      readonly maxRetentionDays: number;
      /** Days after the first apply during which the lock can still be removed (3 to 36,500), set deliberately. */
      readonly changeableForDays: number;
    };

/** A topic created elsewhere (such as an `AlarmTopic`): its ARN, and its policy to wait for. */
export interface ExistingTopic {
  readonly topic: { readonly arn: string };
  readonly topicPolicy?: ITerraformDependable;
}

/** Where the vault's events go. */
export interface DrBackupVaultNotifications {
  /**
   * An existing topic of the vault's account and region (the region's alarm topic): no topic is created; its
   * key and topic policy must let AWS Backup publish (see {@link backupPublishesToEncryptedTopicKeyStatement}).
   * @default - a topic of the vault's own
   */
  readonly topic?: ExistingTopic;
  /**
   * The SNS topic's name (`[A-Za-z0-9_-]`, 1 to 256 characters).
   * @default - `<vault name>-events`
   */
  readonly topicName?: string;
  /**
   * The customer managed key that encrypts the topic (ID, ARN, alias or alias ARN); its key policy needs
   * {@link backupPublishesToEncryptedTopicKeyStatement}. Never `alias/aws/sns`: that AWS managed key's policy
   * cannot be changed and admits no service principal, so AWS Backup cannot publish to a topic it encrypts.
   * @default - a customer managed key created for the topic (`alias/<topic name>`)
   */
  readonly kmsMasterKeyId?: string;
  /**
   * The events published, from {@link SUPPORTED_BACKUP_VAULT_EVENTS}.
   * @default ["COPY_JOB_FAILED", "COPY_JOB_SUCCESSFUL"]; ["COPY_JOB_FAILED"] to an existing (alarm) topic
   */
  readonly events?: readonly string[];
}

/** Properties of a {@link DrBackupVault}. */
export interface DrBackupVaultProps {
  /** The provider of the copy region the vault is in. */
  readonly provider: TerraformProvider;
  readonly partition: string;
  /** The DR account: owner of the vault and the topic. */
  readonly accountId: string;
  /** The vault's name (`^[a-zA-Z0-9\-\_]{2,50}$`, never the default vault). Source plans derive its ARN from it. */
  readonly vaultName: string;
  /** The DR key (ARN, or the token of a key of the same stack) that encrypts the copies. */
  readonly kmsKeyArn: string;
  /** Who may copy into the vault. */
  readonly copySources: CopySources;
  /**
   * Who stays exempt from the Deny on deleting or shortening recovery points, changing the access policy, the lock
   * or the notifications, and deleting the vault: the deploy role and, when there is one, the break-glass role.
   */
  readonly recoveryPointProtection: RecoveryPointProtection;
  /** The vault lock. */
  readonly lock: VaultLock;
  /**
   * The vault's event notifications, or `false` for none.
   * @default - a topic under a customer managed key of its own receiving COPY_JOB_FAILED and COPY_JOB_SUCCESSFUL
   */
  readonly notifications?: DrBackupVaultNotifications | false;
}

/** AWS Backup's limits of Backup Vault Lock (PutBackupVaultLockConfiguration). */
export const VAULT_LOCK_LIMITS = {
  minRetentionDays: 1,
  maxRetentionDays: 36_500,
  minChangeableForDays: 3,
  maxChangeableForDays: 36_500,
} as const;

/** The events PutBackupVaultNotifications supports (the API lists others as deprecated: they never fire). */
export const SUPPORTED_BACKUP_VAULT_EVENTS = [
  "BACKUP_JOB_STARTED",
  "BACKUP_JOB_COMPLETED",
  "COPY_JOB_STARTED",
  "COPY_JOB_SUCCESSFUL",
  "COPY_JOB_FAILED",
  "RESTORE_JOB_STARTED",
  "RESTORE_JOB_COMPLETED",
  "RECOVERY_POINT_MODIFIED",
  "S3_BACKUP_OBJECT_FAILED",
  "S3_RESTORE_OBJECT_FAILED",
] as const;

export const DEFAULT_VAULT_EVENTS = ["COPY_JOB_FAILED", "COPY_JOB_SUCCESSFUL"] as const;

const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const SNS_KEY_PATTERN =
  /^(alias\/[a-zA-Z0-9/_-]{1,250}|arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(key|alias)\/[a-zA-Z0-9/_-]{1,250}|(mrk-)?[a-f0-9-]{32,36})$/;

const isWholeNumber = (value: number) => Number.isInteger(value);

/** The lock's arguments, checked against AWS Backup's ranges (with AWS's wording). */
function lockArguments(lock: VaultLock): { minRetentionDays: number; maxRetentionDays: number; changeableForDays?: number } {
  const { minRetentionDays, maxRetentionDays } = lock;
  if (!isWholeNumber(minRetentionDays) || minRetentionDays < VAULT_LOCK_LIMITS.minRetentionDays || minRetentionDays > VAULT_LOCK_LIMITS.maxRetentionDays) {
    throw new Error(
      `Vault lock min_retention_days must be a whole number from 1 to 36500, got ${minRetentionDays}: ` +
        "the shortest minimum retention period you can specify is 1 day",
    );
  }
  if (maxRetentionDays === undefined) {
    throw new Error("Vault lock max_retention_days is required: without a maximum, recovery points could be kept up to 36500 days, undeletable under the lock");
  }
  if (!isWholeNumber(maxRetentionDays) || maxRetentionDays < VAULT_LOCK_LIMITS.minRetentionDays || maxRetentionDays > VAULT_LOCK_LIMITS.maxRetentionDays) {
    throw new Error(
      `Vault lock max_retention_days must be a whole number from 1 to 36500, got ${maxRetentionDays}: ` +
        "the longest maximum retention period you can specify is 36500 days (approximately 100 years)",
    );
  }
  if (minRetentionDays > maxRetentionDays) {
    throw new Error(`Vault lock min_retention_days (${minRetentionDays}) must not exceed max_retention_days (${maxRetentionDays})`);
  }
  const mode: string = lock.mode ?? "governance";
  if (mode === "governance") {
    if ((lock as { changeableForDays?: number }).changeableForDays !== undefined) {
      throw new Error("A governance-mode vault lock has no changeable_for_days: setting it makes the lock compliance mode");
    }
    return { minRetentionDays, maxRetentionDays };
  }
  if (mode !== "compliance") throw new Error(`Expected vault lock mode to be compliance or governance, got '${mode}'`);
  const changeableForDays = (lock as { changeableForDays?: number }).changeableForDays;
  if (changeableForDays === undefined) {
    throw new Error("A compliance-mode vault lock needs changeable_for_days set explicitly: the lock becomes irreversible that many days after it is first applied");
  }
  if (
    !isWholeNumber(changeableForDays) ||
    changeableForDays < VAULT_LOCK_LIMITS.minChangeableForDays ||
    changeableForDays > VAULT_LOCK_LIMITS.maxChangeableForDays
  ) {
    throw new Error(
      `Vault lock changeable_for_days must be a whole number from 3 to 36500, got ${changeableForDays}: ` +
        "AWS Backup enforces a 72-hour cooling-off period before Vault Lock takes effect and becomes immutable. " +
        "Therefore, you must set ChangeableForDays to 3 or greater.",
    );
  }
  return { minRetentionDays, maxRetentionDays, changeableForDays };
}

const AWS_MANAGED_SNS_KEY = /(^|:)alias\/aws\/sns$/;

function notificationSettings(vaultName: string, notifications: DrBackupVaultNotifications) {
  const topicName = notifications.topicName ?? `${vaultName}-events`;
  if (!TOPIC_NAME_PATTERN.test(topicName)) throw new Error(`Expected SNS topic name to match ${TOPIC_NAME_PATTERN.source}, got '${topicName}'`);
  const kmsMasterKeyId = notifications.kmsMasterKeyId;
  if (kmsMasterKeyId !== undefined && !Token.isUnresolved(kmsMasterKeyId) && !SNS_KEY_PATTERN.test(kmsMasterKeyId)) {
    throw new Error(`Expected the topic's KMS key to be a key ID, key ARN, alias or alias ARN, got '${kmsMasterKeyId}'`);
  }
  if (kmsMasterKeyId !== undefined && AWS_MANAGED_SNS_KEY.test(kmsMasterKeyId)) {
    throw new Error("The vault's topic cannot be encrypted with alias/aws/sns: AWS Backup cannot use that AWS managed key to publish; use a customer managed key");
  }
  if (notifications.topic && (notifications.topicName !== undefined || kmsMasterKeyId !== undefined)) {
    throw new Error("Vault notifications to an existing topic take neither a topic name nor a key");
  }
  const events = [...(notifications.events ?? (notifications.topic ? ["COPY_JOB_FAILED"] : DEFAULT_VAULT_EVENTS))];
  if (events.length === 0) throw new Error("Vault notifications need at least one event");
  for (const event of events) {
    if (!(SUPPORTED_BACKUP_VAULT_EVENTS as readonly string[]).includes(event)) {
      throw new Error(`Backup vault event '${event}' is not one AWS Backup supports: ${SUPPORTED_BACKUP_VAULT_EVENTS.join(", ")}`);
    }
  }
  return { topicName, kmsMasterKeyId, events: [...new Set(events)].sort() };
}

/**
 * The DR account's backup vault of one copy region (design §2c, seeds 002 and 003): encrypted with a DR key,
 * shared with the source organization for `backup:CopyIntoBackupVault`, locked, and reporting its copy jobs.
 */
export class DrBackupVault extends Construct {
  readonly vault: BackupVault;
  /** The access policy as synthesized: what proofs and reviewers read. */
  readonly accessPolicy: PolicyDocument;
  readonly vaultPolicy: BackupVaultPolicy;
  readonly lockConfiguration: BackupVaultLockConfiguration;
  readonly topic?: SnsTopic;
  readonly topicPolicy?: SnsTopicPolicy;
  readonly vaultNotifications?: BackupVaultNotifications;

  constructor(scope: Construct, id: string, props: DrBackupVaultProps) {
    super(scope, id);
    assertPartition(props.partition);
    assertAccountId(props.accountId, "DR account ID");
    assertCopyableVaultName(props.vaultName, "DR backup vault", DEFAULT_VAULT_COPY_ERROR);
    assertKmsKeyArn(props.kmsKeyArn, "the DR vault's KMS key");
    const lock = lockArguments(props.lock);
    this.accessPolicy = drBackupVaultAccessPolicy({
      partition: props.partition,
      copySources: props.copySources,
      recoveryPointProtection: props.recoveryPointProtection,
    });
    const notifications = props.notifications === false ? undefined : notificationSettings(props.vaultName, props.notifications ?? {});

    this.vault = new BackupVault(this, "vault", {
      provider: props.provider,
      name: props.vaultName,
      kmsKeyArn: props.kmsKeyArn,
      lifecycle: { preventDestroy: true },
    });
    this.vaultPolicy = new BackupVaultPolicy(this, "vault-policy", {
      provider: props.provider,
      backupVaultName: this.vault.name,
      policy: policyJson(this.accessPolicy),
    });
    this.lockConfiguration = new BackupVaultLockConfiguration(this, "vault-lock", {
      provider: props.provider,
      backupVaultName: this.vault.name,
      ...lock,
    });
    if (lock.changeableForDays !== undefined) {
      const region = (props.provider as { region?: string }).region;
      Annotations.of(this).addWarning(complianceLockNotice(props.vaultName, typeof region === "string" ? region : "<region>", lock.changeableForDays));
    }

    if (notifications && props.notifications && props.notifications.topic) {
      this.vaultNotifications = new BackupVaultNotifications(this, "vault-notifications", {
        provider: props.provider,
        backupVaultName: this.vault.name,
        snsTopicArn: props.notifications.topic.topic.arn,
        backupVaultEvents: notifications.events,
        ...(props.notifications.topic.topicPolicy ? { dependsOn: [props.notifications.topic.topicPolicy] } : {}),
      });
    } else if (notifications) {
      const kmsMasterKeyId =
        notifications.kmsMasterKeyId ??
        new CustomerManagedKey(this, "topic-key", {
          provider: props.provider,
          description: `AWS Backup notifications of the DR vault ${props.vaultName}`,
          aliasName: `alias/${notifications.topicName}`,
          policy: policyDocument([
            { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` }, Action: "kms:*", Resource: "*" },
            backupPublishesToEncryptedTopicKeyStatement(props.accountId),
          ]),
        }).key.arn;
      this.topic = new SnsTopic(this, "topic", {
        provider: props.provider,
        name: notifications.topicName,
        kmsMasterKeyId,
      });
      this.topicPolicy = new SnsTopicPolicy(this, "topic-policy", {
        provider: props.provider,
        arn: this.topic.arn,
        policy: policyJson(backupNotificationTopicPolicy({ topicArn: this.topic.arn, accountId: props.accountId })),
      });
      this.vaultNotifications = new BackupVaultNotifications(this, "vault-notifications", {
        provider: props.provider,
        backupVaultName: this.vault.name,
        snsTopicArn: this.topic.arn,
        backupVaultEvents: notifications.events,
        dependsOn: [this.topicPolicy],
      });
    }
  }
}
