import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PolicyDocument, policyJson } from "../iam/policy-document";

/** Properties of a {@link CustomerManagedKey}. */
export interface CustomerManagedKeyProps {
  /** The provider (one per region) the key and its alias are created with. */
  readonly provider: TerraformProvider;
  /** What the key protects; shown in the KMS console. */
  readonly description: string;
  /** The key policy. It must let the owning account administer the key, or the key becomes unmanageable. */
  readonly policy: PolicyDocument;
  /** The alias, `alias/...`. Other stacks find the key through it. */
  readonly aliasName: string;
  /**
   * Days AWS KMS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30 - the longest window, so that an accidental deletion can still be cancelled
   */
  readonly deletionWindowInDays?: number;
  /**
   * Resources the key must wait for: KMS rejects a key policy naming a role that does not exist yet.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * A symmetric customer managed key that holds DR data, with the hygiene every such key gets here:
 * rotation on, a 30-day deletion window, `prevent_destroy`, and an alias that other stacks use by name.
 */
export class CustomerManagedKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    if (!ALIAS_PATTERN.test(props.aliasName) || props.aliasName.startsWith("alias/aws/")) {
      throw new Error(`Expected alias name to match ${ALIAS_PATTERN.source} and not start with alias/aws/, got '${props.aliasName}'`);
    }
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      throw new Error(`Key deletion window must be a whole number of days from 7 to 30, got ${deletionWindowInDays}`);
    }

    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: policyJson(props.policy),
      lifecycle: { preventDestroy: true },
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
    this.alias = new KmsAlias(this, "alias", {
      provider: props.provider,
      name: props.aliasName,
      targetKeyId: this.key.keyId,
    });
  }
}
