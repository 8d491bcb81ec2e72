import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

describe("./help", () => {
  const run = spawnSync(path.join(PROJECT_ROOT, "help"), [], { cwd: PROJECT_ROOT, encoding: "utf8" });

  test("runs as a program and prints the commands", () => {
    expect({ status: run.status, error: run.error }).toEqual({ status: 0, error: undefined });
    expect(run.stdout).toContain("npm run synth");
    expect(run.stdout).toContain("npx cdktf deploy");
  });

  test("names only npm scripts the project has, runs cdktf through npx, and fits 90 columns", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts);
    const named = [...run.stdout.matchAll(/npm run ([a-z:]+)/g)].map((match) => match[1]);
    expect(named.filter((script) => !scripts.includes(script))).toEqual([]);
    expect(run.stdout.split("\n").filter((line) => /(^|\s)cdktf (list|synth|diff|deploy)/.test(line) && !line.includes("npx cdktf"))).toEqual([]);
    expect(Math.max(...run.stdout.split("\n").map((line) => line.length))).toBeLessThanOrEqual(90);
  });
});
