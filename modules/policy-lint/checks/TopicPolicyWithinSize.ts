import { attributeSizeFindings, figure, resolvedBytes } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * Amazon SNS "Policy quotas" (API permissions: actions and resources reference): "Bytes: 30 kb" per topic
 * policy, read as 30 × 1,024 bytes.
 */
export const TOPIC_POLICY_SIZE_LIMIT = 30 * 1024;

export const TopicPolicyWithinSize: StackCheck = {
  id: "TopicPolicyWithinSize",
  explanation: "Grant organizations (aws:PrincipalOrgID) or source ARN patterns instead of listing principals or sources one by one.",
  check(stack) {
    return attributeSizeFindings(stack.json, {
      resourceType: "aws_sns_topic_policy",
      attribute: "policy",
      limit: TOPIC_POLICY_SIZE_LIMIT,
      measure: resolvedBytes,
      message: (size) => `The topic policy is ${figure(size)} bytes; Amazon SNS accepts at most ${figure(TOPIC_POLICY_SIZE_LIMIT)} (SNS policy quotas, "Bytes: 30 kb")`,
    });
  },
};
