import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { kmsCAliasName, rdsCopierRoleName, rdsCopyContract, rdsDrKeyAliasName, rdsImporterRoleName, rdsSourceKeyAliasName } from "../../../../modules/config/naming";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { COPY_FROM_KEY, COPY_TO_KEY } from "../calls";
import { identityPolicies, keyPolicy, sharedSnapshotStandIn, standIn } from "../policies";
import { byId, drAdministrator, helpers, keyAdministrationMisuses, otherRegion, outsideOrganizationKeyMisuse, sorted } from "../row-helpers";
import { Flow, RowSpec } from "../types";

export function rdsRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const flow: Flow = "rds";
  const accounts = [...config.sourceAccounts].sort(byId);
  const sourceKey = rdsSourceKeyAliasName(config);
  const drKey = rdsDrKeyAliasName(config);
  const contract = rdsCopyContract(config);
  const importer = h.role(dr.id, rdsImporterRoleName(config));
  const importerIdentity = identityPolicies(drStack, rdsImporterRoleName(config));
  const snapshotArn = (region: string, account: string, name: string) => `arn:${partition}:rds:${region}:${account}:snapshot:${name}`;
  const transitName = `${contract.transitPrefix}db-1-example`;
  const rows: RowSpec[] = [];
  const sourceKeyLabel = (account: string, region: string) => `RDS source key ${region} (${account})`;

  for (const account of accounts) {
    const stack = app.source(account.id);
    const copier = h.role(account.id, rdsCopierRoleName(config));
    const copierIdentity = identityPolicies(stack, rdsCopierRoleName(config));
    for (const region of sorted(account.regions)) {
      const keyRef = keyPolicy(stack, sourceKey, region, "RDS source");
      for (const action of COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DR importer copies a snapshot ${account.id} shared in ${region} through RDS`,
          principal: importer,
          action,
          resource: stack.keyArn(sourceKey, region),
          resourceLabel: sourceKeyLabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(importer, action, h.rds(region)),
          identity: importerIdentity,
          resourcePolicy: keyRef,
          expected: "Allowed",
        });
      }
      for (const action of COPY_TO_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the RDS copier of ${account.id} copies a snapshot under its RDS key through RDS in ${region}`,
          principal: copier,
          action,
          resource: stack.keyArn(sourceKey, region),
          resourceLabel: sourceKeyLabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(copier, action, h.rds(region)),
          identity: copierIdentity,
          resourcePolicy: keyRef,
          expected: "Allowed",
        });
      }
      rows.push({
        flow,
        category: "call",
        description: `the RDS copier of ${account.id} shares its transit copy in ${region}`,
        principal: copier,
        action: "rds:ModifyDBSnapshotAttribute",
        resource: snapshotArn(region, account.id, transitName),
        resourceLabel: `RDS transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: { ...h.principalContext(copier, account.organizationId), [`aws:ResourceTag/${contract.transitTagKey}`]: contract.markerValue },
        identity: copierIdentity,
        expected: "Allowed",
      });
      rows.push({
        flow,
        category: "call",
        description: `the DR importer copies the transit copy ${account.id} shared in ${region}`,
        principal: importer,
        action: "rds:CopyDBSnapshot",
        resource: snapshotArn(region, account.id, transitName),
        resourceLabel: `RDS transit copy ${region} (${account.id})`,
        resourceAccount: account.id,
        context: h.principalContext(importer, dr.organizationId),
        identity: importerIdentity,
        resourcePolicy: sharedSnapshotStandIn(partition, dr.id),
        expected: "Allowed",
      });
    }
  }

  // The DR account's own keys: its RDS key in each import region, KMS-C in the secondary region.
  const importRegions = sorted(new Set(accounts.flatMap((a) => a.regions)));
  const ownKeys: { alias: string; region: string; label: string }[] = importRegions.map((region) => ({ alias: drKey, region, label: "DR RDS" }));
  if (config.rds.copyToSecondaryRegion) {
    const secondaries = sorted(new Set(importRegions.flatMap((region) => dr.copyRegions.filter((c) => c !== region).slice(0, 1))));
    ownKeys.push(...secondaries.map((region) => ({ alias: kmsCAliasName(config), region, label: "KMS-C" })));
  }
  for (const key of ownKeys) {
    for (const action of COPY_TO_KEY) {
      rows.push({
        flow,
        category: "call",
        description: `the DR importer copies a snapshot under the ${key.label} key in ${key.region} through RDS`,
        principal: importer,
        action,
        resource: drStack.keyArn(key.alias, key.region),
        resourceLabel: `${key.label} key ${key.region} (${dr.id})`,
        resourceAccount: dr.id,
        context: h.kmsContext(importer, action, h.rds(key.region)),
        identity: importerIdentity,
        resourcePolicy: keyPolicy(drStack, key.alias, key.region, key.label),
        expected: "Allowed",
      });
    }
  }

  // Misuses, per region.
  for (const region of importRegions) {
    const representative = accounts.find((a) => a.regions.includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: stack.keyArn(sourceKey, region),
      resourceLabel: sourceKeyLabel(representative.id, region),
      resourceAccount: representative.id,
      resourcePolicy: keyPolicy(stack, sourceKey, region, "RDS source"),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, rdsImporterRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal of another organization (its IAM allows everything) decrypts with the RDS key of ${representative.id} in ${region} through RDS`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.rds(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    const wrong = otherRegion(config, region, importRegions);
    rows.push({
      ...base,
      misuse: "wrong-region",
      description: `the DR importer uses the RDS key of ${representative.id} in ${region} through RDS of ${wrong}`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", h.rds(wrong)),
      identity: importerIdentity,
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the DR importer decrypts with the RDS key of ${representative.id} in ${region} directly, not through RDS`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", undefined),
      identity: importerIdentity,
    });
    rows.push({
      ...base,
      misuse: "other-service",
      description: `the DR importer decrypts with the RDS key of ${representative.id} in ${region} through EC2 instead of RDS`,
      principal: importer,
      action: "kms:Decrypt",
      context: h.kmsContext(importer, "kms:Decrypt", h.ec2(region)),
      identity: importerIdentity,
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `the RDS key of ${representative.id} in ${region}`, h.rds(region)));
  }

  const first = accounts[0];
  const firstRegion = sorted(first.regions)[0];
  rows.push({
    flow,
    category: "misuse",
    misuse: "unlisted-account",
    description: `the DR importer copies a snapshot shared by an account outside the configuration (${h.outsider.account})`,
    principal: importer,
    action: "rds:CopyDBSnapshot",
    resource: snapshotArn(firstRegion, h.outsider.account, transitName),
    resourceLabel: `RDS snapshot ${firstRegion} (${h.outsider.account})`,
    resourceAccount: h.outsider.account,
    context: h.principalContext(importer, dr.organizationId),
    identity: importerIdentity,
    resourcePolicy: sharedSnapshotStandIn(partition, dr.id),
    expected: "Denied",
  });
  // The importer's source-key statements name every account (arn:...:kms:*:*:key/*): only keys of the source
  // organizations may be used, even when a key policy elsewhere lets anyone in.
  rows.push(outsideOrganizationKeyMisuse(h, { flow, role: "the DR importer", principal: importer, identity: importerIdentity, region: firstRegion, service: "RDS" }));
  const copier = h.role(first.id, rdsCopierRoleName(config));
  rows.push({
    flow,
    category: "misuse",
    misuse: "unlisted-account",
    description: `the RDS copier of ${first.id} changes the sharing of a snapshot that is not its transit copy`,
    principal: copier,
    action: "rds:ModifyDBSnapshotAttribute",
    resource: snapshotArn(firstRegion, first.id, "prod-db-1-manual"),
    resourceLabel: `RDS snapshot ${firstRegion} (${first.id})`,
    resourceAccount: first.id,
    context: h.principalContext(copier, first.organizationId),
    identity: identityPolicies(app.source(first.id), rdsCopierRoleName(config)),
    expected: "Denied",
  });
  const sourceAdmin = h.admin(first.id);
  rows.push({
    flow,
    category: "misuse",
    misuse: "outside-dr-account",
    description: `an administrator of source account ${first.id} (its IAM allows everything) decrypts with the DR RDS key in ${importRegions[0]} through RDS`,
    principal: sourceAdmin,
    action: "kms:Decrypt",
    resource: drStack.keyArn(drKey, importRegions[0]),
    resourceLabel: `DR RDS key ${importRegions[0]} (${dr.id})`,
    resourceAccount: dr.id,
    context: h.kmsContext(sourceAdmin, "kms:Decrypt", h.rds(importRegions[0])),
    identity: [standIn("a source account administrator whose IAM allows everything")],
    resourcePolicy: keyPolicy(drStack, drKey, importRegions[0], "DR RDS"),
    expected: "Denied",
  });
  return rows;
}
