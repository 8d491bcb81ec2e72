// Runs TypeScript entry points without type-checking (`tsc --noEmit` does that once, in `npm test`):
// esbuild transpiles each .ts file as Node loads it. Unlike ts-node it installs no source-map hook,
// which makes every stack trace cdktf captures for its tokens expensive.
//
// The transpiled code is kept in node_modules/.cache/snapshot-dr-ts, keyed by the file's path, its text and
// esbuild's version, so that a process (npm run synth, a synthesis part, the cdktf CLI's app) transpiles only what
// changed and starts esbuild only then. `npm ci` empties it.
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "snapshot-dr-ts");
const ESBUILD_VERSION = require("esbuild/package.json").version;
let esbuild;
const transpiler = () => (esbuild ??= require("esbuild"));

function transpile(source, filename) {
  const key = crypto.createHash("sha256").update(`${ESBUILD_VERSION}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  const { code } = transpiler().transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached); // whole or not at all, whichever process writes it
  } catch {
    // a read-only checkout transpiles every time
  }
  return code;
}

require.extensions[".ts"] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
