// The jest matchers of CDK for Terraform (toHaveResource, toHaveResourceWithProperties, ...), as in its template,
// from whichever toolchain is installed (cdktf, or the cdktn fork: modules/cdk/toolchain.ts).
const { installedToolchain } = require("./modules/cdk/toolchain");
require(installedToolchain().library).Testing.setupJest();
