import { IAM_POLICY_KINDS, type PolicyCheck, type PolicyFinding } from "../types";
import { statementsOf } from "../policy-json";

/** Sids name statements in proofs and reviews: each is alphanumeric (as IAM requires) and unique in its policy. */
export const StatementSidsUniqueAndAlphanumeric: PolicyCheck = {
  id: "StatementSidsUniqueAndAlphanumeric",
  explanation: "Give each statement a Sid of letters and digits only that no other statement of the policy uses.",
  appliesTo: IAM_POLICY_KINDS,
  check(policy) {
    const findings: PolicyFinding[] = [];
    const indexesBySid = new Map<string, number[]>();
    for (const statement of statementsOf(policy.document)) {
      const sid = statement.raw.Sid;
      if (sid === undefined) continue;
      if (typeof sid !== "string") {
        findings.push({ statement: statement.ref, message: `Sid ${JSON.stringify(sid)} is not a string` });
      } else if (!/^[A-Za-z0-9]+$/.test(sid)) {
        findings.push({ statement: statement.ref, message: `Sid '${sid}' is not alphanumeric` });
      } else {
        indexesBySid.set(sid, [...(indexesBySid.get(sid) ?? []), statement.index]);
      }
    }
    for (const [sid, indexes] of indexesBySid) {
      if (indexes.length > 1) {
        findings.push({ statement: sid, message: `Sid '${sid}' is used by ${indexes.length} statements (Statement[${indexes.join("], Statement[")}])` });
      }
    }
    return findings;
  },
};
