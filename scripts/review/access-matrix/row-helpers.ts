import { type SnapshotDrConfig } from "../../../modules/config/load-config";
import { roleArn, viaService } from "../../../modules/config/naming";
import { REGIONS_BY_PARTITION, type Partition } from "../../../modules/config/regions";
import { type SynthesizedApp } from "../synthesized-stacks";
import { SAMPLE_KEY_ID } from "./calls";
import { openKeyPolicy, standIn } from "./policies";
import { RowSpec } from "./types";

// The matrix

export type SourceAccount = SnapshotDrConfig["sourceAccounts"][number];

export const byId = (a: SourceAccount, b: SourceAccount) => a.id.localeCompare(b.id);
export const sorted = (values: Iterable<string>) => [...values].sort((a, b) => a.localeCompare(b));

/** An account ID (and organization ID) that the configuration does not use. */
export function outsiders(config: SnapshotDrConfig): { account: string; organizationId: string } {
  const used = new Set([config.drAccount.id, ...config.sourceAccounts.map((a) => a.id), ...config.organizations.map((o) => o.managementAccountId)]);
  const account = ["777777777777", "777777777778", "777777777779", "666666666666"].find((id) => !used.has(id))!;
  const organizations = new Set(config.organizations.map((o) => o.id));
  const organizationId = ["o-zzzzzzzzzz", "o-yyyyyyyyyy", "o-xxxxxxxxxx"].find((id) => !organizations.has(id))!;
  return { account, organizationId };
}

/** A region of the partition other than `region`, preferring the configuration's own regions. */
export function otherRegion(config: SnapshotDrConfig, region: string, preferred: readonly string[]): string {
  const candidates = [...preferred, ...REGIONS_BY_PARTITION[config.partition as Partition]];
  const found = candidates.find((candidate) => candidate !== region);
  if (!found) throw new Error(`No region other than ${region} in partition ${config.partition}`);
  return found;
}

/** A region of the partition that none of `used` is. */
export function unusedRegion(config: SnapshotDrConfig, used: readonly string[]): string {
  const found = REGIONS_BY_PARTITION[config.partition as Partition].find((candidate) => !used.includes(candidate));
  if (!found) throw new Error(`Every region of partition ${config.partition} is used`);
  return found;
}

/**
 * What AWS puts in every request's context and the simulator does not: the region the request goes to (the
 * resource's region: for a key used by a service, the key's), the resource's account and its organization
 * (an account outside the configuration is in the outsider organization). A row's own context wins.
 */
export function withRequestFacts(config: SnapshotDrConfig, spec: RowSpec): RowSpec {
  const region = spec.resource.startsWith("arn:") ? spec.resource.split(":")[3] : "";
  const organizationId =
    spec.resourceAccount === config.drAccount.id
      ? config.drAccount.organizationId
      : (config.sourceAccounts.find((account) => account.id === spec.resourceAccount)?.organizationId ?? outsiders(config).organizationId);
  const facts: Record<string, string> = {
    ...(region ? { "aws:RequestedRegion": region } : {}),
    ...(/^\d{12}$/.test(spec.resourceAccount) ? { "aws:ResourceAccount": spec.resourceAccount, "aws:ResourceOrgID": organizationId } : {}),
  };
  return { ...spec, context: { ...facts, ...spec.context } };
}

/**
 * A role whose policy names keys of every account (`arn:...:kms:*:*:key/*`) and narrows them by organization
 * decrypts, through its service, with a key of an account outside the source organizations whose key policy
 * lets anyone in: its own policy must refuse.
 */
