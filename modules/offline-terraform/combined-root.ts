import * as fs from "fs";
import * as path from "path";
import type { StackJsonHook } from "./offline-copy";
import type { TerraformDiagnostic, TerraformPlanJson } from "./terraform-command";

/**
 * One Terraform root that holds several stacks as child modules (`module "<name>" { source = "./<name>" }`),
 * so that one `terraform init` and one `terraform validate` or `plan` check them all: each Terraform command
 * loads the AWS provider's schema (most of a validate's time), once per command however many stacks it holds.
 * Every stack keeps its own provider configurations, which Terraform allows in a module called without count
 * or for_each. Diagnostics name the file they come from (`<name>/cdk.tf.json`), so each is traced to its stack;
 * a plan's resources carry their module's address.
 */

/** A stack in a combined root: its module name (a Terraform identifier), its synthesized directory, a change of its copy. */
export interface CombinedStack {
  readonly name: string;
  readonly stackDir: string;
  readonly mutate?: StackJsonHook;
}

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function writeCombinedRoot(directory: string, stacks: readonly string[]): void {
  const invalid = stacks.filter((stack) => !MODULE_NAME.test(stack));
  if (invalid.length > 0) throw new Error(`Not Terraform module names: ${invalid.join(", ")}`);
  if (new Set(stacks).size !== stacks.length) throw new Error(`Module names repeat in ${stacks.join(", ")}`);
  const modules = Object.fromEntries(stacks.map((stack) => [stack, { source: `./${stack}` }]));
  fs.writeFileSync(path.join(directory, "main.tf.json"), `${JSON.stringify({ module: modules }, null, 2)}\n`);
}

/** The stack a diagnostic of a combined root is about (undefined for the root itself). */
export function stackOfDiagnostic(diagnostic: TerraformDiagnostic, stacks: readonly string[]): string | undefined {
  const file = diagnostic.range?.filename;
  if (file) {
    const first = file.split(/[\\/]/)[0];
    if (stacks.includes(first)) return first;
  }
  const module = /^module\.([^.[]+)/.exec(diagnostic.address ?? "")?.[1];
  return module && stacks.includes(module) ? module : undefined;
}

/**
 * The part of a combined root's plan (`terraform show -json`) that is about one stack, addressed as if the stack
 * had been planned alone: its planned resources and resource changes, without the `module.<name>.` prefix.
 */
export function planOfStack(plan: TerraformPlanJson, stack: string): TerraformPlanJson {
  const prefix = `module.${stack}.`;
  const own = (address: string) => address.slice(prefix.length);
  const module = plan.planned_values?.root_module?.child_modules?.find((child) => child.address === `module.${stack}`);
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    planned_values: { root_module: { resources: (module?.resources ?? []).map((resource) => ({ ...resource, address: own(resource.address) })) } },
    resource_changes: (plan.resource_changes ?? [])
      .filter((change) => change.address.startsWith(prefix))
      .map(({ module_address: _module, ...change }) => ({ ...change, address: own(change.address) })),
  };
}
