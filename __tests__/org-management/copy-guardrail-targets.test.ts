import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { OrgManagementStack, organizationsWithWork } from "../../stacks/org-management-stack";
import { reviewNotices } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const accountId = (n: number) => String(100000000000 + n);

/** A single-organization estate of `accounts` source accounts backing up with a copy to eu-west-1. */
function estate(accounts: number, overrides: { rootId?: string; guardrails?: Json } = {}): SnapshotDrConfig {
  return parseConfig({
    organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999", ...(overrides.rootId ? { rootId: overrides.rootId } : {}) }],
    drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1", "us-west-2"] },
    sourceAccounts: Array.from({ length: accounts }, (_, i) => ({ id: accountId(i + 1), organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] })),
    backup: {
      enabled: true,
      rules: [{ name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 }, copyToRegion: { region: "eu-west-1" } }],
      ...(overrides.guardrails ? { guardrails: overrides.guardrails } : {}),
    },
  });
}

/** The org stack's copy guardrail: its document, its targets, and the notices of the app. */
function synthOrg(config: SnapshotDrConfig) {
  const app = Testing.app();
  const json: Json = JSON.parse(Testing.synth(new OrgManagementStack(app, config, organizationsWithWork(config)[0])));
  const policies = Object.entries(json.resource.aws_organizations_policy as Record<string, Json>);
  const [address, guardrail] = policies.find(([, policy]) => policy.name === "snapshot-dr-backup-copies-only-to-dr-vaults")!;
  const targets = Object.values(json.resource.aws_organizations_policy_attachment as Record<string, Json>)
    .filter((attachment) => attachment.policy_id === `\${aws_organizations_policy.${address}.id}`)
    .map((attachment) => attachment.target_id as string);
  return { content: guardrail.content as string, targets, notices: reviewNotices(app).join("\n") };
}

describe("the AWS Backup copy guardrail", () => {
  test("is attached once to the organization's root when organizations[].rootId is known, and says what that covers", () => {
    // GIVEN the root ID WHEN the org stack is synthesized THEN the guardrail has one attachment, to the root
    const { targets, notices } = synthOrg(estate(3, { rootId: "r-ab12" }));
    expect(targets).toEqual(["r-ab12"]);
    expect(notices).toContain(
      "The AWS Backup copy guardrail is attached to the root r-ab12 of o-aaaaaaaaaa: every account of the organization may copy recovery points only to the DR vaults, the copy-to-region vaults and backup.guardrails.additionalAllowedVaultArns",
    );
  });

  test("without the root ID, is attached to each account that backs up, with a notice naming the field to set", () => {
    const { targets, notices } = synthOrg(estate(3));
    expect(targets).toEqual([accountId(1), accountId(2), accountId(3)]);
    expect(notices).toContain(
      "The AWS Backup copy guardrail is attached to each of the 3 account(s) that back up, because the root of o-aaaaaaaaaa is not configured: set organizations[].rootId (aws organizations list-roots) to attach it once to the root, or backup.guardrails.copyGuardrailTargets to attach it to OUs.",
    );
  });

  test("explicit targets (OUs) win over the root", () => {
    const { targets, notices } = synthOrg(estate(3, { rootId: "r-ab12", guardrails: { copyGuardrailTargets: ["ou-ab12-cccccccc"] } }));
    expect(targets).toEqual(["ou-ab12-cccccccc"]);
    expect(notices).not.toContain("copy guardrail is attached");
  });

  test("allows the additional vaults of backup.guardrails.additionalAllowedVaultArns besides the DR and copy-to-region vaults", () => {
    const central = "arn:aws:backup:us-east-1:444444444444:backup-vault:central";
    const { content } = synthOrg(estate(2, { rootId: "r-ab12", guardrails: { additionalAllowedVaultArns: [central] } }));
    const deny = JSON.parse(content).Statement.find((s: Json) => s.Sid === "DenyCopyToUnlistedVaults");
    expect(deny.Condition["ForAnyValue:ArnNotLike"]["backup:CopyTargets"]).toEqual([
      "arn:aws:backup:eu-west-1:*:backup-vault:snapshot-dr-source",
      "arn:aws:backup:us-east-1:222222222222:backup-vault:snapshot-dr-dr",
      central,
      "arn:aws:backup:us-west-2:222222222222:backup-vault:snapshot-dr-dr",
    ]);
  });

  test("rejects an additional vault that is not a vault ARN of one account, naming the field", () => {
    expect(() => estate(1, { guardrails: { additionalAllowedVaultArns: ["arn:aws:backup:us-east-1:*:backup-vault:*"] } })).toThrow(
      "backup.guardrails.additionalAllowedVaultArns[0]: expected a backup vault ARN of one account: arn:<partition>:backup:<region or *>:<account>:backup-vault:<name, * allowed>",
    );
  });

  test("has the same size for 1 and 300 accounts with copyToRegion (it stopped synthesis at about 65 to 80 accounts)", () => {
    const one = synthOrg(estate(1, { rootId: "r-ab12" })).content;
    const many = synthOrg(estate(300, { rootId: "r-ab12" })).content;
    expect(many).toBe(one);
    expect(many.length).toBeLessThan(1000);
  });
});
