import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import type { SourceBackupPlanProps, SourceBackupRule } from "../../modules/backup/source-backup-plan";

/**
 * Fixtures of the SourceBackupPlan tests: the source and DR accounts, their vault ARNs, copy destinations, a daily
 * rule, and the plan's props on a new stack for every test.
 */

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SOURCE_ACCOUNT = "111111111111";
export const DR_ACCOUNT = "222222222222";
export const SOURCE_KEY = `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/0f0f0f0f-1111-4222-a333-444455556666`;
export const DR_VAULT_EAST = `arn:aws:backup:us-east-1:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
export const DR_VAULT_WEST = `arn:aws:backup:us-west-2:${DR_ACCOUNT}:backup-vault:snapshot-dr`;
export const OWN_VAULT_WEST = `arn:aws:backup:us-west-2:${SOURCE_ACCOUNT}:backup-vault:snapshot-dr-source`;

export const toDr = (region = "us-east-1", lifecycle?: { deleteAfterDays: number; coldStorageAfterDays?: number }) => ({
  accountId: DR_ACCOUNT,
  region,
  vaultName: "snapshot-dr",
  ...(lifecycle ? { lifecycle } : {}),
});
export const toOwnRegion = (region = "us-west-2") => ({ accountId: SOURCE_ACCOUNT, region, vaultName: "snapshot-dr-source" });

export const daily = (overrides: Partial<SourceBackupRule> = {}): SourceBackupRule => ({
  ruleName: "daily",
  schedule: "cron(0 5 ? * * *)",
  lifecycle: { deleteAfterDays: 35 },
  copyActions: [toDr()],
  ...overrides,
});

/**
 * The stack and provider of the running test. Exported as live bindings: `freshSourceStackEachTest` replaces them
 * before each test, and every importer sees the new ones.
 */
export let stack: TerraformStack;
export let provider: AwsProvider;

/** Gives every test of the calling describe block a new source stack with a us-east-1 provider. */
export function freshSourceStackEachTest(): void {
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "source");
    provider = new AwsProvider(stack, "aws", { region: "us-east-1", alias: "us-east-1" });
  });
}

/** A plan of the source account in us-east-1 selecting tagged EBS volumes, copied daily to the DR vault. */
export const props = (overrides: Partial<SourceBackupPlanProps> = {}): SourceBackupPlanProps => ({
  provider,
  partition: "aws",
  accountId: SOURCE_ACCOUNT,
  region: "us-east-1",
  planName: "snapshot-dr",
  vaultName: "snapshot-dr-source",
  kmsKeyArn: SOURCE_KEY,
  rules: [daily()],
  selection: { by: "resources", resourceTypes: ["EBS"], requiredTags: { "snapshot-dr": "protect" } },
  role: { kind: "create", roleName: "snapshot-dr-backup" },
  ...overrides,
});
export const synth = (): Json => JSON.parse(Testing.synth(stack));
export const only = (json: Json, type: string): Json => {
  const resources = Object.values(json.resource[type] ?? {}) as Json[];
  expect(resources).toHaveLength(1);
  return resources[0];
};