export function outsideOrganizationKeyMisuse(
  h: ReturnType<typeof helpers>,
  row: { flow: RowSpec["flow"]; role: string; principal: string; identity: RowSpec["identity"]; notEvaluated?: readonly string[]; region: string; service: "EC2" | "RDS" },
): RowSpec {
  const via = row.service === "EC2" ? h.ec2(row.region) : h.rds(row.region);
  return {
    flow: row.flow,
    category: "misuse",
    misuse: "outside-organization",
    description: `${row.role} decrypts through ${row.service} in ${row.region} with a key of ${h.outsider.account}, outside the source organizations (that key's policy lets anyone in)`,
    principal: row.principal,
    action: "kms:Decrypt",
    resource: h.fakeKeyArn(row.region, h.outsider.account),
    resourceLabel: `a key in ${row.region} (${h.outsider.account})`,
    resourceAccount: h.outsider.account,
    context: h.kmsContext(row.principal, "kms:Decrypt", via),
    identity: row.identity,
    resourcePolicy: openKeyPolicy("a key policy that lets anyone do anything"),
    ...(row.notEvaluated ? { notEvaluated: row.notEvaluated } : {}),
    expected: "Denied",
  };
}

/** Shared helpers of the flow builders. */
/** What the rows about one key have in common: the key, its policy, the flow. */
export type KeyRowBase = Omit<RowSpec, "misuse" | "description" | "principal" | "action" | "context" | "identity">;

/** An administrator whose own IAM allows everything: only the key policy can refuse what follows. */
export interface KeyAdministrator {
  readonly principal: string;
  /** "source account 111111111111", "the DR account". */
  readonly of: string;
  readonly identityLabel: string;
}

export const drAdministrator = (h: ReturnType<typeof helpers>, drAccountId: string): KeyAdministrator => ({
  principal: h.admin(drAccountId),
  of: "the DR account",
  identityLabel: "a DR account administrator whose IAM allows everything",
});

/** Key deletion and key-policy changes by such an administrator: both must be denied by the key policy. */
export function keyAdministrationMisuses(
  h: ReturnType<typeof helpers>,
  base: KeyRowBase,
  admin: KeyAdministrator,
  keyDescription: string,
  viaService: string | undefined,
): RowSpec[] {
  return (
    [
      ["key-deletion", "kms:ScheduleKeyDeletion"],
      ["policy-change", "kms:PutKeyPolicy"],
    ] as const
  ).map(([misuse, action]) => ({
    ...base,
    misuse,
    description: `an administrator of ${admin.of} (its IAM allows everything) calls ${action} on ${keyDescription}`,
    principal: admin.principal,
    action,
    context: h.kmsContext(admin.principal, action, viaService),
    identity: [standIn(admin.identityLabel)],
  }));
}

export function helpers(config: SnapshotDrConfig, app: SynthesizedApp) {
  const dr = config.drAccount;
  const partition = config.partition;
  const outsider = outsiders(config);
  const organizationOf = (account: string) =>
    account === dr.id ? dr.organizationId : (config.sourceAccounts.find((a) => a.id === account)?.organizationId ?? outsider.organizationId);
  const principalContext = (principal: string, organizationId?: string): Record<string, string> => ({
    "aws:PrincipalArn": principal,
    "aws:PrincipalAccount": principal.split(":")[4],
    ...(organizationId ? { "aws:PrincipalOrgID": organizationId } : {}),
  });
  /** What KMS sees: the principal, its organization, kms:CallerAccount, kms:ViaService when a service calls, grant flag for CreateGrant. */
  const kmsContext = (principal: string, action: string, via: string | undefined, grantForAwsResource: "true" | "false" | undefined = "true") => ({
    ...principalContext(principal, organizationOf(principal.split(":")[4])),
    "kms:CallerAccount": principal.split(":")[4],
    ...(via ? { "kms:ViaService": via } : {}),
    ...(action === "kms:CreateGrant" && grantForAwsResource !== undefined ? { "kms:GrantIsForAWSResource": grantForAwsResource } : {}),
  });
  return {
    dr,
    partition,
    outsider,
    drStack: app.dr(dr.id),
    organizationOf,
    principalContext,
    kmsContext,
    role: (account: string, name: string) => roleArn(config, account, name),
    admin: (account: string) => roleArn(config, account, "Admin"),
    fakeKeyArn: (region: string, account: string) => `arn:${partition}:kms:${region}:${account}:key/${SAMPLE_KEY_ID}`,
    ec2: (region: string) => viaService(config, "ec2", region),
    rds: (region: string) => viaService(config, "rds", region),
  };
}
