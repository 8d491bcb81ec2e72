import { PolicyDocument, policyDocument } from "../iam/policy-document";

/**
 * Seed 000 step 4: the two statements the DR account's DLM execution role needs on every key it copies
 * from (KMS-B, or the source keys in `share` mode) and to (KMS-C). Cross-account keys are still gated by
 * their own key policies.
 */
export function dlmKeyUsePolicy(keyArns: readonly string[]): PolicyDocument {
  if (keyArns.length === 0) throw new Error("The DLM key use policy needs at least one key ARN");
  return policyDocument([
    {
      Sid: "CreateGrantsForEbsOnCopyKeys",
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: [...keyArns],
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    {
      Sid: "UseCopyKeys",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: [...keyArns],
    },
  ]);
}
