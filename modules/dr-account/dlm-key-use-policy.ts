import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";

/** The keys the DR account's DLM execution role copies from and to. */
export interface DlmKeyUsePolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /**
   * The aliases of the DR account's keys it copies from and to (KMS-B and KMS-C, `alias/<prefix>/kms-b`): the
   * keys are named by alias (`kms:ResourceAliases`), one value each whatever the number of regions.
   */
  readonly drKeyAliasNames: readonly string[];
  /**
   * `share` mode: the keys of the sharing source accounts, named by their organizations and the regions they
   * share from (never by account: the policy's size does not grow with the estate). Their key policies gate
   * each key; this policy only lets the role use them through EC2 in those regions.
   * @default - no source keys
   */
  readonly sourceKeys?: {
    readonly organizationIds: readonly string[];
    /** `ec2.<region>.<suffix>` of every region the sharing accounts share from. */
    readonly ec2ViaServices: readonly string[];
  };
  /** `ec2.*.<suffix>`, for the DR account's own keys. */
  readonly ec2AnyRegionViaService: string;
}

/**
 * Seed 000 step 4: the statements the DR account's DLM execution role needs on every key it copies from and to.
 * Grants and cryptographic use go through EC2 only, on the DR account's keys as on the source keys (issue 12:
 * an administrator who can pass the role cannot use KMS-B or KMS-C with it directly); DescribeKey, which DLM
 * may call itself, stays unconditioned.
 *
 * Source keys: `arn:<partition>:kms:*:*:key/*` narrowed by `aws:ResourceOrgID` ("AWS KMS supports all global
 * condition keys") and `kms:ViaService`, so the size is constant in the number of sharing accounts and grows
 * by one `ec2.<region>` value per sharing region. The DR keys are named by alias: constant in regions.
 */
export function dlmKeyUsePolicy(props: DlmKeyUsePolicyProps): PolicyDocument {
  if (props.drKeyAliasNames.length === 0) throw new Error("The DLM key use policy needs at least one key alias");
  // kms:ResourceAliases is a condition of the key resource type (Service Authorization Reference, AWS KMS);
  // a key matches when any of its aliases is listed.
  const drKeys = `arn:${props.partition}:kms:*:${props.drAccountId}:key/*`;
  const aliased = { "kms:ResourceAliases": [...new Set(props.drKeyAliasNames)].sort() };
  const grantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];
  const useActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
  const forAwsResource = { Bool: { "kms:GrantIsForAWSResource": "true" } };
  const anyEc2 = { "kms:ViaService": props.ec2AnyRegionViaService };
  const statements: PolicyStatement[] = [
    {
      Sid: "CreateGrantsForEbsOnCopyKeysThroughEc2",
      Effect: "Allow",
      Action: grantActions,
      Resource: drKeys,
      Condition: { ...forAwsResource, StringLike: anyEc2, "ForAnyValue:StringEquals": aliased },
    },
    { Sid: "UseCopyKeysThroughEc2", Effect: "Allow", Action: useActions, Resource: drKeys, Condition: { StringLike: anyEc2, "ForAnyValue:StringEquals": aliased } },
    { Sid: "DescribeCopyKeys", Effect: "Allow", Action: "kms:DescribeKey", Resource: drKeys, Condition: { "ForAnyValue:StringEquals": aliased } },
  ];
  const source = props.sourceKeys;
  if (source && source.organizationIds.length > 0 && source.ec2ViaServices.length > 0) {
    const anyKey = `arn:${props.partition}:kms:*:*:key/*`;
    const ofSharingOrganizations = { "aws:ResourceOrgID": [...new Set(source.organizationIds)].sort() };
    const throughEc2 = { ...ofSharingOrganizations, "kms:ViaService": [...new Set(source.ec2ViaServices)].sort() };
    // When the DR account shares an organization with the sources, its own other keys stay out.
    const notDr = { StringNotEquals: { "aws:ResourceAccount": props.drAccountId } };
    statements.push(
      { Sid: "CreateGrantsForEbsOnSourceKeysThroughEc2", Effect: "Allow", Action: grantActions, Resource: anyKey, Condition: { ...forAwsResource, StringEquals: throughEc2, ...notDr } },
      { Sid: "UseSourceKeysThroughEc2", Effect: "Allow", Action: useActions, Resource: anyKey, Condition: { StringEquals: throughEc2, ...notDr } },
      { Sid: "DescribeSourceKeys", Effect: "Allow", Action: "kms:DescribeKey", Resource: anyKey, Condition: { StringEquals: ofSharingOrganizations, ...notDr } },
    );
  }
  return policyDocument(statements);
}
