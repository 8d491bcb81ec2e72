// The jest matchers of CDK for Terraform (toHaveResource, toHaveResourceWithProperties, ...), as in its template,
// from whichever toolchain is installed (cdktf, or the cdktn fork: modules/cdk/toolchain.ts).
const { disableTokenStackTraces, installedToolchain } = require("./modules/cdk/toolchain");
require(installedToolchain().library).Testing.setupJest();

// Synthesize as main.ts does: no stack trace recorded per token (under jest's source maps each one is costly).
// The toolchain's own test checks the recording and its switch, so it starts with the library as installed.
if (!/[\\/]toolchain\.test\.ts$/.test(expect.getState().testPath ?? "")) disableTokenStackTraces();
