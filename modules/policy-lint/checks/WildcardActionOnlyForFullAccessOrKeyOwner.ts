import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding } from "../types";
import { kindWithArticle, statementsOf, stringList } from "../policy-json";

/**
 * `"Action": "*"` (every action of every service) is allowed only in an SCP's Allow (FullAWSAccess, which
 * lets the other SCPs decide) and in Deny statements, which grant nothing. A key policy's administrator
 * statement writes `kms:*` (KeyPolicyWildcardOnlyForOwnAccountRoot checks who gets it). `"NotAction": "*"`
 * matches nothing, so its statement does nothing.
 */
export const WildcardActionOnlyForFullAccessOrKeyOwner: PolicyCheck = {
  id: "WildcardActionOnlyForFullAccessOrKeyOwner",
  explanation: "Name the actions the statement is for; in a key policy, give the key's own account root kms:*, not *.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      if (stringList(statement.raw.NotAction).includes("*")) {
        findings.push({ statement: statement.ref, message: "NotAction '*' excludes every action: the statement applies to nothing" });
      }
      if (statement.raw.Effect === "Deny" || !stringList(statement.raw.Action).includes("*")) continue;
      if (policy.kind === "scp") continue;
      findings.push({
        statement: statement.ref,
        message:
          policy.kind === "key"
            ? "Action '*' in a key policy: write 'kms:*', and only for the key's own account root"
            : `Action '*' allows every action of every service in ${kindWithArticle(policy.kind)}: only an SCP's Allow (FullAWSAccess) may`,
      });
    }
    return findings;
  },
};
