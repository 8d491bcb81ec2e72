// The jest matchers of CDK for Terraform (toHaveResource, toHaveResourceWithProperties, ...), as in its template,
// from whichever toolchain is installed (cdktf, or the cdktn fork: modules/cdk/toolchain.ts). Installed from the
// library's jest adapter rather than its package root: a test file that synthesizes nothing (most handler and
// configuration tests) then does not load the whole library, which costs each such file half a second under jest.
const { disableTokenStackTraces, installedToolchain } = require("./modules/cdk/toolchain");
require(`${installedToolchain().library}/lib/testing/adapters/jest`).setupJest();

// Synthesize as main.ts does: no stack trace recorded per token (under jest's source maps each one is costly).
// The toolchain's own test checks the recording and its switch, so it starts with the library as installed.
if (!/[\\/]toolchain\.test\.ts$/.test(expect.getState().testPath ?? "")) disableTokenStackTraces();
