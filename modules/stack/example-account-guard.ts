import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** The made-up accounts of the bundled example (config/example.yaml; a test keeps the two in step). */
export const EXAMPLE_ACCOUNT_IDS: readonly string[] = Object.freeze(["111111111111", "222222222222", "333333333333", "888888888888", "999999999999"]);

/** The Terraform variable the guard synthesizes (`variable.example_account_guard`). */
export const EXAMPLE_ACCOUNT_GUARD_VARIABLE = "example_account_guard";

/** Properties of an {@link ExampleAccountGuard}. */
export interface ExampleAccountGuardProps {
  /** The account the stack deploys into. */
  readonly accountId: string;
}

/**
 * Makes `terraform plan`, and so `cdktf diff` and `cdktf deploy`, of a stack that deploys into one of the
 * bundled example's made-up accounts fail with a message that says how to choose a configuration, while
 * `cdktf synth`, `cdktf list` and `terraform validate` still work. It is a variable whose default is the
 * stack's account and whose validation refuses the example's accounts: Terraform checks a root variable's
 * validation rules against its value when it plans, before anything is created ("Custom validation rules",
 * Terraform language documentation, input variables); `validate` sees no value and skips them.
 */
export class ExampleAccountGuard extends Construct {
  constructor(scope: Construct, id: string, props: ExampleAccountGuardProps) {
    super(scope, id);
    new TerraformVariable(this, "account", {
      type: "string",
      default: props.accountId,
      description: "The account this stack deploys into; the bundled example's made-up accounts are refused.",
      validation: [
        {
          condition: `\${!contains(${JSON.stringify(EXAMPLE_ACCOUNT_IDS)}, var.${EXAMPLE_ACCOUNT_GUARD_VARIABLE})}`,
          errorMessage:
            `Account ${props.accountId} is a made-up account of the bundled example configuration (config/example.yaml), ` +
            `so this stack refuses to plan or deploy. Choose your estate's file with DR_CONFIG=<file> (or "drConfig" in ` +
            `cdktf.json's "context") and synthesize again.`,
        },
      ],
    });
  }
}
