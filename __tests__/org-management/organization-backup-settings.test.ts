import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { CDKTN, installedToolchain } from "../../modules/cdk/toolchain";
import {
  BACKUP_TRUSTED_ACCESS_STEP,
  ENABLE_BACKUP_TRUSTED_ACCESS_COMMAND,
  OrganizationBackupSettings,
} from "../../modules/org-management/organization-backup-settings";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("OrganizationBackupSettings", () => {
  let stack: TerraformStack;
  let provider: AwsProvider;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "org");
    provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
  });

  test("enables cross-account backup and leaves delegated administration and multi-party approval as AWS has them", () => {
    // GIVEN the settings with neither optional setting given WHEN synthesized
    new OrganizationBackupSettings(stack, "backup", { provider });
    const json: Json = JSON.parse(Testing.synth(stack));
    // THEN only cross-account backup is sent, and Terraform ignores the two settings it was not told about
    const settings = Object.values(json.resource.aws_backup_global_settings) as Json[];
    expect(settings).toEqual([
      {
        provider: "aws",
        global_settings: { isCrossAccountBackupEnabled: "true" },
        lifecycle: { ignore_changes: ['global_settings["isDelegatedAdministratorEnabled"]', 'global_settings["isMpaEnabled"]'] },
      },
    ]);
  });

  test("passes multi-party approval and delegated administration through when set, on or off", () => {
    // GIVEN both set (one on, one off) WHEN synthesized THEN both are sent and nothing is ignored
    new OrganizationBackupSettings(stack, "backup", { provider, multiPartyApprovalEnabled: true, delegatedAdministratorEnabled: false });
    const json: Json = JSON.parse(Testing.synth(stack));
    expect((Object.values(json.resource.aws_backup_global_settings) as Json[])[0]).toEqual({
      provider: "aws",
      global_settings: { isCrossAccountBackupEnabled: "true", isDelegatedAdministratorEnabled: "false", isMpaEnabled: "true" },
    });
  });

  test("ignores only the setting that is not given", () => {
    // GIVEN delegated administration set, multi-party approval not WHEN synthesized
    new OrganizationBackupSettings(stack, "backup", { provider, delegatedAdministratorEnabled: true });
    const resource = (Object.values(JSON.parse(Testing.synth(stack)).resource.aws_backup_global_settings) as Json[])[0];
    // THEN delegated administration is sent and only isMpaEnabled is left to AWS
    expect(resource.global_settings).toEqual({ isCrossAccountBackupEnabled: "true", isDelegatedAdministratorEnabled: "true" });
    expect(resource.lifecycle).toEqual({ ignore_changes: ['global_settings["isMpaEnabled"]'] });
  });

  test("creates no aws_organizations_organization: trusted access is a documented one-time step", () => {
    // GIVEN the settings WHEN synthesized THEN the organization itself is not managed
    new OrganizationBackupSettings(stack, "backup", { provider });
    const json: Json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource)).toEqual(["aws_backup_global_settings"]);
    // AND the README text carries the exact CLI step
    expect(ENABLE_BACKUP_TRUSTED_ACCESS_COMMAND).toBe("aws organizations enable-aws-service-access --service-principal backup.amazonaws.com");
    expect(BACKUP_TRUSTED_ACCESS_STEP).toContain(`    ${ENABLE_BACKUP_TRUSTED_ACCESS_COMMAND}\n`);
  });

  test("the bindings of the pinned toolchain have no resource for one service's trusted access; the fork's newer ones do", () => {
    // GIVEN the installed bindings (cdktf: hashicorp/aws 6.25; cdktn: 6.66) WHEN their organizations resources are listed
    const toolchain = installedToolchain();
    const lib = path.dirname(require.resolve(`${toolchain.awsBindings}/lib/organizations-policy`));
    const organizations = fs.readdirSync(path.dirname(lib)).filter((name) => name.startsWith("organizations-"));
    // THEN the whole organization carries aws_service_access_principals (what the one-time step avoids managing) …
    expect(organizations).toContain("organizations-organization");
    // … and only the fork's bindings have aws_organizations_aws_service_access, which could replace the step
    // (README, "Moving to CDK Terrain"); this project does not use it, so that both synthesize the same
    const serviceAccess = organizations.filter((name) => /service-access/.test(name));
    expect(serviceAccess).toEqual(toolchain === CDKTN ? ["organizations-aws-service-access"] : []);
  });
});
