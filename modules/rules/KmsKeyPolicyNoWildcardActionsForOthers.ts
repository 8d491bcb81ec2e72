import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformStack } from "cdktf";
import type { PolicyDocument, PolicyStatement } from "../iam/policy-document";
import { Rule, RuleResult } from "./rule";

const grantsEverything = (statement: PolicyStatement) =>
  statement.Effect === "Allow" && [statement.Action].flat().some((action) => action === "*" || action === "kms:*");

/** Exactly the root of the account that owns the key (the stack's account). */
const isOwnAccountRoot = (statement: PolicyStatement, accountId: string | undefined) => {
  const principal = statement.Principal;
  if (accountId === undefined || principal === undefined || principal === "*" || principal.Service !== undefined) return false;
  const aws = [principal.AWS ?? []].flat();
  return aws.length === 1 && new RegExp(`^arn:[a-z-]+:iam::${accountId}:root$`).test(aws[0]);
};

/** `kms:*` only for the key's own account (seed 001's `kms:*` to an organization is what this prevents). */
export const KmsKeyPolicyNoWildcardActionsForOthers: Rule = {
  id: "KmsKeyPolicyNoWildcardActionsForOthers",
  explanation: "Grant other accounts and organizations the few actions they need, never kms:*.",
  check(node) {
    if (!(node instanceof KmsKey) || typeof node.policyInput !== "string") return RuleResult.NOT_APPLICABLE;
    const accountId = (TerraformStack.of(node) as TerraformStack & { accountId?: string }).accountId;
    const policy = JSON.parse(node.policyInput) as PolicyDocument;
    const offending = policy.Statement.filter((statement) => grantsEverything(statement) && !isOwnAccountRoot(statement, accountId));
    return offending.length === 0 ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};
