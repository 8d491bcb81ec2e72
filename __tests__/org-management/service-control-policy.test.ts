import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { policyDocument, policyJson } from "../../modules/iam/policy-document";
import { backupCopyGuardrailPolicy, denyLeaveOrganizationPolicy } from "../../modules/org-management/backup-guardrail-policies";
import { ServiceControlPolicy, ServiceControlPolicyProps } from "../../modules/org-management/service-control-policy";
import { OrganizationsPolicyWithinSizeLimit } from "../../modules/policy-lint/checks/OrganizationsPolicyWithinSizeLimit";
import { lintStacks, loadIamCatalog } from "../../modules/policy-lint/lint-policies";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DR_VAULT = "arn:aws:backup:us-east-1:222222222222:backup-vault:snapshot-dr";

describe("ServiceControlPolicy", () => {
  let stack: TerraformStack;
  let provider: AwsProvider;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "org");
    provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
  });

  const props = (overrides: Partial<ServiceControlPolicyProps> = {}): ServiceControlPolicyProps => ({
    provider,
    name: "snapshot-dr-backup-copy-guardrail",
    description: "Backups may only be copied to the DR vaults",
    document: backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT] }),
    targetIds: ["111111111111", "ou-ab12-cccccccc"],
    ...overrides,
  });
  const synth = (): Json => JSON.parse(Testing.synth(stack));

  test("creates an SCP with the minified document and one attachment per target", () => {
    // GIVEN the copy guardrail attached to an account and an OU
    const scp = new ServiceControlPolicy(stack, "guardrail", props());
    // WHEN synthesized
    const json = synth();
    // THEN the policy is a SERVICE_CONTROL_POLICY whose content is the minified document
    const policies = Object.values(json.resource.aws_organizations_policy) as Json[];
    expect(policies).toHaveLength(1);
    expect(policies[0]).toEqual({
      provider: "aws",
      name: "snapshot-dr-backup-copy-guardrail",
      description: "Backups may only be copied to the DR vaults",
      type: "SERVICE_CONTROL_POLICY",
      content: policyJson(backupCopyGuardrailPolicy({ allowedVaultArns: [DR_VAULT] })),
    });
    // AND each target has one attachment referring to the policy's ID
    const attachments = Object.values(json.resource.aws_organizations_policy_attachment) as Json[];
    expect(attachments.map((a) => a.target_id)).toEqual(["111111111111", "ou-ab12-cccccccc"]);
    for (const attachment of attachments) expect(attachment.policy_id).toMatch(/^\$\{aws_organizations_policy\.guardrail_policy_[A-Z0-9]+\.id\}$/);
    expect(scp.attachments).toHaveLength(2);
  });

  test("attaches to the organization's root", () => {
    // GIVEN the deny-leave SCP on the root WHEN synthesized THEN the attachment targets r-...
    new ServiceControlPolicy(stack, "deny-leave", props({ name: "deny-leave", description: undefined, document: denyLeaveOrganizationPolicy(), targetIds: ["r-ab12"] }));
    const json = synth();
    expect((Object.values(json.resource.aws_organizations_policy_attachment) as Json[])[0].target_id).toBe("r-ab12");
    expect((Object.values(json.resource.aws_organizations_policy) as Json[])[0].description).toBeUndefined();
  });

  test("rejects a target that is neither an account, an OU nor a root", () => {
    // GIVEN an organization ID as target WHEN built THEN it fails naming the accepted forms
    expect(() => new ServiceControlPolicy(stack, "p", props({ targetIds: ["o-aaaaaaaaaa"] }))).toThrow(
      "Expected SCP target 'o-aaaaaaaaaa' to be an account ID (12 digits), an OU ID (ou-...) or a root ID (r-...): ^(r-[0-9a-z]{4,32}|\\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
    );
  });

  test("rejects an 11-digit account ID", () => {
    // GIVEN a truncated account ID WHEN built THEN it fails
    expect(() => new ServiceControlPolicy(stack, "p", props({ targetIds: ["11111111111"] }))).toThrow(/^Expected SCP target '11111111111' to be an account ID/);
  });

  test("rejects the same target twice", () => {
    // GIVEN a duplicated target WHEN built THEN it fails: Organizations refuses a second attachment
    expect(() => new ServiceControlPolicy(stack, "p", props({ targetIds: ["111111111111", "111111111111"] }))).toThrow(
      "SCP 'snapshot-dr-backup-copy-guardrail' is attached to '111111111111' twice",
    );
  });

  test("leaves a document over 5,120 characters to the policy lint, which reports it as a finding", async () => {
    await loadIamCatalog();
    // GIVEN 60 allowed vaults with long names
    const vaults = Array.from({ length: 60 }, (_, i) => `arn:aws:backup:ap-southeast-2:${String(200000000000 + i)}:backup-vault:snapshot-dr-long-vault-name-${i}`);
    const document = backupCopyGuardrailPolicy({ allowedVaultArns: vaults });
    const size = policyJson(document).length;
    // WHEN the SCP is built THEN nothing is thrown (no stack trace) AND the lint names its size and the limit
    new ServiceControlPolicy(stack, "p", props({ document }));
    const findings = lintStacks([{ name: "org", json: synth() }], { checks: [OrganizationsPolicyWithinSizeLimit], stackChecks: [] });
    expect(findings.map((finding) => finding.message)).toEqual([`The SCP is ${size.toLocaleString("en-US")} characters; AWS Organizations accepts at most 5,120`]);
  });

  test("rejects a statement with a Principal", () => {
    // GIVEN a resource-policy-style statement WHEN used as an SCP THEN it fails
    const document = policyDocument([{ Sid: "WithPrincipal", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }]);
    expect(() => new ServiceControlPolicy(stack, "p", props({ document }))).toThrow(
      "SCP 'snapshot-dr-backup-copy-guardrail' statement 'WithPrincipal' has a Principal: service control policies do not support the Principal element",
    );
  });

  test("rejects a name over 128 characters and a description over 512", () => {
    // GIVEN an overlong name, then an overlong description WHEN built THEN each fails
    expect(() => new ServiceControlPolicy(stack, "p", props({ name: "n".repeat(129) }))).toThrow(`Expected the SCP name to be 1 to 128 characters, got 129: '${"n".repeat(129)}'`);
    expect(() => new ServiceControlPolicy(stack, "q", props({ description: "d".repeat(513) }))).toThrow(
      "Expected the description of SCP 'snapshot-dr-backup-copy-guardrail' to be at most 512 characters, got 513",
    );
  });
});
