import { isKnownRegion } from "../../config/regions";
import type { PolicyCheck, PolicyFinding } from "../types";
import { isInterpolated, isRecord } from "../policy-json";

const VALUE_OPERATORS = ["@@assign", "@@append", "@@remove"];

/** `$account` stands for each account the policy applies to. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|\$account):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}|\$account):backup-vault:[A-Za-z0-9_.-]+$/;

/** The values a setting assigns: `{"@@assign": v}` (or `@@append`/`@@remove`), or a plain value. */
function settingValues(setting: unknown): unknown[] {
  const values = isRecord(setting) ? VALUE_OPERATORS.filter((operator) => operator in setting).map((operator) => setting[operator]) : [setting];
  return values.flatMap((value) => (Array.isArray(value) ? value : [value]));
}

function vaultArnProblem(arn: string): string | undefined {
  const match = VAULT_ARN.exec(arn);
  if (!match) return `'${arn}' is not a backup vault ARN (arn:<partition>:backup:<region>:<account or $account>:backup-vault:<name>)`;
  return isKnownRegion(match[1]) ? undefined : `'${arn}' is in the unknown region '${match[1]}'`;
}

/**
 * An AWS Organizations backup policy is not IAM JSON but the backup policy syntax (`plans`, `regions`,
 * `rules`, `selections`, with `@@assign` operators); what can be checked offline is checked: it has plans,
 * its regions are regions, the roles AWS Backup assumes are IAM role ARNs and copy targets are vault ARNs
 * (`$account` allowed). The IAM checks do not apply to it.
 */
export const BackupPolicyRoleArnsAndRegionsValid: PolicyCheck = {
  id: "BackupPolicyRoleArnsAndRegionsValid",
  explanation:
    'Write the backup policy in the Organizations backup policy syntax: a "plans" object whose regions are region codes, iam_role_arn an IAM role ARN and copy targets backup vault ARNs (arn:<partition>:...:$account:... for each member account).',
  appliesTo: ["backup-policy"],
  check(policy) {
    const document = policy.document;
    if (!isRecord(document) || !isRecord(document.plans)) return [{ message: 'The backup policy has no "plans" object' }];
    const findings: PolicyFinding[] = [];
    const report = (path: string, message: string) => findings.push({ statement: path, message });
    const visit = (node: unknown, path: string): void => {
      if (!isRecord(node)) return;
      for (const [key, value] of Object.entries(node)) {
        const at = `${path}.${key}`;
        if (key === "regions") {
          for (const region of settingValues(value)) {
            if (typeof region !== "string") report(at, `Region ${JSON.stringify(region)} is not a string`);
            else if (!isInterpolated(region) && !isKnownRegion(region)) report(at, `'${region}' is not a known region`);
          }
        } else if (key === "iam_role_arn") {
          for (const arn of settingValues(value)) {
            if (typeof arn !== "string" || (!isInterpolated(arn) && !ROLE_ARN.test(arn))) {
              report(at, `${JSON.stringify(arn)} is not an IAM role ARN (arn:<partition>:iam::<account or $account>:role/<name>)`);
            }
          }
        } else if (key === "target_backup_vault_arn") {
          for (const arn of settingValues(value)) {
            const problem = typeof arn !== "string" ? `${JSON.stringify(arn)} is not a backup vault ARN` : isInterpolated(arn) ? undefined : vaultArnProblem(arn);
            if (problem) report(at, problem);
          }
        } else if (key === "copy_actions" && isRecord(value)) {
          for (const target of Object.keys(value)) {
            const problem = isInterpolated(target) ? undefined : vaultArnProblem(target);
            if (problem) report(`${at}.${target}`, `copy action key ${problem}`);
          }
        }
        if (!VALUE_OPERATORS.includes(key)) visit(value, at);
      }
    };
    visit(document.plans, "plans");
    return findings;
  },
};
