import { BackupGlobalSettings } from "@cdktf/provider-aws/lib/backup-global-settings";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** Properties of an {@link OrganizationBackupSettings}. */
export interface OrganizationBackupSettingsProps {
  /** A provider of the organization's management account (global settings are not regional). */
  readonly provider: TerraformProvider;
  /**
   * AWS Backup's `isMpaEnabled` (multi-party approval).
   * @default - left as AWS has it: never sent, and Terraform ignores its value
   */
  readonly multiPartyApprovalEnabled?: boolean;
  /**
   * AWS Backup's `isDelegatedAdministratorEnabled`.
   * @default - left as AWS has it: never sent, and Terraform ignores its value
   */
  readonly delegatedAdministratorEnabled?: boolean;
}

/** The global settings this construct may manage, by their AWS Backup key. */
const OPTIONAL_SETTINGS = [
  ["isDelegatedAdministratorEnabled", "delegatedAdministratorEnabled"],
  ["isMpaEnabled", "multiPartyApprovalEnabled"],
] as const;

/** The AWS Backup service principal organizations trust. */
export const BACKUP_SERVICE_PRINCIPAL = "backup.amazonaws.com";

/** The one-time command that gives AWS Backup trusted access to the organization (run in the management account). */
export const ENABLE_BACKUP_TRUSTED_ACCESS_COMMAND = `aws organizations enable-aws-service-access --service-principal ${BACKUP_SERVICE_PRINCIPAL}`;

/**
 * For the README: AWS Backup's trusted access is not managed here. Neither hashicorp/aws 5.100 nor 6.25 has a
 * resource for one service's trusted access; the only way is `aws_organizations_organization`'s
 * `aws_service_access_principals`, which manages the whole organization (feature set, every trusted service,
 * policy types) and would remove every principal it is not given.
 */
export const BACKUP_TRUSTED_ACCESS_STEP = [
  "AWS Backup needs trusted access to the organization before cross-account backup can be enabled.",
  "Terraform cannot grant it without managing the whole organization (aws_organizations_organization), so run this once,",
  "with credentials of the management account, before deploying the org stack:",
  "",
  `    ${ENABLE_BACKUP_TRUSTED_ACCESS_COMMAND}`,
  "",
  `Check it with: aws organizations list-aws-service-access-for-organization (the list must include ${BACKUP_SERVICE_PRINCIPAL}).`,
].join("\n");

/**
 * AWS Backup's global settings of the organization's management account (design §2c): cross-account backup on,
 * so that member accounts may copy recovery points to another account's vault of the organization.
 *
 * It never turns off a delegated administrator or multi-party approval it was not told about. The provider's
 * `aws_backup_global_settings` sends UpdateGlobalSettings only the keys of its map, but reads back every key
 * DescribeGlobalSettings returns (hashicorp/aws, internal/service/backup/global_settings.go), so a key left out
 * would show as a perpetual change: each key not set here is sent nowhere and listed in `ignore_changes`
 * (`global_settings["<key>"]`), which keeps AWS's value in the plan (checked with Terraform 1.11 and provider
 * 5.100: no change against a state holding both keys as "true").
 */
export class OrganizationBackupSettings extends Construct {
  readonly globalSettings: BackupGlobalSettings;

  constructor(scope: Construct, id: string, props: OrganizationBackupSettingsProps) {
    super(scope, id);
    const given = OPTIONAL_SETTINGS.filter(([, prop]) => props[prop] !== undefined);
    const leftAsAwsHasThem = OPTIONAL_SETTINGS.filter(([, prop]) => props[prop] === undefined);
    this.globalSettings = new BackupGlobalSettings(this, "global-settings", {
      provider: props.provider,
      globalSettings: {
        isCrossAccountBackupEnabled: "true",
        ...Object.fromEntries(given.map(([key, prop]) => [key, String(props[prop])])),
      },
      ...(leftAsAwsHasThem.length > 0 ? { lifecycle: { ignoreChanges: leftAsAwsHasThem.map(([key]) => `global_settings["${key}"]`) } } : {}),
    });
  }
}
