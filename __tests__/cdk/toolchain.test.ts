import { Lazy, Tokenization } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CDKTF, CDKTN, disableTokenStackTraces, installedToolchain, installedVersion } from "../../modules/cdk/toolchain";
import { compareSynthOutputs, withoutMetadata } from "../../scripts/cdktn/compare-output";
import { renameModuleSpecifiers, renamePackageManifest } from "../../scripts/cdktn/rename-packages";

const projectManifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));

/** The creation stack of a fresh token: what the library records for it. */
const creationStackOfNewToken = () => Tokenization.reverseString(Lazy.stringValue({ produce: () => "x" })).firstToken!.creationStack;

describe("the installed toolchain", () => {
  test("is the one package.json pins, at the pinned versions", () => {
    // GIVEN the project's manifest WHEN the toolchain is looked up THEN its library and bindings are the pinned ones
    const toolchain = installedToolchain();
    expect(projectManifest.dependencies[toolchain.library]).toBe(installedVersion(toolchain.library));
    expect(projectManifest.dependencies[toolchain.awsBindings]).toBe(installedVersion(toolchain.awsBindings));
    expect([CDKTF, CDKTN]).toContain(toolchain);
  });

  test("token creation stacks are recorded until switched off, and SNAPSHOT_DR_TOKEN_STACK_TRACES=1 keeps them", () => {
    // GIVEN the library as installed THEN a token records where it was created
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
    // WHEN debugging asks to keep them THEN nothing is switched off
    expect(disableTokenStackTraces({ SNAPSHOT_DR_TOKEN_STACK_TRACES: "1" })).toBe(false);
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
    // WHEN switched off (through the fork's environment switch, or cdktf's recorder) THEN new tokens record nothing
    expect(disableTokenStackTraces(process.env)).toBe(true);
    expect(creationStackOfNewToken()).toEqual([]);
  });
});

describe("renameModuleSpecifiers", () => {
  test("renames every form of module specifier of the library and the bindings, and nothing else", () => {
    // GIVEN sources naming the packages in imports, side-effect imports, requires, comments and strings (built from
    // the toolchain's names, so that this file itself is not renamed when the project is moved)
    const source = (toolchain: typeof CDKTF) =>
      [
        `import { App, TerraformStack } from "${toolchain.library}";`,
        "import type { Construct } from 'constructs';",
        `import { KmsKey } from "${toolchain.awsBindings}/lib/kms-key";`,
        `import "${toolchain.library}/lib/testing/adapters/jest";`,
        `const cdk = require("${toolchain.library}");`,
        `const lazy = await import("${toolchain.library}/lib/tokens");`,
        '// cdktf records a stack trace; "cdktf" in a comment stays',
        'const outdir = "cdktf.out";',
      ].join("\n");
    // WHEN cdktf's are renamed for the fork
    const { text, count } = renameModuleSpecifiers(source(CDKTF));
    // THEN the five specifiers name cdktn and its bindings, comments and other strings are untouched
    expect(count).toBe(5);
    expect(text).toBe(source(CDKTN));
  });

  test("package.json: the fork's library and bindings at the given versions, without the cdktf command line", () => {
    // GIVEN the project's manifest WHEN renamed
    const renamed = renamePackageManifest(projectManifest, { library: "0.24.0", awsBindings: "25.7.0" }) as Record<string, Record<string, string>>;
    // THEN the fork's packages replace cdktf's, everything else is kept
    expect(renamed.dependencies).toMatchObject({ cdktn: "0.24.0", "@cdktn/provider-aws": "25.7.0", constructs: projectManifest.dependencies.constructs });
    expect(Object.keys({ ...renamed.dependencies, ...renamed.devDependencies }).filter((name) => /cdktf/.test(name))).toEqual([]);
    expect(renamed.scripts).toEqual(projectManifest.scripts);
  });
});

describe("compareSynthOutputs", () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "compare-synth-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const write = (dir: string, files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, dir, name)), { recursive: true });
      fs.writeFileSync(path.join(root, dir, name), text);
    }
  };
  const stack = (version: string, keyDescription: string) =>
    JSON.stringify({ "//": { metadata: { version } }, resource: { aws_kms_key: { k: { "//": { metadata: { path: version } }, description: keyDescription } } } });

  test("the same Terraform with other library metadata is the same output", () => {
    // GIVEN two outputs that differ only in the libraries' metadata
    write("a", { "manifest.json": '{"version":"0.21.0"}', "stacks/dr/cdk.tf.json": stack("0.21.0", "KMS-B"), "stacks/dr/metadata.json": "1", "stacks/dr/assets/x.zip": "zip" });
    write("b", { "manifest.json": '{"version":"0.24.0"}', "stacks/dr/cdk.tf.json": stack("0.24.0", "KMS-B"), "stacks/dr/metadata.json": "2", "stacks/dr/assets/x.zip": "zip" });
    // WHEN compared THEN nothing differs
    expect(compareSynthOutputs(path.join(root, "a"), path.join(root, "b"))).toEqual([]);
    expect(withoutMetadata(JSON.parse(stack("0.21.0", "KMS-B")))).toEqual({ resource: { aws_kms_key: { k: { description: "KMS-B" } } } });
  });

  test("a changed attribute, a changed package and a missing stack are each named", () => {
    // GIVEN outputs that differ in Terraform's input
    write("a", { "stacks/dr/cdk.tf.json": stack("0.21.0", "KMS-B"), "stacks/dr/assets/x.zip": "zip", "stacks/source/cdk.tf.json": "{}" });
    write("b", { "stacks/dr/cdk.tf.json": stack("0.24.0", "KMS-C"), "stacks/dr/assets/x.zip": "zap" });
    // WHEN compared THEN every difference is listed
    const differences = compareSynthOutputs(path.join(root, "a"), path.join(root, "b"));
    expect(differences).toEqual([
      "stacks/source/cdk.tf.json: missing",
      "stacks/dr/assets/x.zip: contents differ",
      expect.stringMatching(/^stacks\/dr\/cdk\.tf\.json: differs at character \d+: expected …".*KMS-B.*"… got …".*KMS-C.*"…$/),
    ]);
  });
});
