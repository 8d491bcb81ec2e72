import { BackupGlobalSettings } from "@cdktf/provider-aws/lib/backup-global-settings";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** Properties of an {@link OrganizationBackupSettings}. */
export interface OrganizationBackupSettingsProps {
  /** A provider of the organization's management account (global settings are not regional). */
  readonly provider: TerraformProvider;
  /**
   * AWS Backup's `isMpaEnabled` (multi-party approval). Terraform shows a perpetual difference for every global
   * setting it is not given, so it is always set; leave it false unless the organization uses multi-party approval.
   * @default false
   */
  readonly multiPartyApprovalEnabled?: boolean;
  /**
   * AWS Backup's `isDelegatedAdministratorEnabled`, always set for the same reason.
   * @default false
   */
  readonly delegatedAdministratorEnabled?: boolean;
}

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
 */
export class OrganizationBackupSettings extends Construct {
  readonly globalSettings: BackupGlobalSettings;

  constructor(scope: Construct, id: string, props: OrganizationBackupSettingsProps) {
    super(scope, id);
    this.globalSettings = new BackupGlobalSettings(this, "global-settings", {
      provider: props.provider,
      globalSettings: {
        isCrossAccountBackupEnabled: "true",
        isDelegatedAdministratorEnabled: String(props.delegatedAdministratorEnabled ?? false),
        isMpaEnabled: String(props.multiPartyApprovalEnabled ?? false),
      },
    });
  }
}
