import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";

/** What the KMS-C key policy depends on. */
export interface KmsCKeyPolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
}

/**
 * KMS-C: the DR account's internal key for the copies it owns. It trusts nothing outside the DR account:
 * the account administers it, and its principals (the DLM execution role) use it through IAM policies.
 */
export function kmsCKeyPolicy(props: KmsCKeyPolicyProps): PolicyDocument {
  return policyDocument([
    accountAdministersKey(props.partition, props.drAccountId, "DrAccountAdministersKey"),
  ]);
}
