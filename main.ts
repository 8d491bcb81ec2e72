import { ConfigError, loadConfig } from "./modules/config/load-config";
import { configWarnings } from "./modules/config/review-warnings";
import { loadIamCatalog } from "./modules/policy-lint/lint-policies";
import { synthesize, SynthValidationError } from "./stacks/synthesize";
import { disableTokenStackTraces } from "./stacks/token-stack-traces";

/**
 * Synthesizes the configuration named by DR_CONFIG (default config/example.yaml) into CDKTF_OUTDIR
 * (set by the cdktf CLI; default cdktf.out), linting every policy. Bad input exits non-zero with every
 * problem listed, and leaves the previous output as it was.
 */
async function main(): Promise<number> {
  const configFile = process.env.DR_CONFIG || "config/example.yaml";
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  disableTokenStackTraces();
  try {
    const config = loadConfig(configFile);
    const result = synthesize(config, outdir, { policyCatalog: await loadIamCatalog() });
    console.log(`Synthesized ${result.stacks.length} stack(s) from ${configFile} into ${outdir}: ${result.stacks.join(", ")}`);
    for (const notice of result.notices) console.log(`\nReview: ${notice}`);
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
