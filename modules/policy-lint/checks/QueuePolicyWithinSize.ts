import { attributeSizeFindings, figure, resolvedBytes } from "../stack-json";
import type { StackCheck } from "../types";

/** Amazon SQS policy quotas: "Bytes: 8,192" per queue policy. */
export const QUEUE_POLICY_SIZE_LIMIT = 8192;

export const QueuePolicyWithinSize: StackCheck = {
  id: "QueuePolicyWithinSize",
  explanation: "Grant organizations (aws:PrincipalOrgID) or source ARN patterns instead of listing principals or resources one by one.",
  check(stack) {
    return attributeSizeFindings(stack.json, {
      resourceType: "aws_sqs_queue_policy",
      attribute: "policy",
      limit: QUEUE_POLICY_SIZE_LIMIT,
      measure: resolvedBytes,
      message: (size) => `The queue policy is ${figure(size)} bytes; Amazon SQS accepts at most ${figure(QUEUE_POLICY_SIZE_LIMIT)} (SQS policy quotas, "Bytes")`,
    });
  },
};
