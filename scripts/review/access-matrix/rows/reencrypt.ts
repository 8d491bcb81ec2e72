import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { drDlmRoleName, ebsModeOf, kmsBAliasName, snapshotCopierRoleName, transitCopyContract } from "../../../../modules/config/naming";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { COPY_FROM_KEY, EC2_COPY_UNDER_KEY, SAMPLE_SNAPSHOT_ID } from "../calls";
import { identityPolicies, keyPolicy, openKeyPolicy, standIn } from "../policies";
import { byId, helpers, keyAdministrationMisuses, otherRegion, sorted, unusedRegion } from "../row-helpers";
import { kmsCCopyRows, kmsCMisuseRows } from "./kms-c";
import { Flow, RowSpec } from "../types";

export function reencryptRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "reencrypt";
  const kmsB = kmsBAliasName(config);
  const contract = transitCopyContract(config);
  const accounts = config.sourceAccounts.filter((a) => ebsModeOf(config, a) === "reencrypt").sort(byId);
  const lockDown = config.drAccount.kmsB.lockDown;
  const rows: RowSpec[] = [];
  const keyB = (region: string) => keyPolicy(drStack, kmsB, region, "KMS-B");
  const keyBLabel = (region: string) => `KMS-B ${region} (${dr.id})`;
  const snapshotArn = (region: string) => `arn:${partition}:ec2:${region}::snapshot/${SAMPLE_SNAPSHOT_ID}`;
  const copierOf = (account: string) => h.role(account, snapshotCopierRoleName(config));
  const copierIdentity = (account: string) => identityPolicies(app.source(account), snapshotCopierRoleName(config));

  // Calls: every source account × region.
  for (const account of accounts) {
    const copier = copierOf(account.id);
    const identity = copierIdentity(account.id);
    for (const region of sorted(account.regions)) {
      for (const action of EC2_COPY_UNDER_KEY) {
        rows.push({
          flow,
          category: "call",
          description: lockDown
            ? `KMS-B locked down (drAccount.kmsB.lockDown): the copier of ${account.id} can no longer copy under KMS-B ${region}`
            : `the copier of ${account.id} copies a snapshot under KMS-B through EC2 in ${region}`,
          principal: copier,
          action,
          resource: drStack.keyArn(kmsB, region),
          resourceLabel: keyBLabel(region),
          resourceAccount: dr.id,
          context: h.kmsContext(copier, action, h.ec2(region)),
          identity,
          resourcePolicy: keyB(region),
          expected: lockDown ? "Denied" : "Allowed",
        });
      }
      rows.push({
        flow,
        category: "call",
        description: `the copier of ${account.id} copies a DR-selected snapshot in ${region}`,
        principal: copier,
        action: "ec2:CopySnapshot",
        resource: snapshotArn(region),
        resourceLabel: `snapshot ${region} (${account.id})`,
        resourceAccount: account.id,
        context: h.principalContext(copier, account.organizationId),
        identity,
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `the copier of ${account.id} shares a transit copy with the DR account in ${region}`,
        principal: copier,
        action: "ec2:ModifySnapshotAttribute",
        resource: snapshotArn(region),
        resourceLabel: `transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: {
          ...h.principalContext(copier, account.organizationId),
          [`aws:ResourceTag/${contract.transitTagKey}`]: contract.transitTagValue,
          "ec2:Add/userId": dr.id,
          "ec2:Attribute": "createVolumePermission",
        },
        identity,
        expected: "Allowed",
      });
    }
  }

  // Calls of the DR account: its DLM role copies from KMS-B and to KMS-C.
  const dlm = h.role(dr.id, drDlmRoleName(config));
  const dlmIdentity = identityPolicies(drStack, drDlmRoleName(config));
  const dlmManaged = drStack.managedPolicyArns(drDlmRoleName(config));
  const bRegions = sorted(new Set(accounts.flatMap((a) => a.regions)));
  for (const region of bRegions) {
    for (const action of COPY_FROM_KEY.filter((a) => a === "kms:Decrypt" || a === "kms:CreateGrant")) {
      rows.push({
        flow,
        category: "call",
        description: `the DR DLM role copies a shared transit copy from KMS-B ${region}`,
        principal: dlm,
        action,
        resource: drStack.keyArn(kmsB, region),
        resourceLabel: keyBLabel(region),
        resourceAccount: dr.id,
        context: { ...h.kmsContext(dlm, action, h.ec2(region)), "kms:ResourceAliases": [kmsB] },
        identity: dlmIdentity,
        resourcePolicy: keyB(region),
        notEvaluated: dlmManaged,
        expected: "Allowed",
      });
    }
  }
  rows.push(...kmsCCopyRows(config, app, flow, "a transit copy"));

  // Misuses, per KMS-B region.
  for (const region of bRegions) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const copier = copierOf(representative.id);
    const identity = copierIdentity(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: drStack.keyArn(kmsB, region),
      resourceLabel: keyBLabel(region),
      resourceAccount: dr.id,
      resourcePolicy: keyB(region),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, snapshotCopierRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal of another organization (its IAM allows everything) decrypts with KMS-B ${region} through EC2`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.ec2(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    const wrong = otherRegion(config, region, bRegions);
    rows.push({
      ...base,
      misuse: "wrong-region",
      description: `the copier of ${representative.id} uses KMS-B ${region} through EC2 of ${wrong}`,
      principal: copier,
      action: "kms:ReEncryptTo",
      context: h.kmsContext(copier, "kms:ReEncryptTo", h.ec2(wrong)),
      identity,
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the copier of ${representative.id} decrypts with KMS-B ${region} directly, not through EC2`,
      principal: copier,
      action: "kms:Decrypt",
      context: h.kmsContext(copier, "kms:Decrypt", undefined),
      identity,
    });
    rows.push({
      ...base,
      misuse: "other-service",
      description: `the copier of ${representative.id} decrypts with KMS-B ${region} through RDS instead of EC2`,
      principal: copier,
      action: "kms:Decrypt",
      context: h.kmsContext(copier, "kms:Decrypt", h.rds(region)),
      identity,
    });
    rows.push({
      ...base,
      misuse: "grant-not-for-aws-resource",
      description: `the copier of ${representative.id} creates a grant on KMS-B ${region} that is not for an AWS resource`,
      principal: copier,
      action: "kms:CreateGrant",
      context: h.kmsContext(copier, "kms:CreateGrant", h.ec2(region), "false"),
      identity,
    });
    // Another role of the source organization (a workload) through EC2: only the copier role is trusted.
    const workload = h.role(representative.id, "workload");
    for (const action of ["kms:Decrypt", "kms:CreateGrant"]) {
      rows.push({
        ...base,
        misuse: "other-principal",
        description: `a workload role of ${representative.id} (its IAM allows everything) ${action === "kms:CreateGrant" ? "makes EC2 create a grant on" : "decrypts with"} KMS-B ${region} through EC2`,
        principal: workload,
        action,
        context: h.kmsContext(workload, action, h.ec2(region)),
        identity: [standIn("a workload role whose IAM allows everything")],
      });
    }
    const sourceAdmin = { principal: h.admin(representative.id), of: `source account ${representative.id}`, identityLabel: "a source account administrator whose IAM allows everything" };
    rows.push(...keyAdministrationMisuses(h, base, sourceAdmin, `KMS-B ${region}, even through EC2`, h.ec2(region)));
  }

  // Misuses of the copier's own permissions, for the first account.
  const first = accounts[0];
  const firstRegion = sorted(first.regions)[0];
  const copier = copierOf(first.id);
  const identity = copierIdentity(first.id);
  const shareContext = {
    ...h.principalContext(copier, first.organizationId),
    [`aws:ResourceTag/${contract.transitTagKey}`]: contract.transitTagValue,
    "ec2:Attribute": "createVolumePermission",
  };
  const ec2Base = {
    flow,
    category: "misuse" as const,
    principal: copier,
    resource: snapshotArn(firstRegion),
    resourceAccount: first.id,
    identity,
    expected: "Denied" as const,
  };
  rows.push({
    ...ec2Base,
    misuse: "unlisted-account",
    description: `the copier of ${first.id} shares a transit copy with an account outside the configuration`,
    action: "ec2:ModifySnapshotAttribute",
    resourceLabel: `transit copy ${firstRegion} (${first.id})`,
    context: { ...shareContext, "ec2:Add/userId": h.outsider.account },
  });
  rows.push({
    ...ec2Base,
    misuse: "unlisted-account",
    description: `the copier of ${first.id} makes a transit copy public`,
    action: "ec2:ModifySnapshotAttribute",
    resourceLabel: `transit copy ${firstRegion} (${first.id})`,
    context: { ...shareContext, "ec2:Add/group": "all" },
  });
  rows.push({
    ...ec2Base,
    misuse: "delete-copies",
    description: `the copier of ${first.id} deletes a snapshot that is not a transit copy`,
    action: "ec2:DeleteSnapshot",
    resourceLabel: `snapshot ${firstRegion} (${first.id})`,
    context: { ...h.principalContext(copier, first.organizationId), [`aws:ResourceTag/${contract.selectionTagKey}`]: contract.selectionTagValue },
  });
  // The copier's key statements name every region (arn:...:kms:*:<account>:key/*), never another account.
  rows.push({
    ...ec2Base,
    misuse: "outside-organization",
    description: `the copier of ${first.id} uses a key of ${h.outsider.account} through EC2 in ${firstRegion} (that key's policy lets anyone in)`,
    action: "kms:ReEncryptTo",
    resource: h.fakeKeyArn(firstRegion, h.outsider.account),
    resourceLabel: `a key in ${firstRegion} (${h.outsider.account})`,
    resourceAccount: h.outsider.account,
    context: h.kmsContext(copier, "kms:ReEncryptTo", h.ec2(firstRegion)),
    resourcePolicy: openKeyPolicy("a key policy that lets anyone do anything"),
  });
  const unused = unusedRegion(config, [...first.regions, ...bRegions]);
  rows.push({
    ...ec2Base,
    misuse: "wrong-region",
    description: `the copier of ${first.id} copies a snapshot in ${unused}, a region it does not protect`,
    action: "ec2:CopySnapshot",
    resource: snapshotArn(unused),
    resourceLabel: `snapshot ${unused} (${first.id})`,
    context: h.principalContext(copier, first.organizationId),
  });
  rows.push(...kmsCMisuseRows(config, app, flow, first.id));
  return rows;
}
