import { BackupPlan, BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection, BackupSelectionConfig } from "@cdktf/provider-aws/lib/backup-selection";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";
import { ServiceRole } from "../iam/service-role";
import {
  assertAccountId,
  assertCopyableVaultName,
  assertKmsKeyArn,
  assertPartition,
  assertRegion,
  backupVaultArn,
  DEFAULT_VAULT_COPY_ERROR,
  DEFAULT_VAULT_SOURCE_RULE,
} from "./backup-arns";
import {
  assertTags,
  BACKUP_PLAN_LIMITS,
  BACKUP_PLAN_NAME_PATTERN,
  BACKUP_RULE_NAME_PATTERN,
  backupServiceRoleManagedPolicyArns,
  checkLifecycle,
  CRON_PATTERN,
  DYNAMODB_CROSS_REGION_RULE,
  isWholeNumberIn,
  RDS_CROSS_REGION_AND_ACCOUNT_RULE,
} from "./backup-plan-limits";
import { arnPatternMayMatchService, BACKUP_RESOURCE_TYPES, backupResourceArnPattern, BackupResourceType, DYNAMODB_SERVICE, RDS_SERVICE } from "./backup-resource-types";

/** When a recovery point moves to cold storage and when it is deleted, in days after its creation. */
export interface BackupLifecycle {
  /** Days after creation the recovery point is deleted (1 to 36,500). */
  readonly deleteAfterDays: number;
  /**
   * Days after creation the recovery point moves to cold storage. Cold storage lasts at least 90 days, so
   * `deleteAfterDays` must be at least this plus 90. AWS Backup ignores it for types without cold storage.
   * @default - never moved to cold storage
   */
  readonly coldStorageAfterDays?: number;
}

/** A vault a rule copies each recovery point to; its ARN is derived from these names (no cross-stack reference). */
export interface BackupCopyDestination {
  /** The account of the destination vault: the DR account, or the plan's own account for a cross-region copy. */
  readonly accountId: string;
  readonly region: string;
  readonly vaultName: string;
  /**
   * The copy's lifecycle. Cross-account copies cannot move to cold storage.
   * @default - the copy keeps the source recovery point's lifecycle
   */
  readonly lifecycle?: BackupLifecycle;
  /**
   * The destination vault's lock, when known (from the same configuration): the copy's retention is checked
   * against it, since a locked vault fails every copy job whose retention is outside its range.
   * @default - not checked
   */
  readonly vaultLock?: { readonly minRetentionDays: number; readonly maxRetentionDays?: number };
}

/** One rule of the plan: when to back up, how long to keep, where to copy. */
export interface SourceBackupRule {
  /** `^[a-zA-Z0-9\-\_\.]{1,50}$`, unique within the plan. */
  readonly ruleName: string;
  /** A six-field cron expression in UTC, `cron(0 5 ? * * *)`. */
  readonly schedule: string;
  /**
   * Minutes after the scheduled time before a job that has not started is cancelled (at least 60).
   * @default 60
   */
  readonly startWindowMinutes?: number;
  /**
   * Minutes after the job starts before it is cancelled (at least 60 more than the start window).
   * @default - the start window plus 120 minutes (180 with the default start window)
   */
  readonly completionWindowMinutes?: number;
  readonly lifecycle: BackupLifecycle;
  /**
   * Where each recovery point is copied: the DR vault (cross-account), the DR account's air-gapped vault when
   * enabled, and optionally a vault of another region. At most 5 (`BACKUP_PLAN_LIMITS.maxCopyActionsPerRule`).
   * @default - no copies
   */
  readonly copyActions?: readonly BackupCopyDestination[];
  /**
   * Tags AWS Backup puts on the recovery points the rule creates (and copies carry).
   * @default - none
   */
  readonly recoveryPointTags?: Readonly<Record<string, string>>;
}

