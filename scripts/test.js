// npm test: the type-check (`tsc --noEmit`) runs while jest runs the tests (its two workers leave part of two
// cores idle), and either failing fails the command. Arguments go to jest: `npm test -- __tests__/config`.
const { spawn } = require("child_process");

// Jest's workers inherit the node flags: a 32 MiB young generation, as synthesis uses (package.json), for the
// synthesis the tests run in their processes (one cold npm test: 12 s of CPU and about 8 s less).
const run = (entry, args, options) => spawn(process.execPath, ["--max-semi-space-size=32", require.resolve(entry), ...args], { stdio: "inherit", ...options });
const exitOf = (child) => new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));

const typecheck = spawn(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit"], { stdio: ["ignore", "pipe", "pipe"] });
const typecheckOutput = [];
typecheck.stdout.on("data", (chunk) => typecheckOutput.push(chunk));
typecheck.stderr.on("data", (chunk) => typecheckOutput.push(chunk));

(async () => {
  const tests = await exitOf(run("jest/bin/jest", process.argv.slice(2)));
  const typecheckCode = await exitOf(typecheck);
  if (typecheckCode !== 0) process.stderr.write(`\ntsc --noEmit failed:\n${Buffer.concat(typecheckOutput).toString("utf8")}`);
  process.exitCode = typecheckCode !== 0 ? typecheckCode : tests;
})();
