import { chooseConfiguration, runByCdktfCli } from "./modules/cli/configuration-choice";
import { formatSynthSummary, listAllStacksAsked, outputWidth } from "./modules/cli/synth-summary";
import { ConfigError, loadConfig } from "./modules/config/load-config";
import { configWarnings } from "./modules/config/review-warnings";
import { loadIamCatalog } from "./modules/policy-lint/lint-policies";
import { SynthValidationError } from "./stacks/synthesize";
import { synthesizeInParallel } from "./stacks/synthesize-in-parallel";
import { disableTokenStackTraces } from "./modules/cdk/toolchain";

/**
 * Synthesizes the configuration named by DR_CONFIG (else drConfig in cdktf.json's context, else the bundled
 * example, whose stacks refuse to plan) into CDKTF_OUTDIR (set by the cdktf CLI; default cdktf.out), linting
 * every policy. Bad input exits non-zero with every problem listed, and leaves the previous output as it was.
 * Under the cdktf CLI, the folders of stacks the configuration no longer has are left for the CLI to delete.
 */
async function main(): Promise<number> {
  const choice = chooseConfiguration();
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  disableTokenStackTraces();
  try {
    const config = loadConfig(choice.file);
    const underCdktfCli = runByCdktfCli();
    const result = await synthesizeInParallel(config, outdir, { policyCatalog: await loadIamCatalog(), leaveStaleStacksToCdktfCli: underCdktfCli });
    const layout = { width: outputWidth(), listAllStacks: listAllStacksAsked(), noticesPrintedByCdktfCli: underCdktfCli };
    console.log(formatSynthSummary(result, choice, outdir, layout).join("\n"));
    for (const warning of configWarnings(config)) console.log(`\nReview: ${warning.path}: ${warning.message}`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SynthValidationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // Never a stack trace: bad input is a ConfigError above; anything else is a defect, reported in one line.
    console.error(`snapshot-dr: internal error (please report it): ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
