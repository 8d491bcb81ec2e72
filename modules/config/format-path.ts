/** `["sourceAccounts", 2, "id"]` → `sourceAccounts[2].id` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "");
}
