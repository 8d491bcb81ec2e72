// npm test: the type-check (`tsc --noEmit`) runs while jest runs the tests (its two workers leave part of two
// cores idle), and either failing fails the command. Arguments go to jest: `npm test -- __tests__/config`.
const { spawn } = require("child_process");

const run = (entry, args, options) => spawn(process.execPath, [require.resolve(entry), ...args], { stdio: "inherit", ...options });
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
