import type { PolicyCheck, PolicyFinding } from "../types";
import { restrictsToListedValues } from "../condition-operators";
import { conditionEntries, principalOf, statementsOf } from "../policy-json";

/** The condition keys that tie `Principal: "*"` to accounts or organizations the policy lists. */
export const LIMITING_KEYS = [
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalAccount",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "kms:CallerAccount",
];

const LIMITING = new Set(LIMITING_KEYS.map((key) => key.toLowerCase()));

/**
 * An Allow to `Principal: "*"` (or `{"AWS": "*"}`) is limited to listed accounts or organizations by a
 * condition on one of {@link LIMITING_KEYS}, with an operator that only matches the listed values
 * (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike; not `IfExists`, not `ForAllValues`,
 * no `*` value): otherwise anyone on AWS is granted what the statement allows.
 */
export const PublicPrincipalLimitedByAccountOrOrganization: PolicyCheck = {
  id: "PublicPrincipalLimitedByAccountOrOrganization",
  explanation:
    'Name the principals instead of "*", or add a condition such as StringEquals aws:PrincipalOrgID (or aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, kms:CallerAccount) with the organizations or accounts allowed.',
  appliesTo: ["key", "trust", "resource"],
  check(policy) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      if (statement.raw.Effect !== "Allow" || !principalOf(statement.raw.Principal)?.everyone) continue;
      const limited = conditionEntries(statement.raw).some((entry) => LIMITING.has(entry.key.toLowerCase()) && restrictsToListedValues(entry));
      if (!limited) {
        findings.push({
          statement: statement.ref,
          message: `Allows Principal "*" without a condition that limits it to listed accounts or organizations (${LIMITING_KEYS.join(", ")})`,
        });
      }
    }
    return findings;
  },
};
