/**
 * Shared setup of the re-encryption proofs (`reencryption-*.test.ts`): the estates they synthesize, the
 * requests AWS makes in the flow, and the policies they compare against.
 *
 * The proofs show, with @cloud-copilot/iam-simulate, that the policies this project synthesizes allow exactly
 * the cross-account calls of the re-encryption flow (design §2a, seeds 000 and 001) and deny misuse.
 *
 * Everything is read back from the synthesized `cdk.tf.json` (what Terraform deploys). A cross-account KMS
 * call (principal in a source account, KMS-B in the DR account) is allowed only when both the principal's
 * identity policy (source stack) and the key policy (DR stack) allow it; the simulator models that, and
 * KMS's rule that a key policy statement for `<account>:root` only delegates to that account's IAM.
 *
 * The simulator sets no request context by itself: each request passes what AWS would set.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadConfig, parseConfig, type SnapshotDrConfig } from "../../../modules/config/load-config";
import { generateConfig } from "../../../scripts/generate-config";
import type { NamedPolicy, PolicyInput } from "../../../scripts/review/policy-simulator";
import { type SynthesizedApp, type SynthesizedStack, synthesizeToTemp } from "../../../scripts/review/synthesized-stacks";

const EXAMPLE_FILE = path.join(__dirname, "..", "..", "..", "config", "example.yaml");
export const example = loadConfig(EXAMPLE_FILE);

export const DR_ACCOUNT = "222222222222";
export const DR_ORG = "o-bbbbbbbbbb";
export const SOURCE_ORG = "o-aaaaaaaaaa";
export const OTHER_ORG = "o-cccccccccc";
export const OUTSIDE_ACCOUNT = "444444444444";
export const KMS_B = "alias/snapshot-dr/kms-b";
export const KMS_C = "alias/snapshot-dr/kms-c";
export const COPIER = "snapshot-dr-snapshot-copier";
export const DR_DLM_ROLE = "snapshot-dr-dlm-cross-account-copy";
export const DR_ADMIN = `arn:aws:iam::${DR_ACCOUNT}:role/Admin`;
export const TRANSIT_TAG = "aws:ResourceTag/snapshot-dr:transit-copy";
const SNAPSHOT_ID = "snap-0123456789abcdef0";

/** What EC2 does with the caller's permissions when it copies a snapshot under a key (CopySnapshot + KmsKeyId). */
export const EBS_COPY_ACTIONS = [
  "kms:DescribeKey",
  "kms:CreateGrant",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptTo",
  "kms:ReEncryptFrom",
  "kms:Decrypt",
] as const;

/** Seed 000 step 4: what the DR DLM role does with the copy keys (grants separately). */
export const DLM_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
] as const;
export const DLM_GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"] as const;

export const ec2Via = (region: string) => `ec2.${region}.amazonaws.com`;
export const copierArn = (accountId: string) => `arn:aws:iam::${accountId}:role/${COPIER}`;
export const snapshotArn = (region: string, id = SNAPSHOT_ID) => `arn:aws:ec2:${region}::snapshot/${id}`;
export const foreignKeyArn = (region: string, accountId: string) => `arn:aws:kms:${region}:${accountId}:key/0f0f0f0f-1111-4222-a333-444455556666`;

/** The context AWS sets on a KMS request of a principal (no kms:ViaService unless a service makes the call). */
export function kmsContext(principalArn: string, orgId: string, extra: Record<string, string> = {}): Record<string, string> {
  const accountId = principalArn.split(":")[4];
  return {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": accountId,
    "aws:PrincipalOrgID": orgId,
    "kms:CallerAccount": accountId,
    ...extra,
  };
}

/** kms:CreateGrant carries kms:GrantIsForAWSResource (true when EBS creates the grant for the copy). */
export function ebsCallContext(principalArn: string, orgId: string, action: string, region: string): Record<string, string> {
  return kmsContext(principalArn, orgId, {
    "kms:ViaService": ec2Via(region),
    ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}),
  });
}

/** The context of an EC2 request of a principal. */
export function ec2Context(principalArn: string, orgId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": principalArn.split(":")[4],
    "aws:PrincipalOrgID": orgId,
    ...extra,
  };
}

export const identityOf = (stack: SynthesizedStack, roleName: string): NamedPolicy[] =>
  stack.roleInlinePolicies(roleName).map(({ name, document }) => ({ name: `${roleName}/${name}`, policy: document }));

/** A key policy as KMS creates by default: the owning account administers, IAM decides. */
export const defaultKeyPolicy = (accountId: string): PolicyInput => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "EnableIamUserPermissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }],
});

/** A key policy that lets anyone do anything: to show the identity policy alone denies. */
export const openKeyPolicy: PolicyInput = {
  Version: "2012-10-17",
  Statement: [{ Sid: "AnyoneAnything", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
};

/** Every (source account, region) pair of a configuration. */
export const accountRegions = (config: SnapshotDrConfig) =>
  config.sourceAccounts.flatMap((account) => account.regions.map((region) => ({ accountId: account.id, orgId: account.organizationId, region })));

/** The example with `drAccount.kmsB.lockDown: true`, validated like any configuration file. */
export function lockedDownExample(): SnapshotDrConfig {
  const raw = parse(fs.readFileSync(EXAMPLE_FILE, "utf8"));
  raw.drAccount.kmsB = { ...raw.drAccount.kmsB, lockDown: true };
  return parseConfig(raw, "example with kmsB.lockDown");
}

/**
 * Two source organizations (accounts spread round robin), in us-east-1 and eu-west-1; plus one account of
 * the first organization alone in ap-southeast-2, so that region's KMS-B admits only that organization.
 */
export function multiOrgConfig(): SnapshotDrConfig {
  const raw = generateConfig({ sourceAccounts: 5, regionsPerAccount: 2, sourceOrganizations: 2 });
  const accounts = raw.sourceAccounts.map((account, index) => (index === 4 ? { ...account, regions: ["ap-southeast-2"] } : account));
  return parseConfig({ ...raw, sourceAccounts: accounts }, "generated: 2 source organizations");
}

/**
 * Synthesizes `config` before the tests of the enclosing block (or file) and removes it after them; `use`
 * receives the synthesized app and its DR stack. Each estate costs a synthesis: a proof file synthesizes
 * only the estates its own tests read.
 */
export function synthesizeBeforeAll(config: SnapshotDrConfig, label: string, use: (app: SynthesizedApp, dr: SynthesizedStack) => void): void {
  let synthesized: SynthesizedApp | undefined;
  beforeAll(() => {
    synthesized = synthesizeToTemp(config, label);
    use(synthesized, synthesized.dr(DR_ACCOUNT));
  });
  afterAll(() => synthesized?.cleanup());
}
