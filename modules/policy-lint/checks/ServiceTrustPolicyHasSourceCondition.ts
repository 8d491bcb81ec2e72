import type { PolicyCheck, PolicyFinding } from "../types";
import { restrictsToListedValues } from "../condition-operators";
import { conditionEntries, principalOf, statementsOf } from "../policy-json";

/**
 * Service principals whose own documentation gives a role trust policy with `aws:SourceAccount` /
 * `aws:SourceArn` (cross-service confused deputy prevention), so that the service sets them when it assumes
 * the role. Only services documented so: a condition the service does not send denies it the role.
 *
 * Deliberately not listed: `lambda.amazonaws.com` and `dlm.amazonaws.com` (execution roles; AWS documents no
 * such condition for their trust policies), and `backup.amazonaws.com` (AWS Backup's "Cross-service confused
 * deputy prevention" page covers resource policies: SNS topic and KMS key policies, not the trust policy of
 * the role passed to AWS Backup).
 */
export const SOURCE_CONDITION_SERVICES: Readonly<Record<string, string>> = {
  "config.amazonaws.com": "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html#iam-trust-policy",
  "ssm.amazonaws.com": "https://docs.aws.amazon.com/systems-manager/latest/userguide/cloud-connector-gcp-automation-assume-role.html",
  "personalize.amazonaws.com": "https://docs.aws.amazon.com/personalize/latest/dg/cross-service-confused-deputy-prevention.html",
  "sms-voice.amazonaws.com": "https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-cloud-watch-creating-role.html",
};

const SOURCE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn"]);

/**
 * A trust policy that lets one of {@link SOURCE_CONDITION_SERVICES} assume the role limits it to this
 * account's (or resource's) requests with `aws:SourceAccount` or `aws:SourceArn`: otherwise another customer
 * could make the service act with this role (the confused deputy).
 */
export const ServiceTrustPolicyHasSourceCondition: PolicyCheck = {
  id: "ServiceTrustPolicyHasSourceCondition",
  explanation:
    "Add a condition to the trust statement: StringEquals aws:SourceAccount = the role's account, or ArnLike aws:SourceArn = the service resources that may use the role.",
  appliesTo: ["trust"],
  check(policy) {
    const findings: PolicyFinding[] = [];
    for (const statement of statementsOf(policy.document)) {
      if (statement.raw.Effect !== "Allow") continue;
      const services = (principalOf(statement.raw.Principal)?.service ?? []).filter((service) => service in SOURCE_CONDITION_SERVICES);
      if (services.length === 0) continue;
      const limited = conditionEntries(statement.raw).some((entry) => SOURCE_KEYS.has(entry.key.toLowerCase()) && restrictsToListedValues(entry));
      if (!limited) {
        findings.push({
          statement: statement.ref,
          message: `Trusts ${services.join(", ")} without an aws:SourceAccount or aws:SourceArn condition (confused deputy; see ${services
            .map((service) => SOURCE_CONDITION_SERVICES[service])
            .join(", ")})`,
        });
      }
    }
    return findings;
  },
};
