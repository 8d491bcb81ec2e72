import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";

/** The keys the DR account's DLM execution role copies from and to. */
export interface DlmKeyUsePolicyProps {
  /** The DR account's own keys: KMS-B (copied from) and KMS-C (copied to). */
  readonly drKeyArns: readonly string[];
  /**
   * `share` mode: the sharing source accounts' keys (`arn:<partition>:kms:<region>:<account>:key/*`), gated by
   * their key policies and used only through EC2.
   * @default - none
   */
  readonly sourceKeyArns?: readonly string[];
  /** `ec2.*.amazonaws.com`, for the source keys. */
  readonly ec2AnyRegionViaService: string;
}

/**
 * Seed 000 step 4: the two statements the DR account's DLM execution role needs on every key it copies from
 * and to. On the source accounts' keys the cryptographic use and the grants are tied to EC2, as their key
 * policies require.
 */
export function dlmKeyUsePolicy(props: DlmKeyUsePolicyProps): PolicyDocument {
  if (props.drKeyArns.length === 0) throw new Error("The DLM key use policy needs at least one key ARN");
  const grantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];
  const useActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
  const forAwsResource = { Bool: { "kms:GrantIsForAWSResource": "true" } };
  const statements: PolicyStatement[] = [
    { Sid: "CreateGrantsForEbsOnCopyKeys", Effect: "Allow", Action: grantActions, Resource: [...props.drKeyArns], Condition: forAwsResource },
    { Sid: "UseCopyKeys", Effect: "Allow", Action: [...useActions, "kms:DescribeKey"], Resource: [...props.drKeyArns] },
  ];
  const sourceKeys = props.sourceKeyArns ?? [];
  if (sourceKeys.length > 0) {
    const throughEc2 = { "kms:ViaService": props.ec2AnyRegionViaService };
    statements.push(
      {
        Sid: "CreateGrantsForEbsOnSourceKeysThroughEc2",
        Effect: "Allow",
        Action: grantActions,
        Resource: [...sourceKeys],
        Condition: { ...forAwsResource, StringLike: throughEc2 },
      },
      { Sid: "UseSourceKeysThroughEc2", Effect: "Allow", Action: useActions, Resource: [...sourceKeys], Condition: { StringLike: throughEc2 } },
      { Sid: "DescribeSourceKeys", Effect: "Allow", Action: "kms:DescribeKey", Resource: [...sourceKeys] },
    );
  }
  return policyDocument(statements);
}
