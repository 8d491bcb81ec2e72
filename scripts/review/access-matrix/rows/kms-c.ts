import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { drDlmRoleName, kmsCAliasName } from "../../../../modules/config/naming";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { COPY_TO_KEY } from "../calls";
import { identityPolicies, keyPolicy, standIn } from "../policies";
import { helpers, sorted } from "../row-helpers";
import { Flow, RowSpec } from "../types";

/** The DR DLM role re-encrypts under KMS-C in every copy region (both EBS flows end there). */
export function kmsCCopyRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, what: string): RowSpec[] {
  const h = helpers(config, app);
  const kmsC = kmsCAliasName(config);
  const dlm = h.role(h.dr.id, drDlmRoleName(config));
  const identity = identityPolicies(h.drStack, drDlmRoleName(config));
  return sorted(h.dr.copyRegions).flatMap((region) =>
    COPY_TO_KEY.map((action) => ({
      flow,
      category: "call" as const,
      description: `the DR DLM role copies ${what} under KMS-C ${region}`,
      principal: dlm,
      action,
      resource: h.drStack.keyArn(kmsC, region),
      resourceLabel: `KMS-C ${region} (${h.dr.id})`,
      resourceAccount: h.dr.id,
      context: { ...h.kmsContext(dlm, action, h.ec2(region)), "kms:ResourceAliases": [kmsC] },
      identity,
      resourcePolicy: keyPolicy(h.drStack, kmsC, region, "KMS-C"),
      notEvaluated: h.drStack.managedPolicyArns(drDlmRoleName(config)),
      expected: "Allowed" as const,
    })),
  );
}

/** Nobody outside the DR account uses KMS-C: a source administrator (IAM allows everything), every copy region. */
export function kmsCMisuseRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, sourceAccountId: string): RowSpec[] {
  const h = helpers(config, app);
  const kmsC = kmsCAliasName(config);
  const admin = h.admin(sourceAccountId);
  const dlm = h.role(h.dr.id, drDlmRoleName(config));
  // Issue 12: the DLM role uses KMS-C only through EC2 (whoever can pass the role cannot decrypt with it).
  const direct = sorted(h.dr.copyRegions).map((region) => ({
    flow,
    category: "misuse" as const,
    misuse: "without-service" as const,
    description: `the DR DLM role decrypts with KMS-C ${region} directly, not through EC2`,
    principal: dlm,
    action: "kms:Decrypt",
    resource: h.drStack.keyArn(kmsC, region),
    resourceLabel: `KMS-C ${region} (${h.dr.id})`,
    resourceAccount: h.dr.id,
    context: { ...h.kmsContext(dlm, "kms:Decrypt", undefined), "kms:ResourceAliases": [kmsC] },
    identity: identityPolicies(h.drStack, drDlmRoleName(config)),
    resourcePolicy: keyPolicy(h.drStack, kmsC, region, "KMS-C"),
    notEvaluated: h.drStack.managedPolicyArns(drDlmRoleName(config)),
    expected: "Denied" as const,
  }));
  // The DR keys are named by alias (kms:ResourceAliases): another key of the DR account stays out of reach.
  const otherKey = sorted(h.dr.copyRegions).map((region) => ({
    flow,
    category: "misuse" as const,
    misuse: "other-key" as const,
    description: `the DR DLM role decrypts through EC2 in ${region} with another key of the DR account (alias/other, default key policy: IAM decides)`,
    principal: dlm,
    action: "kms:Decrypt",
    resource: h.fakeKeyArn(region, h.dr.id),
    resourceLabel: `another key ${region} (${h.dr.id})`,
    resourceAccount: h.dr.id,
    context: { ...h.kmsContext(dlm, "kms:Decrypt", h.ec2(region)), "kms:ResourceAliases": ["alias/other"] },
    identity: identityPolicies(h.drStack, drDlmRoleName(config)),
    resourcePolicy: {
      source: { kind: "resource" as const, label: "stand-in: the default key policy (the DR account's IAM decides)" },
      document: {
        Version: "2012-10-17",
        Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:${h.partition}:iam::${h.dr.id}:root` }, Action: "kms:*", Resource: "*" }],
      },
    },
    notEvaluated: h.drStack.managedPolicyArns(drDlmRoleName(config)),
    expected: "Denied" as const,
  }));
  return [...direct, ...otherKey, ...sorted(h.dr.copyRegions).map((region) => ({
    flow,
    category: "misuse" as const,
    misuse: "outside-dr-account" as const,
    description: `an administrator of source account ${sourceAccountId} (its IAM allows everything) decrypts with KMS-C ${region} through EC2`,
    principal: admin,
    action: "kms:Decrypt",
    resource: h.drStack.keyArn(kmsC, region),
    resourceLabel: `KMS-C ${region} (${h.dr.id})`,
    resourceAccount: h.dr.id,
    context: h.kmsContext(admin, "kms:Decrypt", h.ec2(region)),
    identity: [standIn("a source account administrator whose IAM allows everything")],
    resourcePolicy: keyPolicy(h.drStack, kmsC, region, "KMS-C"),
    expected: "Denied" as const,
  }))];
}
