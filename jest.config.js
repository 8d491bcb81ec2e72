/**
 * Tests run through @swc/jest (transpile only); `tsc --noEmit` in `npm test` type-checks once. Two workers on a
 * 2-core machine (jest's default, one, runs in band and keeps every suite's modules in one heap), recycled past
 * 1 GB. `*.slow.test.ts` (a simulated week of 1,000 accounts, 1,000-account estates through terraform) run in
 * `npm run test:slow`.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "\\.slow\\.test\\.ts$"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  testSequencer: "<rootDir>/__tests__/support/sequencer.js",
  testTimeout: 60000,
  maxWorkers: 2,
  workerIdleMemoryLimit: "1GB",
};
