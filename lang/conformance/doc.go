// Package conformance checks batos against Self's own sources, which are
// not kept in this repository: set $BATOS_SELF_CORPUS to a checkout of
// Self's objects/ directory (or the repository root holding it) and run
// `go test -count=1 -v ./lang/conformance`. Without it the tests skip.
//
// Four checks, each logging its counts:
//   - TestParserCorpus runs Self's parser test corpus
//     (applications/selfParser/tests) and compares every input's outcome,
//     accepted or rejected, with Self's expected result (its results/
//     files); for accepted inputs it also compares the sends, in order,
//     with the tree Self's parser printed.
//   - TestSourcesParse parses every *.self file and checks that the
//     printer's output parses back to the same tree.
//   - TestCoreCompiles compiles every file of core/ with the VM's Check
//     (nothing runs), with every primitive name the file uses declared, so
//     that what is reported is the other compile errors.
//   - TestCoreSelectors counts the public selectors of Self's core library
//     (collection.self, string.self, integer.self... in core/) that the
//     booted batos library answers, per file, and checks that every one it
//     does not answer is in testdata/selectors-left-out.txt with its reason
//     (docs/self-library.md).
//
// It is a package of its own so that `go test ./lang` does not depend on
// the VM.
package conformance
