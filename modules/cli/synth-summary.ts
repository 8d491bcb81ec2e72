import type { SynthResult } from "../../stacks/synthesize";
import { type ConfigurationChoice, describeChoice, EXAMPLE_CHOSEN_BY_DEFAULT } from "./configuration-choice";

/** How the summary of a synthesis is laid out. */
export interface SummaryLayout {
  /** No line is longer than this. */
  readonly width: number;
  /** Every stack name, instead of counts per kind and the first few names. */
  readonly listAllStacks: boolean;
  /**
   * Leave the review notices out: the cdktf CLI prints each from the manifest's warning annotations
   * ("WARN [stack]: ..."), so printing them here too would show each twice.
   * @default false
   */
  readonly noticesPrintedByCdktfCli?: boolean;
}

/** Names shown per stack kind unless every name is asked for. */
export const NAMES_PER_KIND = 3;
const MIN_WIDTH = 40;
const DEFAULT_WIDTH = 80;

/**
 * The width to lay the output out for: the terminal's when writing to one, else `COLUMNS`, else 80 (the
 * cdktf CLI reads the app's output through a pipe and prints it in a terminal of its own).
 */
export function outputWidth(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const columns = stream.isTTY && stream.columns ? stream.columns : Number(env.COLUMNS) || DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, Math.floor(columns));
}

/** Whether the user asked for every stack name (`SNAPSHOT_DR_LIST_STACKS=1`). */
export function listAllStacksAsked(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SNAPSHOT_DR_LIST_STACKS === "1";
}

/**
 * Wraps one line at spaces to `width`, continuation lines indented like the line plus `hangingIndent`;
 * a word longer than a line is cut.
 */
export function wrapLine(line: string, width: number, hangingIndent = 2): string[] {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)![0];
  const continuation = " ".repeat(Math.min(indent.length + hangingIndent, width - 10));
  const lines: string[] = [];
  const prefix = () => (lines.length === 0 ? indent : continuation);
  let current = "";
  for (let word of line.trim().split(/ +/)) {
    for (;;) {
      const candidate = current ? `${current} ${word}` : word;
      if (prefix().length + candidate.length <= width) {
        current = candidate;
        break;
      }
      if (current) {
        lines.push(prefix() + current);
        current = "";
        continue;
      }
      const room = width - prefix().length;
      lines.push(prefix() + word.slice(0, room));
      word = word.slice(room);
    }
  }
  if (current) lines.push(prefix() + current);
  return lines;
}

/**
 * Lays out a notice: its paragraphs (lines without leading spaces, up to a blank or indented line) are
 * reflowed to the width, every line after the first indented by `indent`; indented lines (commands) keep their
 * breaks, and one longer than the width is continued with a shell line continuation, so it can still be pasted.
 */
export function layoutNotice(text: string, width: number, indent = "  "): string[] {
  const lines: string[] = [];
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const first = lines.length === 0 ? "" : indent;
    const wrapped = wrapLine(first + paragraph.join(" "), width, first.length === 0 ? indent.length : 0);
    lines.push(...wrapped.map((line, index) => (index === 0 || first.length > 0 ? line : indent + line.trimStart())));
    paragraph = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      flushParagraph();
      lines.push("");
    } else if (/^\s/.test(line)) {
      flushParagraph();
      lines.push(...continueCommand(indent + line, width));
    } else {
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  return lines;
}

/** A command line broken at spaces with ` \` so that a shell reads it as one. */
function continueCommand(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const wrapped = wrapLine(line, width - 2, 4);
  return wrapped.map((part, index) => (index < wrapped.length - 1 ? `${part} \\` : part));
}

/** dr, source, org: the part of a stack name before its id. */
function stackKind(stack: string): string {
  return /^(dr|source|org)-/.exec(stack)?.[1] ?? "other";
}

function countOf(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * What `npm run synth` and the cdktf CLI print after a synthesis: where the configuration came from, the
 * stacks counted per kind with a few names (or every name when asked), and each review notice, wrapped.
 */
export function formatSynthSummary(result: SynthResult, choice: ConfigurationChoice, outdir: string, layout: SummaryLayout): string[] {
  const lines = wrapLine(`Synthesized ${countOf(result.stacks.length)} stack(s) from ${describeChoice(choice)} into ${outdir}:`, layout.width);
  const byKind = new Map<string, string[]>();
  for (const stack of result.stacks) byKind.set(stackKind(stack), [...(byKind.get(stackKind(stack)) ?? []), stack]);
  const labelWidth = Math.max(...[...byKind.keys()].map((kind) => kind.length)) + 1;
  let shortened = false;
  for (const [kind, stacks] of byKind) {
    const label = `  ${`${kind}:`.padEnd(labelWidth)} ${countOf(stacks.length)}`;
    if (layout.listAllStacks) {
      lines.push(label);
      lines.push(...wrapLine(`    ${stacks.join(" ")}`, layout.width, 0));
      continue;
    }
    const shown = stacks.slice(0, NAMES_PER_KIND);
    const more = stacks.length - shown.length;
    shortened ||= more > 0;
    lines.push(...wrapLine(`${label} (${shown.join(", ")}${more > 0 ? ` and ${countOf(more)} more` : ""})`, layout.width, labelWidth + 1));
  }
  if (shortened) lines.push(...wrapLine("Every stack name: SNAPSHOT_DR_LIST_STACKS=1 npm run synth (or npx cdktf list).", layout.width));
  if (choice.chosenBy === "default") lines.push("", ...layoutNotice(EXAMPLE_CHOSEN_BY_DEFAULT, layout.width));
  if (!layout.noticesPrintedByCdktfCli) for (const notice of result.notices) lines.push("", ...layoutNotice(`Review: ${notice}`, layout.width));
  return lines;
}
