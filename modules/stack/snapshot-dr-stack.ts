import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformElement, TerraformStack } from "cdktf";
import { Construct, Node } from "constructs";
import type { SnapshotDrConfig } from "../config/load-config";
import { roleArn } from "../config/naming";
import { EXAMPLE_ACCOUNT_IDS, ExampleAccountGuard } from "./example-account-guard";
import { addressProblems, readableLogicalId } from "./readable-addresses";

/**
 * The AWS provider versions the synthesized JSON admits. The bindings were generated for 6.25; the offline
 * checks validate the output with 5.100. Only arguments both major versions accept are used.
 */
export const AWS_PROVIDER_VERSION_CONSTRAINT = ">= 5.100.0, < 7.0.0";

/** The provider's full registry address, the same for Terraform and OpenTofu (registry.opentofu.org mirrors hashicorp/aws). */
export const AWS_PROVIDER_SOURCE = "hashicorp/aws";

/** Properties of a {@link SnapshotDrStack}. */
export interface SnapshotDrStackProps {
  readonly config: SnapshotDrConfig;
  /** The account every provider of the stack deploys into. */
  readonly accountId: string;
  /** The regions the stack deploys into; the first is its home region (global resources such as IAM). */
  readonly regions: readonly string[];
  /**
   * The role the providers assume in the account.
   * @default the configuration's deployRoleName
   */
  readonly deployRoleName?: string;
}

/**
 * A stack deployed into one account: one AWS provider per region (aliased by region name) that assumes the
 * deploy role of that account and refuses any other account, default tags, and the configured backend.
 */
export class SnapshotDrStack extends TerraformStack {
  readonly config: SnapshotDrConfig;
  readonly accountId: string;
  readonly regions: readonly string[];
  private readonly providers = new Map<string, AwsProvider>();

  constructor(scope: Construct, name: string, props: SnapshotDrStackProps) {
    super(scope, name);
    if (props.regions.length === 0) throw new Error(`Stack ${name} needs at least one region`);
    this.config = props.config;
    this.accountId = props.accountId;
    this.regions = [...props.regions];

    const defaultTags = { ManagedBy: "snapshot-dr", SnapshotDrStack: name, ...props.config.tags };
    for (const region of this.regions) {
      this.providers.set(
        region,
        new AwsProvider(this, `aws-${region}`, {
          alias: region,
          region,
          allowedAccountIds: [props.accountId],
          assumeRole: [
            {
              roleArn: roleArn(props.config, props.accountId, props.deployRoleName ?? props.config.deployRoleName),
              sessionName: `snapshot-dr-${name}`,
            },
          ],
          defaultTags: [{ tags: defaultTags }],
        }),
      );
    }
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION_CONSTRAINT);
    // Spelled out: the bindings write "aws" (cdktf) or "hashicorp/aws" (cdktn), which OpenTofu may resolve elsewhere.
    this.addOverride("terraform.required_providers.aws.source", AWS_PROVIDER_SOURCE);
    configureBackend(this, name, props.config);
    this.node.addValidation({ validate: () => addressProblems(this) });
    if (EXAMPLE_ACCOUNT_IDS.includes(props.accountId)) new ExampleAccountGuard(this, "example-account-guard", { accountId: props.accountId });
  }

  /** Readable addresses without construct hashes (`aws_kms_key.kms_b_us_east_1`): see readable-addresses.ts. */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    return readableLogicalId(element instanceof Node ? element.scopes[element.scopes.length - 1] : element, this);
  }

  /** The provider of a region of this stack. */
  providerFor(region: string): AwsProvider {
    const provider = this.providers.get(region);
    if (!provider) throw new Error(`Stack ${this.node.id} has no provider for region ${region}`);
    return provider;
  }

  /** The provider for global resources (IAM): the home region's. */
  get homeProvider(): AwsProvider {
    return this.providerFor(this.regions[0]);
  }
}

function configureBackend(stack: TerraformStack, name: string, config: SnapshotDrConfig): void {
  const backend = config.backend;
  switch (backend.type) {
    case "local":
      // Relative to the stack's directory in cdktf.out/stacks/<name>: the state stays in the project root,
      // and the output does not embed this machine's paths.
      new LocalBackend(stack, { path: `../../../terraform.${name}.tfstate` });
      return;
    case "s3":
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${name}.tfstate`,
        region: backend.region,
        encrypt: true,
        ...(backend.roleArn ? { assumeRole: { roleArn: backend.roleArn } } : {}),
        // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig predates it.
      }).addOverride("use_lockfile", backend.useLockfile);
      return;
    case "cloud":
      new CloudBackend(stack, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(`${backend.workspacePrefix}${name}`),
      });
      return;
  }
}