/**
 * Which resources the plan backs up.
 * - `tags`: every resource, of any type, carrying any one of the tags (AWS's ListOfTags, STRINGEQUALS, OR).
 * - `resources`: resources of the listed types or ARN patterns; with `requiredTags`, only those of them carrying
 *   every one of the tags (AWS's Conditions, AND).
 */
export type BackupResourceSelection =
  | { readonly by: "tags"; readonly tags: Readonly<Record<string, string>> }
  | {
      readonly by: "resources";
      /** @default - none */
      readonly resourceTypes?: readonly BackupResourceType[];
      /** ARN patterns, `*` matching any characters. @default - none */
      readonly resourceArnPatterns?: readonly string[];
      /** @default - no tag condition */
      readonly requiredTags?: Readonly<Record<string, string>>;
    };

/**
 * The role AWS Backup assumes to back up the selection. IAM is global: create it in one region's plan only, and
 * give the others its ARN — `plan.roleArn` when that plan is in the same stack, so that their selections wait
 * for the role, or the ARN derived from its name otherwise.
 */
export type BackupRoleChoice = { readonly kind: "create"; readonly roleName: string } | { readonly kind: "existing"; readonly roleArn: string };

/** Properties of a {@link SourceBackupPlan}. */
export interface SourceBackupPlanProps {
  /** The provider of the region the plan is in. */
  readonly provider: TerraformProvider;
  readonly partition: string;
  /** The source account the plan is in. */
  readonly accountId: string;
  /** The plan's region: copies to another region are cross-region. */
  readonly region: string;
  /** `^[a-zA-Z0-9\-\_\.]{1,50}$` */
  readonly planName: string;
  /** The source vault (never the default vault, whose key cannot be shared). */
  readonly vaultName: string;
  /** The source key (ARN, or the token of a key of the same stack) that encrypts the source vault. */
  readonly kmsKeyArn: string;
  /** At least one rule. */
  readonly rules: readonly SourceBackupRule[];
  readonly selection: BackupResourceSelection;
  /**
   * The selection's name (`^[a-zA-Z0-9\-\_\.]{1,50}$`).
   * @default - the plan's name
   */
  readonly selectionName?: string;
  readonly role: BackupRoleChoice;
  /**
   * Seed 003: RDS and Aurora support cross-Region or cross-account copies, not both in one plan. Set this only
   * once AWS supports both for the selected RDS/Aurora resources.
   * @default false
   */
  readonly rdsCrossRegionAndAccountSupported?: boolean;
}

const lifecycleBlock = (lifecycle: BackupLifecycle) => ({
  deleteAfter: lifecycle.deleteAfterDays,
  ...(lifecycle.coldStorageAfterDays !== undefined ? { coldStorageAfter: lifecycle.coldStorageAfterDays } : {}),
});

const managedPolicyAttachments = (role: ServiceRole) =>
  role.node.findAll().filter((node): node is IamRolePolicyAttachment => node instanceof IamRolePolicyAttachment);

interface ClassifiedCopy {
  readonly rule: string;
  readonly arn: string;
  readonly region: string;
  readonly crossAccount: boolean;
  readonly crossRegion: boolean;
}

/**
 * A source account's AWS Backup plan of one region (design §2c): a vault encrypted with the source key, a
 * plan whose rules copy every recovery point to the DR account's vault (and optionally another region), a
 * selection, and the service role AWS Backup backs up with. Seed 003's copy restrictions are checked here.
 */
