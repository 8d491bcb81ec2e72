/**
 * `@cloud-copilot/iam-simulate` is AGPL-3.0 and a devDependency: only tests and the dev-time review scripts
 * (scripts/review/) may use it. The app (main.ts, modules/, stacks/) must not import it, directly or through
 * scripts/review/.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : typeScriptFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

test("main.ts, modules/ and stacks/ import neither the simulator nor scripts/review", () => {
  // GIVEN every TypeScript file the app is built from
  const files = [path.join(ROOT, "main.ts"), ...typeScriptFiles(path.join(ROOT, "modules")), ...typeScriptFiles(path.join(ROOT, "stacks"))];
  expect(files.length).toBeGreaterThan(10);
  // WHEN their import and require specifiers are read
  const offending = files.flatMap((file) => {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((match) => match[1]);
    return specifiers
      .filter((specifier) => specifier.startsWith("@cloud-copilot/iam-simulate") || /(^|\/)scripts\/review(\/|$)/.test(specifier))
      .map((specifier) => `${path.relative(ROOT, file)}: ${specifier}`);
  });
  // THEN none refers to @cloud-copilot/iam-simulate or scripts/review
  expect(offending).toEqual([]);
});

test("the simulator stays a devDependency", () => {
  // GIVEN package.json
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  // WHEN its dependencies are read
  // THEN the simulator is among the devDependencies only
  expect(pkg.dependencies?.["@cloud-copilot/iam-simulate"]).toBeUndefined();
  expect(pkg.devDependencies?.["@cloud-copilot/iam-simulate"]).toBeDefined();
});
