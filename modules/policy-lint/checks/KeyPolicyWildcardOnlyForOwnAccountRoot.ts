import type { PolicyCheck, PolicyFinding } from "../types";
import { isAccountRoot, principalOf, statementsOf, stringList } from "../policy-json";

/**
 * In a key policy, `kms:*` (or `*`, or an Allow with NotAction, which grants every action it does not list)
 * goes only to the key's own account root (`arn:<partition>:iam::<stack account>:root`), which delegates to
 * IAM policies of that account. Any other principal, however conditioned, could administer, re-key or
 * schedule the deletion of the key (seed 001's `kms:*` to an organization is what this prevents).
 */
export const KeyPolicyWildcardOnlyForOwnAccountRoot: PolicyCheck = {
  id: "KeyPolicyWildcardOnlyForOwnAccountRoot",
  explanation: "Grant other accounts, organizations and roles the few kms: actions they need, never kms:*; kms:* is for the key's own account root only.",
  appliesTo: ["key"],
  check(policy) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      if (statement.raw.Effect !== "Allow") continue;
      const wildcard = stringList(statement.raw.Action).find((action) => action === "*" || action.toLowerCase() === "kms:*");
      const notAction = statement.raw.NotAction !== undefined;
      if (wildcard === undefined && !notAction) continue;
      const principal = principalOf(statement.raw.Principal);
      const ownRootOnly =
        principal !== undefined &&
        principal.aws.length > 0 &&
        principal.service.length + principal.federated.length + principal.canonicalUser.length === 0 &&
        principal.aws.every((aws) => isAccountRoot(aws, policy.account));
      if (ownRootOnly) continue;
      const grant = wildcard !== undefined ? `'${wildcard}'` : "every action but its NotAction";
      const owner = policy.account === undefined ? "the stack's account is unknown" : `account ${policy.account}`;
      findings.push({
        statement: statement.ref,
        message: `Grants ${grant} to ${JSON.stringify(statement.raw.Principal ?? statement.raw.NotPrincipal ?? null)}, not only to the key's own account root (${owner})`,
      });
    }
    return findings;
  },
};
