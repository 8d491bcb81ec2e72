import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { DrBackupVault, DrBackupVaultProps } from "../../modules/backup/dr-backup-vault";
import { policyDocument, policyJson } from "../../modules/iam/policy-document";
import { CustomerManagedKey } from "../../modules/kms/customer-managed-key";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DR_ACCOUNT = "222222222222";
const DR_KEY = `arn:aws:kms:us-west-2:${DR_ACCOUNT}:key/0f0f0f0f-1111-4222-a333-444455556666`;
const DEPLOYER = `arn:aws:iam::${DR_ACCOUNT}:role/OrganizationAccountAccessRole`;
const BREAK_GLASS = `arn:aws:iam::${DR_ACCOUNT}:role/break-glass`;

describe("DrBackupVault", () => {
  let stack: TerraformStack;
  let provider: AwsProvider;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "dr");
    provider = new AwsProvider(stack, "aws", { region: "us-west-2", alias: "us-west-2" });
  });

  const props = (overrides: Partial<DrBackupVaultProps> = {}): DrBackupVaultProps => ({
    provider,
    partition: "aws",
    accountId: DR_ACCOUNT,
    vaultName: "snapshot-dr",
    kmsKeyArn: DR_KEY,
    copySources: { kind: "organizations", organizationIds: ["o-bbbbbbbbbb"] },
    lock: { minRetentionDays: 30, maxRetentionDays: 365 },
    recoveryPointProtection: { deployRoleArn: DEPLOYER },
    ...overrides,
  });
  const synth = (): Json => JSON.parse(Testing.synth(stack));
  const only = (json: Json, type: string): Json => {
    const resources = Object.values(json.resource[type] ?? {}) as Json[];
    expect(resources).toHaveLength(1);
    return resources[0];
  };

  describe("synthesized", () => {
    test("a vault encrypted with the DR key, kept by prevent_destroy, never force-destroyed", () => {
      // GIVEN the defaults WHEN synthesized
      new DrBackupVault(stack, "vault", props());
      const vault = only(synth(), "aws_backup_vault");
      // THEN the vault has its name, the key and prevent_destroy, and no force_destroy
      expect(vault).toEqual({ provider: "aws.us-west-2", name: "snapshot-dr", kms_key_arn: DR_KEY, lifecycle: { prevent_destroy: true } });
    });

    test("a key of the same stack is referenced by token", () => {
      // GIVEN a DR key created in the stack WHEN the vault uses its ARN THEN the vault refers to the key resource
      const key = new CustomerManagedKey(stack, "kms-c", {
        provider,
        description: "DR key",
        aliasName: "alias/snapshot-dr/kms-c",
        policy: policyDocument([{ Sid: "Own", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DR_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
      });
      new DrBackupVault(stack, "vault", props({ kmsKeyArn: key.key.arn }));
      expect(only(synth(), "aws_backup_vault").kms_key_arn).toMatch(/^\$\{aws_kms_key\.kms-c_key_[A-Z0-9]+\.arn\}$/);
    });

    test("the access policy is the policy function's document, on the vault by reference", () => {
      // GIVEN listed accounts and a break-glass role WHEN synthesized
      const construct = new DrBackupVault(
        stack,
        "vault",
        props({
          copySources: { kind: "accounts", accountIds: ["111111111111"], organizationId: "o-bbbbbbbbbb" },
          recoveryPointProtection: { deployRoleArn: DEPLOYER, breakGlassRoleArn: BREAK_GLASS },
        }),
      );
      const policy = only(synth(), "aws_backup_vault_policy");
      // THEN the vault policy is the document as JSON, for the vault created here
      expect(policy.backup_vault_name).toMatch(/^\$\{aws_backup_vault\.vault_[A-Z0-9]+\.name\}$/);
      expect(policy.policy).toBe(policyJson(construct.accessPolicy));
      expect(JSON.parse(policy.policy).Statement.map((s: Json) => s.Sid)).toEqual(["CopyIntoVaultFromAccounts", "DenyVaultChangesExceptExemptRoles"]);
    });

    test("governance mode by default, with its maximum retention and no changeable_for_days", () => {
      // GIVEN a lock without mode WHEN synthesized THEN min and max are set, changeable_for_days is not (governance)
      new DrBackupVault(stack, "vault", props());
      const lock = only(synth(), "aws_backup_vault_lock_configuration");
      expect(lock).toEqual({
        provider: "aws.us-west-2",
        backup_vault_name: expect.stringMatching(/^\$\{aws_backup_vault\.vault_[A-Z0-9]+\.name\}$/),
        min_retention_days: 30,
        max_retention_days: 365,
      });
      // AND there is nothing to review: a governance lock stays removable by the exempted roles
      expect(stack.node.findAll().flatMap((node) => node.node.metadata.filter((entry) => entry.type === AnnotationMetadataEntryType.WARN))).toEqual([]);
    });

    test("compliance mode with the days given, and a Review notice counting them from the first apply", () => {
      // GIVEN a compliance lock changeable for 14 days WHEN synthesized THEN changeable_for_days is 14
      new DrBackupVault(stack, "vault", props({ lock: { mode: "compliance", minRetentionDays: 30, maxRetentionDays: 365, changeableForDays: 14 } }));
      expect(only(synth(), "aws_backup_vault_lock_configuration")).toMatchObject({ min_retention_days: 30, max_retention_days: 365, changeable_for_days: 14 });
      // AND the construct leaves one warning that names the vault, the region, the days and how to read the exact date
      const warnings = stack.node.findAll().flatMap((node) => node.node.metadata.filter((entry) => entry.type === AnnotationMetadataEntryType.WARN).map((entry) => String(entry.data)));
      expect(warnings).toEqual([
        "The DR vault snapshot-dr in us-west-2 gets a COMPLIANCE-mode Backup Vault Lock. It can be removed only during the 14 days after the first apply " +
          "that creates it; from then on nobody, not even the account's root user, can remove the lock, shorten retention or delete the vault while it holds " +
          "recovery points. After applying, read the date it becomes immutable (LockDate) with: aws backup describe-backup-vault --backup-vault-name snapshot-dr --region us-west-2",
      ]);
    });

    test("notifications: an encrypted topic, a topic policy for AWS Backup of this account, COPY_JOB events", () => {
      // GIVEN the default notifications WHEN synthesized
      new DrBackupVault(stack, "vault", props());
      const json = synth();
      // THEN the topic is named after the vault and encrypted with a customer managed key of its own (never alias/aws/sns)
      const topicKey = only(json, "aws_kms_key");
      expect(JSON.parse(topicKey.policy).Statement.map((statement: Json) => statement.Sid)).toEqual(["AccountAdministersKey", "BackupPublishesToEncryptedTopic"]);
      expect(only(json, "aws_sns_topic")).toEqual({
        provider: "aws.us-west-2",
        name: "snapshot-dr-events",
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[^.]+\.arn\}$/),
      });
      // AND AWS Backup may publish to it only on behalf of the DR account
      const topicPolicy = only(json, "aws_sns_topic_policy");
      expect(topicPolicy.arn).toMatch(/^\$\{aws_sns_topic\.vault_topic_[A-Z0-9]+\.arn\}$/);
      expect(JSON.parse(topicPolicy.policy).Statement).toEqual([
        {
          Sid: "BackupPublishesVaultEvents",
          Effect: "Allow",
          Principal: { Service: "backup.amazonaws.com" },
          Action: "sns:Publish",
          Resource: topicPolicy.arn,
          Condition: { StringEquals: { "aws:SourceAccount": DR_ACCOUNT } },
        },
      ]);
      // AND the vault sends copy job results to the topic, once the topic policy exists
      const notifications = only(json, "aws_backup_vault_notifications");
      expect(notifications.backup_vault_events).toEqual(["COPY_JOB_FAILED", "COPY_JOB_SUCCESSFUL"]);
      expect(notifications.sns_topic_arn).toBe(topicPolicy.arn);
      expect(notifications.depends_on).toEqual([expect.stringMatching(/^aws_sns_topic_policy\.vault_topic-policy_[A-Z0-9]+$/)]);
    });

    test("notifications with a given key, topic name and events", () => {
      // GIVEN a customer managed key, a topic name and three events WHEN synthesized THEN they are used
      const snsKey = `arn:aws:kms:us-west-2:${DR_ACCOUNT}:key/11111111-2222-4333-8444-555555555555`;
      new DrBackupVault(stack, "vault", props({ notifications: { topicName: "dr-vault", kmsMasterKeyId: snsKey, events: ["COPY_JOB_STARTED", "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED"] } }));
      const json = synth();
      expect(only(json, "aws_sns_topic")).toMatchObject({ name: "dr-vault", kms_master_key_id: snsKey });
      expect(only(json, "aws_backup_vault_notifications").backup_vault_events).toEqual(["COPY_JOB_FAILED", "COPY_JOB_STARTED", "RECOVERY_POINT_MODIFIED"]);
    });

    test("notifications: false creates no topic", () => {
      // GIVEN notifications switched off WHEN synthesized THEN there is no topic, topic policy or notification
      new DrBackupVault(stack, "vault", props({ notifications: false }));
      const json = synth();
      expect(Object.keys(json.resource).sort()).toEqual(["aws_backup_vault", "aws_backup_vault_lock_configuration", "aws_backup_vault_policy"]);
    });

    test("uses no argument hashicorp/aws 5.100 lacks (no per-resource region, no force_destroy)", () => {
      // GIVEN every option WHEN synthesized THEN no resource carries `region` or `force_destroy`
      new DrBackupVault(stack, "vault", props({ recoveryPointProtection: { deployRoleArn: DEPLOYER, breakGlassRoleArn: BREAK_GLASS } }));
      for (const resources of Object.values(synth().resource) as Json[]) {
        for (const resource of Object.values(resources) as Json[]) {
          expect(resource).not.toHaveProperty("region");
          expect(resource).not.toHaveProperty("force_destroy");
        }
      }
    });
  });

  describe("validation", () => {
    test("rejects the default vault with AWS's wording", () => {
      // GIVEN the vault name Default WHEN built THEN AWS's copy job error is quoted
      expect(() => new DrBackupVault(stack, "v", props({ vaultName: "Default" }))).toThrow(
        "DR backup vault 'Default' is the default vault: Copy job failed because the destination Backup vault is encrypted with the default Backup service managed key. " +
          "The contents of this vault cannot be copied. Only the contents of a Backup vault encrypted by a customer master key (CMK) may be copied.",
      );
      expect(() => new DrBackupVault(stack, "w", props({ vaultName: "default" }))).toThrow(/^DR backup vault 'default' is the default vault/);
    });

    test("rejects a vault name outside AWS's pattern", () => {
      // GIVEN a name with a slash, then a one-character name WHEN built THEN each fails naming the pattern
      expect(() => new DrBackupVault(stack, "v", props({ vaultName: "dr/vault" }))).toThrow("Expected DR backup vault name to match ^[a-zA-Z0-9\\-\\_]{2,50}$, got 'dr/vault'");
      expect(() => new DrBackupVault(stack, "w", props({ vaultName: "d" }))).toThrow("Expected DR backup vault name to match ^[a-zA-Z0-9\\-\\_]{2,50}$, got 'd'");
    });

    test("requires a KMS key ARN, not an alias", () => {
      // GIVEN the AWS managed backup alias WHEN built THEN it fails
      expect(() => new DrBackupVault(stack, "v", props({ kmsKeyArn: "alias/aws/backup" }))).toThrow(
        "Expected the DR vault's KMS key to be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), got 'alias/aws/backup'",
      );
    });

    test("rejects min_retention_days below 1 with AWS's wording", () => {
      // GIVEN a zero minimum WHEN built THEN it fails
      expect(() => new DrBackupVault(stack, "v", props({ lock: { minRetentionDays: 0, maxRetentionDays: 365 } }))).toThrow(
        "Vault lock min_retention_days must be a whole number from 1 to 36500, got 0: the shortest minimum retention period you can specify is 1 day",
      );
    });

    test("rejects max_retention_days above 36,500 with AWS's wording", () => {
      // GIVEN a maximum of 36,501 days WHEN built THEN it fails (36,500 is AWS's limit, not 2,555)
      expect(() => new DrBackupVault(stack, "v", props({ lock: { minRetentionDays: 1, maxRetentionDays: 36_501 } }))).toThrow(
        "Vault lock max_retention_days must be a whole number from 1 to 36500, got 36501: the longest maximum retention period you can specify is 36500 days (approximately 100 years)",
      );
      expect(() => new DrBackupVault(stack, "w", props({ lock: { minRetentionDays: 1, maxRetentionDays: 36_500 } }))).not.toThrow();
    });

    test("rejects a minimum above the maximum", () => {
      // GIVEN min 400 and max 365 WHEN built THEN it fails
      expect(() => new DrBackupVault(stack, "v", props({ lock: { minRetentionDays: 400, maxRetentionDays: 365 } }))).toThrow(
        "Vault lock min_retention_days (400) must not exceed max_retention_days (365)",
      );
    });

    test("rejects changeable_for_days below 3 with AWS's wording", () => {
      // GIVEN two days WHEN built THEN it fails quoting the 72-hour cooling-off period
      expect(() => new DrBackupVault(stack, "v", props({ lock: { mode: "compliance", minRetentionDays: 30, maxRetentionDays: 365, changeableForDays: 2 } }))).toThrow(
        "Vault lock changeable_for_days must be a whole number from 3 to 36500, got 2: AWS Backup enforces a 72-hour cooling-off period before Vault Lock takes effect and becomes immutable. Therefore, you must set ChangeableForDays to 3 or greater.",
      );
    });

    test("requires a maximum retention", () => {
      // GIVEN a lock without max_retention_days (as untyped configuration could give) WHEN built THEN it fails
      const lock = { minRetentionDays: 30 } as unknown as DrBackupVaultProps["lock"];
      expect(() => new DrBackupVault(stack, "v", props({ lock }))).toThrow(
        "Vault lock max_retention_days is required: without a maximum, recovery points could be kept up to 36500 days, undeletable under the lock",
      );
    });

    test("requires changeable_for_days set explicitly in compliance mode", () => {
      // GIVEN a compliance lock without changeable_for_days (untyped) WHEN built THEN it fails: never a silent 3-day default
      const lock = { mode: "compliance", minRetentionDays: 30, maxRetentionDays: 365 } as unknown as DrBackupVaultProps["lock"];
      expect(() => new DrBackupVault(stack, "v", props({ lock }))).toThrow(
        "A compliance-mode vault lock needs changeable_for_days set explicitly: the lock becomes irreversible that many days after it is first applied",
      );
    });

    test("rejects changeable_for_days on a governance lock", () => {
      // GIVEN governance with changeable_for_days (as untyped configuration could give) WHEN built THEN it fails
      const lock = { mode: "governance", minRetentionDays: 30, maxRetentionDays: 365, changeableForDays: 7 } as unknown as DrBackupVaultProps["lock"];
      expect(() => new DrBackupVault(stack, "v", props({ lock }))).toThrow(
        "A governance-mode vault lock has no changeable_for_days: setting it makes the lock compliance mode",
      );
    });

    test("rejects an unknown lock mode", () => {
      // GIVEN a misspelt mode WHEN built THEN it fails
      const lock = { mode: "complience", minRetentionDays: 30, maxRetentionDays: 365 } as unknown as DrBackupVaultProps["lock"];
      expect(() => new DrBackupVault(stack, "v", props({ lock }))).toThrow("Expected vault lock mode to be compliance or governance, got 'complience'");
    });

    test("rejects an event AWS Backup does not support, and a deprecated one", () => {
      // GIVEN a misspelt event, then a deprecated one WHEN built THEN each fails listing the supported events
      const supported =
        "BACKUP_JOB_STARTED, BACKUP_JOB_COMPLETED, COPY_JOB_STARTED, COPY_JOB_SUCCESSFUL, COPY_JOB_FAILED, RESTORE_JOB_STARTED, RESTORE_JOB_COMPLETED, RECOVERY_POINT_MODIFIED, S3_BACKUP_OBJECT_FAILED, S3_RESTORE_OBJECT_FAILED";
      expect(() => new DrBackupVault(stack, "v", props({ notifications: { events: ["COPY_JOB_FAILD"] } }))).toThrow(
        `Backup vault event 'COPY_JOB_FAILD' is not one AWS Backup supports: ${supported}`,
      );
      expect(() => new DrBackupVault(stack, "w", props({ notifications: { events: ["BACKUP_JOB_FAILED"] } }))).toThrow(
        `Backup vault event 'BACKUP_JOB_FAILED' is not one AWS Backup supports: ${supported}`,
      );
    });

    test("rejects an empty event list and a topic name SNS does not accept", () => {
      // GIVEN no events, then a topic name with a dot WHEN built THEN each fails
      expect(() => new DrBackupVault(stack, "v", props({ notifications: { events: [] } }))).toThrow("Vault notifications need at least one event");
      expect(() => new DrBackupVault(stack, "w", props({ notifications: { topicName: "dr.events" } }))).toThrow(
        "Expected SNS topic name to match ^[A-Za-z0-9_-]{1,256}$, got 'dr.events'",
      );
    });

    test("rejects a topic key that is neither an ID, an ARN nor an alias", () => {
      // GIVEN a bare word WHEN built THEN it fails
      expect(() => new DrBackupVault(stack, "v", props({ notifications: { kmsMasterKeyId: "sns" } }))).toThrow(
        "Expected the topic's KMS key to be a key ID, key ARN, alias or alias ARN, got 'sns'",
      );
    });

    test("rejects a DR account ID that is not 12 digits", () => {
      // GIVEN a short account ID WHEN built THEN it fails
      expect(() => new DrBackupVault(stack, "v", props({ accountId: "2222" }))).toThrow("Expected DR account ID to be 12 digits, got '2222'");
    });
  });
});
