import { CDKTF, CDKTN, type CdkToolchain } from "../../modules/cdk/toolchain";

/**
 * Moving the sources from one toolchain to the other is a rename of module specifiers: `from "cdktf"`,
 * `import "cdktf/lib/…"`, `require("@cdktf/provider-aws/lib/…")`. Nothing else in the sources names a package
 * (modules/cdk/toolchain.ts decides the rest at run time), so this is all `npm run check:cdktn` changes.
 */
export function renameModuleSpecifiers(source: string, from: CdkToolchain = CDKTF, to: CdkToolchain = CDKTN): { text: string; count: number } {
  const packages = new Map([
    [from.library, to.library],
    [from.awsBindings, to.awsBindings],
  ]);
  const names = [...packages.keys()].map((name) => name.replace(/[/@]/g, (c) => `\\${c}`)).join("|");
  const specifier = new RegExp(`((?:\\bfrom|\\bimport|\\brequire\\(|\\bimport\\()\\s*)(["'])(${names})((?:/[^"'\\n]*)?)\\2`, "g");
  let count = 0;
  const text = source.replace(specifier, (_match, lead: string, quote: string, name: string, subpath: string) => {
    count += 1;
    return `${lead}${quote}${packages.get(name)}${subpath}${quote}`;
  });
  return { text, count };
}

/** The package.json of the copy: the same project with the fork's packages at the given versions. */
export function renamePackageManifest(
  manifest: Record<string, unknown>,
  versions: { library: string; awsBindings: string },
  from: CdkToolchain = CDKTF,
  to: CdkToolchain = CDKTN,
): Record<string, unknown> {
  const swap = (section: unknown): Record<string, string> | undefined => {
    if (!section || typeof section !== "object") return undefined;
    const result: Record<string, string> = {};
    for (const [name, version] of Object.entries(section as Record<string, string>)) {
      if (name === from.library) result[to.library] = versions.library;
      else if (name === from.awsBindings) result[to.awsBindings] = versions.awsBindings;
      // The fork's command line needs Node.js >= 22.19; the app and the tests run without it.
      else if (name !== from.cliPackage) result[name] = version;
    }
    return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
  };
  return { ...manifest, dependencies: swap(manifest.dependencies), devDependencies: swap(manifest.devDependencies) };
}
