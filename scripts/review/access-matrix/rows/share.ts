import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { drDlmRoleName, ebsModeOf, kmsAAliasName, sourceDlmRoleName } from "../../../../modules/config/naming";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { COPY_FROM_KEY, SNAPSHOT_UNDER_KEY } from "../calls";
import { identityPolicies, keyPolicy, openKeyPolicy, standIn } from "../policies";
import { SourceAccount, byId, drAdministrator, helpers, keyAdministrationMisuses, outsideOrganizationKeyMisuse, sorted, unusedRegion } from "../row-helpers";
import { kmsCCopyRows, kmsCMisuseRows } from "./kms-c";
import { Flow, RowSpec } from "../types";

export function shareRows(config: SnapshotDrConfig, app: SynthesizedApp): RowSpec[] {
  const h = helpers(config, app);
  const { dr, drStack } = h;
  const flow: Flow = "share";
  const kmsA = kmsAAliasName(config);
  const accounts = config.sourceAccounts.filter((a) => ebsModeOf(config, a) === "share").sort(byId);
  const dlm = h.role(dr.id, drDlmRoleName(config));
  const dlmIdentity = identityPolicies(drStack, drDlmRoleName(config));
  const dlmManaged = drStack.managedPolicyArns(drDlmRoleName(config));
  const rows: RowSpec[] = [];
  const created = (account: SourceAccount) => sorted(account.regions).filter((region) => !account.ebs.kmsKeyArns?.[region]);
  const keyALabel = (account: string, region: string) => `KMS-A ${region} (${account})`;

  for (const account of accounts) {
    const stack = app.source(account.id);
    const sourceDlm = h.role(account.id, sourceDlmRoleName(config));
    for (const region of created(account)) {
      const keyA = keyPolicy(stack, kmsA, region, "KMS-A");
      for (const action of COPY_FROM_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DR DLM role copies a snapshot ${account.id} shared in ${region}, encrypted under its KMS-A`,
          principal: dlm,
          action,
          resource: stack.keyArn(kmsA, region),
          resourceLabel: keyALabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(dlm, action, h.ec2(region)),
          identity: dlmIdentity,
          resourcePolicy: keyA,
          notEvaluated: dlmManaged,
          expected: "Allowed",
        });
      }
      for (const action of SNAPSHOT_UNDER_KEY) {
        rows.push({
          flow,
          category: "call",
          description: `the DLM role of ${account.id} snapshots volumes encrypted under KMS-A in ${region}`,
          principal: sourceDlm,
          action,
          resource: stack.keyArn(kmsA, region),
          resourceLabel: keyALabel(account.id, region),
          resourceAccount: account.id,
          context: h.kmsContext(sourceDlm, action, h.ec2(region)),
          identity: identityPolicies(stack, sourceDlmRoleName(config)),
          resourcePolicy: keyA,
          notEvaluated: stack.managedPolicyArns(sourceDlmRoleName(config)),
          expected: "Allowed",
        });
      }
    }
  }
  rows.push(...kmsCCopyRows(config, app, flow, "a shared snapshot"));

  // Misuses, per region that has a KMS-A.
  const regions = sorted(new Set(accounts.flatMap(created)));
  for (const region of regions) {
    const representative = accounts.find((a) => created(a).includes(region))!;
    const stack = app.source(representative.id);
    const base = {
      flow,
      category: "misuse" as const,
      resource: stack.keyArn(kmsA, region),
      resourceLabel: keyALabel(representative.id, region),
      resourceAccount: representative.id,
      resourcePolicy: keyPolicy(stack, kmsA, region, "KMS-A"),
      expected: "Denied" as const,
    };
    const outsiderRole = h.role(h.outsider.account, drDlmRoleName(config));
    rows.push({
      ...base,
      misuse: "outside-organization",
      description: `a principal outside the configuration (its IAM allows everything) decrypts with KMS-A of ${representative.id} in ${region} through EC2`,
      principal: outsiderRole,
      action: "kms:Decrypt",
      context: { ...h.kmsContext(outsiderRole, "kms:Decrypt", h.ec2(region)), "aws:PrincipalOrgID": h.outsider.organizationId },
      identity: [standIn("the outsider's own IAM allows everything")],
    });
    rows.push({
      ...base,
      misuse: "without-service",
      description: `the DR DLM role decrypts with KMS-A of ${representative.id} in ${region} directly, not through EC2`,
      principal: dlm,
      action: "kms:Decrypt",
      context: h.kmsContext(dlm, "kms:Decrypt", undefined),
      identity: dlmIdentity,
      notEvaluated: dlmManaged,
    });
    rows.push({
      ...base,
      misuse: "grant-not-for-aws-resource",
      description: `the DR DLM role creates a grant on KMS-A of ${representative.id} in ${region} that is not for an AWS resource`,
      principal: dlm,
      action: "kms:CreateGrant",
      context: h.kmsContext(dlm, "kms:CreateGrant", h.ec2(region), "false"),
      identity: dlmIdentity,
      notEvaluated: dlmManaged,
    });
    rows.push({
      ...base,
      misuse: "unneeded-action",
      description: `the DR DLM role encrypts with KMS-A of ${representative.id} in ${region} through EC2 (a copy never needs kms:Encrypt)`,
      principal: dlm,
      action: "kms:Encrypt",
      context: h.kmsContext(dlm, "kms:Encrypt", h.ec2(region)),
      identity: dlmIdentity,
      notEvaluated: dlmManaged,
    });
    rows.push(...keyAdministrationMisuses(h, base, drAdministrator(h, dr.id), `KMS-A of ${representative.id} in ${region}`, undefined));
  }

  // The DR DLM role may use a sharing account's keys only in the regions it shares from.
  const first = accounts[0];
  const unused = unusedRegion(config, first.regions);
  rows.push({
    flow,
    category: "misuse",
    misuse: "wrong-region",
    description: `the DR DLM role decrypts with a key of ${first.id} in ${unused}, a region it does not share from (that key's policy lets anyone in)`,
    principal: dlm,
    action: "kms:Decrypt",
    resource: h.fakeKeyArn(unused, first.id),
    resourceLabel: `a key in ${unused} (${first.id})`,
    resourceAccount: first.id,
    context: h.kmsContext(dlm, "kms:Decrypt", h.ec2(unused)),
    identity: dlmIdentity,
    resourcePolicy: openKeyPolicy("a key policy that lets anyone do anything"),
    notEvaluated: dlmManaged,
    expected: "Denied",
  });
  // The role's source-key statements name every account (arn:...:kms:*:*:key/*): only the sharing
  // organizations' keys may be used, even when a key policy elsewhere lets anyone in.
  const sharingRegion = sorted(first.regions)[0];
  rows.push(
    outsideOrganizationKeyMisuse(h, { flow, role: "the DR DLM role", principal: dlm, identity: dlmIdentity, notEvaluated: dlmManaged, region: sharingRegion, service: "EC2" }),
  );
  rows.push(...kmsCMisuseRows(config, app, flow, first.id));
  return rows;
}
