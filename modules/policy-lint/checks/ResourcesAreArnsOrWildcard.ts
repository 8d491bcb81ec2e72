import type { PolicyCheck, PolicyFinding } from "../types";
import { isInterpolated, statementsOf, stringList } from "../policy-json";

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; region and account may be empty (`arn:aws:s3:::bucket`). */
const ARN = /^arn:(aws[a-z-]*|\*):[a-z0-9*?-]+:[a-z0-9*?-]*:[a-z0-9*?-]*:.+$/;

/** Every Resource (and NotResource) is `*`, an ARN, or a value resolved at apply (`${aws_kms_key.<id>.arn}`). */
export const ResourcesAreArnsOrWildcard: PolicyCheck = {
  id: "ResourcesAreArnsOrWildcard",
  explanation: "Write resources as full ARNs (arn:<partition>:<service>:<region>:<account>:<resource>), '*', or a Terraform reference to the resource's arn.",
  appliesTo: ["key", "identity", "resource", "scp"],
  check(policy) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      for (const element of ["Resource", "NotResource"]) {
        for (const resource of stringList(statement.raw[element])) {
          if (resource === "*" || isInterpolated(resource) || ARN.test(resource)) continue;
          findings.push({ statement: statement.ref, message: `${element} '${resource}' is not '*' or an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)` });
        }
      }
    }
    return findings;
  },
};
