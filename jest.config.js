/** Tests run through @swc/jest (transpile only); `tsc --noEmit` in `npm test` type-checks once. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  testTimeout: 60000,
};
