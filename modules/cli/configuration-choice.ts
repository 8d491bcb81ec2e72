import * as fs from "fs";
import * as path from "path";

/** The configuration synthesized when nothing else is chosen: made-up accounts, refused by every plan. */
export const BUNDLED_EXAMPLE = "config/example.yaml";

/** Which configuration file the app synthesizes, and how it was chosen. */
export interface ConfigurationChoice {
  readonly file: string;
  readonly chosenBy: "DR_CONFIG" | "cdktf.json context drConfig" | "default";
}

/**
 * The cdktf CLI runs the app for `synth`, `list`, `diff` and `deploy` alike with `CDKTF_OUTDIR` and
 * `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true` set (cdktf-cli 0.21, SynthStack.synth); `npm run synth`
 * sets neither.
 */
export function runByCdktfCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CDKTF_OUTDIR) && env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === "true";
}

/**
 * The context of cdktf.json: the cdktf CLI passes it to the app in `CDKTF_CONTEXT_JSON`; without the CLI it
 * is read from `cdktf.json` in the working directory. Anything unreadable counts as no context.
 */
function cdktfContext(env: NodeJS.ProcessEnv, cwd: string): Record<string, unknown> {
  try {
    if (env.CDKTF_CONTEXT_JSON) return JSON.parse(env.CDKTF_CONTEXT_JSON) as Record<string, unknown>;
    const file = path.join(cwd, "cdktf.json");
    if (!fs.existsSync(file)) return {};
    return ((JSON.parse(fs.readFileSync(file, "utf8")) as { context?: Record<string, unknown> }).context ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * `DR_CONFIG` if set; else `drConfig` in cdktf.json's `context` (a project's recorded default); else the
 * bundled example, whose stacks refuse to plan (modules/stack/example-account-guard.ts).
 */
export function chooseConfiguration(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ConfigurationChoice {
  if (env.DR_CONFIG) return { file: env.DR_CONFIG, chosenBy: "DR_CONFIG" };
  const recorded = cdktfContext(env, cwd).drConfig;
  if (typeof recorded === "string" && recorded.length > 0) return { file: recorded, chosenBy: "cdktf.json context drConfig" };
  return { file: BUNDLED_EXAMPLE, chosenBy: "default" };
}

/** Where the configuration came from, as the synthesis summary names it. */
export function describeChoice(choice: ConfigurationChoice): string {
  switch (choice.chosenBy) {
    case "DR_CONFIG":
      return `${choice.file} (DR_CONFIG)`;
    case "cdktf.json context drConfig":
      return `${choice.file} (drConfig in cdktf.json)`;
    case "default":
      return `${choice.file} (the bundled example)`;
  }
}

/** Printed after a synthesis of the example that nobody chose. */
export const EXAMPLE_CHOSEN_BY_DEFAULT =
  "No configuration was chosen, so this is the bundled example, whose made-up accounts refuse cdktf diff and deploy. " +
  "Choose yours with DR_CONFIG=<file>, or record it in cdktf.json: \"context\": {\"drConfig\": \"<file>\"}.";
