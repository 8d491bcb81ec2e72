// The type declarations of the CDK for Terraform jest matchers (toHaveResourceWithProperties, ...) for every test:
// the one test file that names the library's testing adapter, so that the suites themselves stay neutral to the fork.
import "cdktf/lib/testing/adapters/jest";
