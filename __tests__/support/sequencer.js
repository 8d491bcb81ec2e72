// A first run (an empty jest cache, as on CI) starts the longest suites first, so that the two workers finish
// together: jest would order it by file size, which starts the Terraform and cdktf CLI runs late and leaves one
// worker alone at the end. Once jest has recorded how long each suite takes, its own order (longest first) stands.
const Sequencer = require("@jest/test-sequencer").default;

const LONGEST_FIRST = [
  /\/terraform\/offline-terraform\.test\.ts$/,
  /\/cli\/cdktf-cli\.test\.ts$/,
  /\/review\/report\.test\.ts$/,
  /\/synth\/synthesize\.test\.ts$/,
  /\/synth\/synthesize-in-parallel\.test\.ts$/,
  /\/config\/command-line\.test\.ts$/,
];
const rank = (test) => {
  const index = LONGEST_FIRST.findIndex((pattern) => pattern.test(test.path.split("\\").join("/")));
  return index === -1 ? LONGEST_FIRST.length : index;
};

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
