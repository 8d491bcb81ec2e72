// Runs TypeScript entry points without type-checking (`tsc --noEmit` does that once, in `npm test`):
// esbuild transpiles each .ts file as Node loads it. Unlike ts-node it installs no source-map hook,
// which makes every stack trace cdktf captures for its tokens expensive.
const fs = require("fs");
const { transformSync } = require("esbuild");

require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
  });
  module._compile(code, filename);
};
