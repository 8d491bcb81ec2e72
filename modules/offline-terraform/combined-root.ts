import * as fs from "fs";
import * as path from "path";
import type { TerraformDiagnostic } from "./offline-terraform";

/**
 * One Terraform root that holds several stacks as child modules (`module "<stack>" { source = "./<stack>" }`),
 * so that one `terraform init` and one `terraform validate` check them all: each Terraform command loads the
 * AWS provider's schema (most of a validate's time), once per command however many stacks it holds. Every
 * stack keeps its own provider configurations, which Terraform allows in a module called without count or
 * for_each. Diagnostics name the file they come from (`<stack>/cdk.tf.json`), so each is traced to its stack.
 */
export function writeCombinedRoot(directory: string, stacks: readonly string[]): void {
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
