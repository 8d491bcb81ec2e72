/** The slow tier (`npm run test:slow`): only `*.slow.test.ts`, with the settings of jest.config.js. */
const base = require("./jest.config.js");

module.exports = { ...base, testMatch: ["**/*.slow.test.ts"], testPathIgnorePatterns: ["/node_modules/"] };
