import { IAM_POLICY_KINDS, type PolicyCheck } from "../types";
import { isRecord } from "../policy-json";

/** Every IAM policy says `"Version": "2012-10-17"`: without it IAM reads 2008-10-17, which has no policy variables. */
export const PolicyVersion20121017: PolicyCheck = {
  id: "PolicyVersion20121017",
  explanation: 'Set "Version": "2012-10-17" (policyDocument() in modules/iam/policy-document.ts does).',
  appliesTo: IAM_POLICY_KINDS,
  check(policy) {
    if (!isRecord(policy.document)) return [];
    const version = policy.document.Version;
    if (version === "2012-10-17") return [];
    return [{ message: version === undefined ? "Version is missing" : `Version is ${JSON.stringify(version)}, not "2012-10-17"` }];
  },
};