export class SourceBackupPlan extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;
  readonly selection: BackupSelection;
  /** The service role, when this plan created it. */
  readonly role?: ServiceRole;
  /** The role the selection uses. */
  readonly roleArn: string;
  /** Every destination vault ARN of the plan's copy actions: what the copy SCP must allow. */
  readonly copyDestinationArns: readonly string[];

  constructor(scope: Construct, id: string, props: SourceBackupPlanProps) {
    super(scope, id);
    assertPartition(props.partition);
    assertAccountId(props.accountId, "source account ID");
    assertRegion(props.region, "the plan's region");
    if (!BACKUP_PLAN_NAME_PATTERN.test(props.planName)) {
      throw new Error(`Expected backup plan name to match ${BACKUP_PLAN_NAME_PATTERN.source}, got '${props.planName}'`);
    }
    const selectionName = props.selectionName ?? props.planName;
    if (!BACKUP_RULE_NAME_PATTERN.test(selectionName)) {
      throw new Error(`Expected backup selection name to match ${BACKUP_RULE_NAME_PATTERN.source}, got '${selectionName}'`);
    }
    assertCopyableVaultName(props.vaultName, "Source backup vault", DEFAULT_VAULT_SOURCE_RULE);
    assertKmsKeyArn(props.kmsKeyArn, "the source vault's KMS key");
    if (props.rules.length === 0) throw new Error(`Backup plan '${props.planName}' needs at least one rule`);

    const ownVaultArn = backupVaultArn({ partition: props.partition, region: props.region, accountId: props.accountId, vaultName: props.vaultName });
    const copies: ClassifiedCopy[] = [];
    const ruleNames = new Set<string>();
    const rules: Omit<BackupPlanRule, "targetVaultName">[] = props.rules.map((rule) => {
      const where = `Backup rule '${rule.ruleName}'`;
      if (!BACKUP_RULE_NAME_PATTERN.test(rule.ruleName)) {
        throw new Error(`Expected backup rule name to match ${BACKUP_RULE_NAME_PATTERN.source}, got '${rule.ruleName}'`);
      }
      if (ruleNames.has(rule.ruleName)) throw new Error(`Backup rule name '${rule.ruleName}' is used twice in plan '${props.planName}'`);
      ruleNames.add(rule.ruleName);
      if (!CRON_PATTERN.test(rule.schedule)) {
        throw new Error(
          `${where}: expected a six-field cron expression, cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), got '${rule.schedule}'`,
        );
      }
      const startWindow = rule.startWindowMinutes ?? BACKUP_PLAN_LIMITS.minStartWindowMinutes;
      if (!isWholeNumberIn(startWindow, BACKUP_PLAN_LIMITS.minStartWindowMinutes, BACKUP_PLAN_LIMITS.maxWindowMinutes)) {
        throw new Error(`${where}: the start window must be a whole number of minutes from 60 to 52560000, got ${startWindow}`);
      }
      const completionWindow = rule.completionWindowMinutes ?? startWindow + 120;
      if (
        !isWholeNumberIn(completionWindow, startWindow + BACKUP_PLAN_LIMITS.completionAfterStartMinutes, BACKUP_PLAN_LIMITS.maxWindowMinutes)
      ) {
        throw new Error(
          `${where}: the completion window must be a whole number of minutes, at least 60 more than the start window (${startWindow}) and at most 52560000, got ${completionWindow}`,
        );
      }
      checkLifecycle(rule.lifecycle, where);
      if (rule.recoveryPointTags) assertTags(rule.recoveryPointTags, `${where}: recovery point`);

      const copyActions = (rule.copyActions ?? []).map((destination) => {
        assertAccountId(destination.accountId, `${where}: copy destination account ID`);
        assertRegion(destination.region, `${where}: copy destination region`);
        assertCopyableVaultName(destination.vaultName, `${where}: copy destination vault`, DEFAULT_VAULT_COPY_ERROR);
        const arn = backupVaultArn({ partition: props.partition, ...destination });
        if (arn === ownVaultArn) throw new Error(`${where}: copies into the plan's own vault ${arn}`);
        const crossAccount = destination.accountId !== props.accountId;
        const crossRegion = destination.region !== props.region;
        if (destination.lifecycle) {
          checkLifecycle(destination.lifecycle, `${where}: copy to ${arn}`);
          if (crossAccount && destination.lifecycle.coldStorageAfterDays !== undefined) {
            throw new Error(`${where}: the copy to ${arn} is cross-account and cannot move to cold storage: remove coldStorageAfterDays from its lifecycle`);
          }
        }
        if (destination.vaultLock) {
          const retention = (destination.lifecycle ?? rule.lifecycle).deleteAfterDays;
          const { minRetentionDays, maxRetentionDays } = destination.vaultLock;
          if (retention < minRetentionDays || (maxRetentionDays !== undefined && retention > maxRetentionDays)) {
            throw new Error(
              `${where}: the copy to ${arn} is kept ${retention} days, outside the destination vault lock's ${minRetentionDays} to ${maxRetentionDays ?? "unlimited"} days: ` +
                "the vault fails a copy job whose retention period is outside its minimum and maximum retention periods",
            );
          }
        }
        copies.push({ rule: rule.ruleName, arn, region: destination.region, crossAccount, crossRegion });
        return { destinationVaultArn: arn, ...(destination.lifecycle ? { lifecycle: lifecycleBlock(destination.lifecycle) } : {}) };
      });

      if (copyActions.length > BACKUP_PLAN_LIMITS.maxCopyActionsPerRule) {
        throw new Error(
          `${where} has ${copyActions.length} copy actions: AWS Backup allows at most ${BACKUP_PLAN_LIMITS.maxCopyActionsPerRule} copy actions per backup rule`,
        );
      }
      return {
        ruleName: rule.ruleName,
        schedule: rule.schedule,
        startWindow,
        completionWindow,
        lifecycle: lifecycleBlock(rule.lifecycle),
        ...(copyActions.length > 0 ? { copyAction: copyActions } : {}),
        ...(rule.recoveryPointTags && Object.keys(rule.recoveryPointTags).length > 0 ? { recoveryPointTags: { ...rule.recoveryPointTags } } : {}),
      };
    });

    const selection = this.selectionArguments(props);
    this.checkCopyRestrictions(props, selection.mayInclude, copies);
    this.copyDestinationArns = [...new Set(copies.map((copy) => copy.arn))].sort();

    if (props.role.kind === "create") {
      this.role = new ServiceRole(this, "backup-role", {
        provider: props.provider,
        roleName: props.role.roleName,
        servicePrincipal: "backup.amazonaws.com",
        description: "AWS Backup backs up the selected resources and shares recovery points for cross-account copies",
        managedPolicyArns: backupServiceRoleManagedPolicyArns(props.partition),
      });
      this.roleArn = this.role.role.arn;
    } else {
      const roleArn = props.role.roleArn;
      if (!Token.isUnresolved(roleArn) && !new RegExp(`^arn:${props.partition}:iam::${props.accountId}:role/[\\w+=,.@/-]{1,512}$`).test(roleArn)) {
        throw new Error(`Expected the backup role to be a role of the source account ${props.accountId}, got '${props.role.roleArn}'`);
      }
      this.roleArn = props.role.roleArn;
    }

    this.vault = new BackupVault(this, "vault", {
      provider: props.provider,
      name: props.vaultName,
      kmsKeyArn: props.kmsKeyArn,
      lifecycle: { preventDestroy: true },
    });
    this.plan = new BackupPlan(this, "plan", {
      provider: props.provider,
      name: props.planName,
      rule: rules.map((rule) => ({ ...rule, targetVaultName: this.vault.name })),
    });
    this.selection = new BackupSelection(this, "selection", {
      provider: props.provider,
      name: selectionName,
      planId: this.plan.id,
      iamRoleArn: this.roleArn,
      ...selection.config,
      // AWS Backup checks that it may pass the role: its managed policies must be attached first.
      ...(this.role ? { dependsOn: [this.role.role, ...managedPolicyAttachments(this.role)] } : {}),
    });
  }

  /** The selection's arguments, and which services it may select. */
  private selectionArguments(props: SourceBackupPlanProps): {
    config: Pick<BackupSelectionConfig, "resources" | "selectionTag" | "condition">;
    mayInclude: (service: string) => boolean;
  } {
    const selection = props.selection;
    if (selection.by === "tags") {
      const entries = Object.entries(selection.tags).sort(([a], [b]) => a.localeCompare(b));
      if (entries.length === 0) throw new Error(`The selection of plan '${props.planName}' needs at least one tag`);
      assertTags(selection.tags, "selection");
      return {
        config: { selectionTag: entries.map(([key, value]) => ({ type: "STRINGEQUALS", key, value })) },
        // A tag selects resources of every type.
        mayInclude: () => true,
      };
    }
    if (selection.by !== "resources") throw new Error(`Expected the selection to be by tags or by resources, got '${(selection as { by: string }).by}'`);
    const types = selection.resourceTypes ?? [];
    for (const type of types) {
      if (!(type in BACKUP_RESOURCE_TYPES)) {
        throw new Error(`Unknown backup resource type '${type}': expected one of ${Object.keys(BACKUP_RESOURCE_TYPES).join(", ")}`);
      }
    }
    const patterns = [...new Set([...types.map((type) => backupResourceArnPattern(type, props.partition)), ...(selection.resourceArnPatterns ?? [])])];
    if (patterns.length === 0) throw new Error(`The selection of plan '${props.planName}' needs at least one resource type or ARN pattern`);
    for (const pattern of patterns) {
      if (pattern !== "*" && !pattern.startsWith(`arn:${props.partition}:`)) {
        throw new Error(`Expected a selection ARN pattern to start with arn:${props.partition}: or be *, got '${pattern}'`);
      }
    }
    const withWildcards = patterns.filter((pattern) => pattern.includes("*")).length;
    if (withWildcards > BACKUP_PLAN_LIMITS.maxArnsWithWildcards || patterns.length > BACKUP_PLAN_LIMITS.maxArns) {
      throw new Error(
        `The selection of plan '${props.planName}' has ${patterns.length} ARNs, ${withWildcards} with wildcards: ` +
          "the maximum number of ARNs is 500 without wildcards, or 30 ARNs with wildcards",
      );
    }
    const requiredTags = Object.entries(selection.requiredTags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (selection.requiredTags) assertTags(selection.requiredTags, "selection");
    return {
      config: {
        resources: patterns.sort(),
        ...(requiredTags.length > 0
          ? { condition: [{ stringEquals: requiredTags.map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }] }
          : {}),
      },
      mayInclude: (service) => patterns.some((pattern) => pattern === "*" || arnPatternMayMatchService(pattern, service, props.partition)),
    };
  }

  /** Seed 003: RDS/Aurora not both cross-account and cross-region in one plan; DynamoDB never cross-region. */
  private checkCopyRestrictions(props: SourceBackupPlanProps, mayInclude: (service: string) => boolean, copies: readonly ClassifiedCopy[]): void {
    const crossAccount = copies.find((copy) => copy.crossAccount);
    const crossRegion = copies.find((copy) => copy.crossRegion);
    if (crossAccount && crossRegion && mayInclude(RDS_SERVICE) && props.rdsCrossRegionAndAccountSupported !== true) {
      throw new Error(
        `${RDS_CROSS_REGION_AND_ACCOUNT_RULE}. Plan '${props.planName}' may select RDS or Aurora and copies cross-account ` +
          `(rule '${crossAccount.rule}' to ${crossAccount.arn}) and cross-Region (rule '${crossRegion.rule}' to ${crossRegion.arn}): ` +
          "split the plan, select no RDS/Aurora resources, or set rdsCrossRegionAndAccountSupported",
      );
    }
    if (crossRegion && mayInclude(DYNAMODB_SERVICE)) {
      throw new Error(
        `${DYNAMODB_CROSS_REGION_RULE}. Plan '${props.planName}' may select DynamoDB tables and rule '${crossRegion.rule}' copies to ` +
          `${crossRegion.region} (${crossRegion.arn}): select resource types without DynamoDB, or copy within ${props.region}`,
      );
    }
  }
}
