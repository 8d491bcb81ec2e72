import type { PolicyStatement } from "../iam/policy-document";

/**
 * The statement every key policy here starts with: the owning account administers the key, and its IAM
 * policies decide who else in it may use the key. Without it the key cannot be managed at all.
 */
export function accountAdministersKey(partition: string, accountId: string, sid = "AccountAdministersKey"): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" };
}
