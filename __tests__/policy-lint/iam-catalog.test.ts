/**
 * Loading the IAM catalogue: only what the policies need, or everything; a lookup outside what was loaded is an
 * error, never a silent "unknown". (Its own test file: jest gives it a fresh module, so nothing is loaded yet.)
 */
import { IamCatalogNotLoadedError, lintTargets, loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { policy, targetOf } from "./lint-support";

const kmsPolicy = targetOf(
  "identity",
  policy({ Sid: "Use", Effect: "Allow", Action: ["kms:Decrypt", "kms:ReEncrypt*"], Resource: "*", Condition: { StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } } }),
);
const s3Policy = targetOf("identity", policy({ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }));

describe("loadIamCatalog", () => {
  test("must run before the lint", () => {
    // GIVEN no catalogue loaded WHEN policies are linted THEN the lint says to load it
    expect(() => lintTargets([kmsPolicy])).toThrow(IamCatalogNotLoadedError);
  });

  test("loads the services the given policies name, and only those", async () => {
    // GIVEN a policy of kms actions and keys
    // WHEN the catalogue is loaded for it
    const catalog = await loadIamCatalog([kmsPolicy]);
    // THEN kms is loaded and the policy lints; s3 is not, and linting an s3 policy says so
    expect(catalog.isServiceLoaded("kms")).toBe(true);
    expect(catalog.isServiceLoaded("s3")).toBe(false);
    expect(lintTargets([kmsPolicy])).toEqual([]);
    expect(() => lintTargets([s3Policy])).toThrow("The IAM catalogue was not loaded for the service 's3'");
  });

  test("loads every service when given no policies", async () => {
    // GIVEN the catalogue loaded without arguments WHEN any policy is linted THEN it can be answered
    const catalog = await loadIamCatalog();
    expect(catalog.isComplete).toBe(true);
    expect(lintTargets([s3Policy])).toEqual([]);
  });
});
