import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../modules/config/load-config";
import {
  kmsBAliasArn,
  snapshotCopierRoleName,
  sourceDlmRoleName,
  sourceStackName,
  transitCopyContract,
  viaService,
} from "../modules/config/naming";
import { ServiceRole } from "../modules/iam/service-role";
import { EbsSnapshotPolicy } from "../modules/source-account/ebs-snapshot-policy";
import { snapshotCopierRolePolicy } from "../modules/source-account/snapshot-copier-role-policy";
import { snapshotCopierNames, SnapshotReencryptAutomation } from "../modules/source-account/snapshot-reencrypt-automation";
import { SnapshotDrStack } from "../modules/stack/snapshot-dr-stack";

type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

/**
 * A source account (docs/design.md §2a step 2): in each of its regions, a DLM policy snapshots the tagged
 * volumes and marks the snapshots for DR, and the snapshot copier re-encrypts each under the DR account's
 * KMS-B (found by alias ARN) and shares the copy with the DR account.
 */
export class SourceAccountStack extends SnapshotDrStack {
  readonly snapshotPolicies = new Map<string, EbsSnapshotPolicy>();
  readonly automations = new Map<string, SnapshotReencryptAutomation>();
  readonly copierRole: ServiceRole;
  readonly dlmRole: ServiceRole;

  constructor(scope: Construct, config: SnapshotDrConfig, account: SourceAccount) {
    super(scope, sourceStackName(account.id), { config, accountId: account.id, regions: account.regions });
    const partition = config.partition;
    const contract = transitCopyContract(config);
    const names = snapshotCopierNames(config.namePrefix);

    this.dlmRole = new ServiceRole(this, "dlm-role", {
      provider: this.homeProvider,
      roleName: sourceDlmRoleName(config),
      servicePrincipal: "dlm.amazonaws.com",
      description: "Runs the EBS snapshot policies whose snapshots are sent to the DR account",
      managedPolicyArns: [`arn:${partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`],
    });

    this.copierRole = new ServiceRole(this, "snapshot-copier-role", {
      provider: this.homeProvider,
      roleName: snapshotCopierRoleName(config),
      servicePrincipal: "lambda.amazonaws.com",
      description: "Copies DR-selected snapshots under the DR account's KMS-B and shares the copies with it",
      inlinePolicies: {
        "snapshot-copier": snapshotCopierRolePolicy({
          partition,
          sourceAccountId: account.id,
          drAccountId: config.drAccount.id,
          regions: this.regions,
          ec2ViaServices: this.regions.map((region) => viaService(config, "ec2", region)),
          transitTagKey: contract.transitTagKey,
          transitTagValue: contract.transitTagValue,
          deadLetterQueueArns: this.regions.map(
            (region) => `arn:${partition}:sqs:${region}:${account.id}:${names.deadLetterQueueName}`,
          ),
          logGroupArns: this.regions.map(
            (region) => `arn:${partition}:logs:${region}:${account.id}:log-group:/aws/lambda/${names.functionName}`,
          ),
        }),
      },
    });

    for (const region of this.regions) {
      const provider = this.providerFor(region);
      this.snapshotPolicies.set(
        region,
        new EbsSnapshotPolicy(this, `snapshot-policy-${region}`, {
          provider,
          description: `${config.namePrefix} snapshots of volumes protected in the DR account`,
          executionRoleArn: this.dlmRole.role.arn,
          targetTags: config.ebs.targetTags,
          schedule: config.ebs.schedule,
          retainCount: config.ebs.retainCount,
          tagsToAdd: { [contract.selectionTagKey]: contract.selectionTagValue },
        }),
      );
      this.automations.set(
        region,
        new SnapshotReencryptAutomation(this, `snapshot-copier-${region}`, {
          provider,
          partition,
          accountId: account.id,
          region,
          names,
          roleArn: this.copierRole.role.arn,
          dependsOn: this.copierRole.inlinePolicyResources,
          environment: {
            DR_ACCOUNT_ID: config.drAccount.id,
            SOURCE_ACCOUNT_ID: account.id,
            KMS_B_ALIAS_ARN: kmsBAliasArn(config, region),
            SELECTION_TAG_KEY: contract.selectionTagKey,
            SELECTION_TAG_VALUE: contract.selectionTagValue,
            TRANSIT_TAG_KEY: contract.transitTagKey,
            TRANSIT_TAG_VALUE: contract.transitTagValue,
            DESCRIPTION_PREFIX: contract.descriptionPrefix,
            TRANSIT_RETENTION_HOURS: String(config.ebs.transitCopyRetentionHours),
          },
        }),
      );
    }
  }
}
