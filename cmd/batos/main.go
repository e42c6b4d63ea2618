// Command batos runs Self programs in a persistent world: an interactive
// REPL, scripts, one-off expressions, the check and fmt tools, the image
// tools (info, check, snapshot, restore, gc, export, import) and the model
// tools (info, add, list, adapter, tiny, backend, bench). Run `batos -h`
// for usage.
//
// Exit status: 0 on success, 1 on a runtime error, 2 on a syntax or usage
// error, 3 when llama.cpp aborted the process (an abort batos's checks
// missed; llm/internal/cllama prints what it was). Errors are written to
// standard error, each starting with "batos SUBCOMMAND: " ("batos: "
// outside a subcommand), or with file:line:col for errors in source.
//
// Package main holds only the command line; the system lives in the
// packages it imports (docs/architecture.md is the map).
package main

import "os"

func main() { os.Exit(main1()) }

// main1 is main with an exit status, so that tests can run the command in
// process (see main_test.go).
func main1() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }
