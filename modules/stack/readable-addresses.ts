import { TerraformDataSource, TerraformElement, TerraformOutput, TerraformProvider, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Readable, stable Terraform addresses without construct hashes (`aws_kms_key.kms_b_us_east_1`), for the
 * report, `import` and `moved` blocks written by hand.
 *
 * The scheme is injective by construction:
 * - every construct id on the path from the stack to the element is a segment of lowercase letters and digits
 *   in words joined by single hyphens (`kms-b-us-east-1`), the first starting with a letter; anything else
 *   is refused with {@link ConstructIdError};
 * - a segment's hyphens become underscores, and segments are joined by a double underscore, which no segment
 *   can contain, so the path can be read back from the name (`dlm-role/inline-copy-keys` →
 *   `dlm_role__inline_copy_keys`);
 * - the element's own id is dropped when it is the only element of its Terraform type among its siblings and
 *   its parent is not an element of that type (`kms-b-us-east-1/key` → `kms_b_us_east_1`): its name is then
 *   its parent's path, which no other element of that type can have;
 * - outputs, a namespace of their own, are named by the stack and keep their id when it is a Terraform
 *   identifier (`kms_c_key_arn_us_east_1`): sibling ids are unique, so their names are too.
 */

/** A construct id that the address scheme cannot turn into a name. */
export class ConstructIdError extends Error {
  constructor(path: string, id: string) {
    super(
      `Construct id "${id}" (at ${path}) breaks the Terraform address rule: ids are lowercase letters and digits in words ` +
        `joined by single hyphens (e.g. "kms-b-us-east-1"), and the first id below the stack starts with a letter`,
    );
    this.name = "ConstructIdError";
  }
}

const SEGMENT = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SEGMENT_SEPARATOR = "__";
const TERRAFORM_IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** What Terraform keeps apart: resources and data sources per type, providers per type, outputs, the rest. */
function addressKind(construct: IConstruct): string | undefined {
  if (!TerraformElement.isTerraformElement(construct)) return undefined;
  if (TerraformResource.isTerraformResource(construct)) return `resource ${construct.terraformResourceType}`;
  if (TerraformDataSource.isTerraformDataSource(construct)) return `data ${construct.terraformResourceType}`;
  if (TerraformProvider.isTerraformProvider(construct)) return `provider ${construct.terraformResourceType}`;
  if (TerraformOutput.isTerraformOutput(construct)) return "output";
  return `element ${construct.constructor.name}`;
}

function segmentName(construct: IConstruct, first: boolean): string {
  const id = construct.node.id;
  if (!SEGMENT.test(id) || (first && !/^[a-z]/.test(id))) throw new ConstructIdError(construct.node.path, id);
  return id.replace(/-/g, "_");
}

/** Whether the element's own id can be left out of its name (see the scheme above). */
function dropsOwnId(element: IConstruct, stack: IConstruct): boolean {
  const parent = element.node.scope;
  if (!parent || parent === stack) return false;
  const kind = addressKind(element);
  if (addressKind(parent) === kind) return false;
  return parent.node.children.filter((sibling) => addressKind(sibling) === kind).length === 1;
}

/** The readable name of an element of a stack (the part after `type.` in its address). */
export function readableLogicalId(element: IConstruct, stack: IConstruct): string {
  const scopes = element.node.scopes;
  const below = scopes.slice(scopes.indexOf(stack) + 1);
  if (below.length === 0) return "";
  if (below.length === 1 && TerraformOutput.isTerraformOutput(element) && TERRAFORM_IDENTIFIER.test(element.node.id)) return element.node.id;
  const named = dropsOwnId(element, stack) ? below.slice(0, -1) : below;
  return named.map((scope, index) => segmentName(scope, index === 0)).join(SEGMENT_SEPARATOR);
}

/**
 * Every construct id of a stack that breaks the rule, and (as a second line of defence) any two elements of
 * one Terraform type that would get the same name: one message each, for the stack's validation.
 */
export function addressProblems(stack: IConstruct): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const element of stack.node.findAll().filter((construct) => construct !== stack && TerraformElement.isTerraformElement(construct))) {
    let name: string;
    try {
      name = readableLogicalId(element, stack);
    } catch (error) {
      if (!(error instanceof ConstructIdError)) throw error;
      problems.push(error.message);
      continue;
    }
    const key = `${addressKind(element)} ${name}`;
    const other = seen.get(key);
    if (other) problems.push(`Constructs ${other} and ${element.node.path} would both be named "${name}" in Terraform`);
    else seen.set(key, element.node.path);
  }
  return problems;
}
