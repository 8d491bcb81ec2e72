import * as fs from "fs";
import { LineCounter, parseDocument } from "yaml";
import type { ConfigProblem } from "./cross-field-rules";

/** Larger than any estate's configuration (a 1,000-account estate is about 150 KB). */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;
/** yaml's guard against alias bombs ("billion laughs"): how many times aliases may be expanded. */
export const MAX_ALIAS_COUNT = 100;

/** The data of a YAML (or JSON) file, or the problems that keep it from being read, one line each. */
export type YamlFileResult = { readonly data: unknown; readonly problems?: undefined } | { readonly problems: readonly ConfigProblem[] };

const problem = (message: string): YamlFileResult => ({ problems: [{ path: "", message }] });

/** Flow collections (`[...]`, `{...}`) nested deeper than any configuration needs; checked before parsing. */
export const MAX_FLOW_NESTING = 64;

/** The line where flow collections first nest deeper than MAX_FLOW_NESTING (quoted text and comments skipped). */
function excessiveFlowNestingLine(text: string): number | undefined {
  let depth = 0;
  let line = 1;
  let quote: string | undefined;
  let comment = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "\n") {
      line++;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (char === "\\" && quote === '"') index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === "#" && (index === 0 || /\s/.test(text[index - 1]))) comment = true;
    else if (char === "[" || char === "{") {
      if (++depth > MAX_FLOW_NESTING) return line;
    } else if ((char === "]" || char === "}") && depth > 0) depth--;
  }
  return undefined;
}

export function readYamlFile(file: string): YamlFileResult {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return problem("cannot read the configuration: it is a directory, expected a YAML file");
    if (stat.size > MAX_CONFIG_BYTES) return problem(`cannot read the configuration: ${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} a configuration may have`);
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : (error as Error).message.split("\n")[0];
    return problem(`cannot read the configuration: ${reason}`);
  }
  const deepLine = excessiveFlowNestingLine(text);
  if (deepLine !== undefined) return { problems: [{ path: `line ${deepLine}`, message: `YAML error: collections nested more than ${MAX_FLOW_NESTING} levels deep; no configuration field is` }] };
  const lineCounter = new LineCounter();
  const where = (offset: number) => {
    const position = lineCounter.linePos(offset);
    return `line ${position.line}, column ${position.col}`;
  };
  try {
    const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
    if (document.errors.length > 0) {
      return { problems: document.errors.map((error) => ({ path: where(error.pos[0]), message: `YAML error: ${error.message.split("\n")[0]}` })) };
    }
    if (document.contents === null) return problem("the configuration is empty: expected a mapping of configuration fields");
    const data: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      const got = Array.isArray(data) ? "a list" : data === null ? "null" : `a ${typeof data}`;
      return problem(`expected a mapping of configuration fields at the top level, got ${got}`);
    }
    return { data };
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand too often (an alias bomb), and deep nesting exhausts the
    // stack (a RangeError): both are properties of the input, reported as such.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return problem(`YAML error: aliases expand more than ${MAX_ALIAS_COUNT} times (a resource exhaustion attack, or an alias used far too often)`);
    }
    if (error instanceof RangeError) return problem("YAML error: the document is nested too deeply to be read");
    throw error;
  }
}
