// Package steward supervises the batos kernel: the original design's
// "Ship of Theseus" protocol. The steward is a small process that never
// changes itself; it runs the kernel (normally `batos serve`) as a child,
// restarts it when it dies, and replaces it on request, so the kernel's
// binary can be upgraded while the world in its image goes on without a
// break.
//
// # The kernel
//
// Config.Kernel is the child's command line. Its first element is a path
// that is opened anew at every start: an upgrade that puts a new binary at
// that path is what runs next. A kernel that exits, for any reason, while
// the steward did not ask it to is restarted after a backoff that doubles
// with each quick death (a run shorter than Config.QuickDeath), from
// Config.MinBackoff up to Config.MaxBackoff. After Config.MaxQuickDeaths
// quick deaths in a row the steward gives up and Run returns a
// *CrashLoopError that says how the kernel died and ends with its last
// words on stderr. A kernel that lives longer than Config.QuickDeath resets
// the count. The kernel runs in its own process group, so a Ctrl-C at the
// terminal reaches only the steward, which stops the kernel itself, and on
// Linux it gets SIGTERM if the steward dies (even by SIGKILL), so it does
// not go on holding the image. Config.UsageExit names the exit status by
// which the kernel says its command line is wrong: that ends Run at once
// with a *KernelUsageError, since retrying cannot help. The kernel's
// stdout goes to Config.Stdout and its stderr to Config.Stderr through
// the steward, which keeps the end of it for the crash-loop report.
//
// Stopping the kernel (for an upgrade, or when Run's context ends) is
// graceful: SIGTERM, then SIGKILL to its process group if it has not
// exited after Config.StopTimeout.
//
// # The upgrade channel
//
// The steward watches Config.Channel (DIR/upgrade_channel for an image
// DIR) with fsnotify, and polls it every Config.Poll in case an event is
// lost, for a file named update_instructions.json:
//
//	{"commands": [["argv0", "arg1", ...], ...]}
//
// When one arrives (and has not changed for Config.Settle; write it under
// another name in the same directory and rename it, so it appears whole),
// the steward
//
//  1. validates it: a regular file (a symbolic link is refused), owned by
//     the steward's user or root, at most 1 MiB of JSON holding exactly a
//     "commands" array of non-empty arrays of strings. A file that fails
//     gets a result with the error, nothing runs and the kernel is not
//     touched;
//  2. copies the kernel binary aside (upgrade_channel/.kernel-previous) and
//     stops the kernel gracefully;
//  3. runs the commands in order, each as an argv list with no shell (in
//     the steward's working directory and environment, stdin empty, at
//     most Config.CommandTimeout each), stopping at the first that fails;
//  4. if one failed and the kernel binary changed, puts the previous
//     binary back, so the kernel restarts on the old one;
//  5. writes update_result.json next to the instructions (atomically: a
//     temporary file renamed), with each command's argv, exit code, stdout
//     and stderr (the first 1 MiB of each), the instructions' sha256 and
//     the kernel binary's sha256 before and after;
//  6. removes update_instructions.json and starts the kernel again on the
//     same image.
//
// A writer waits for update_instructions.json to disappear, then reads
// update_result.json (matching its "instructions_sha256"). A new kernel
// binary should be renamed over the old one (mv), not written into it
// (cp): when the steward runs from the same file, writing into it fails
// with ETXTBSY.
//
// If the kernel started after an upgrade that changed the binary then
// crash-loops or rejects its command line, the steward puts the previous binary back, says so, and
// goes on with it; the copy is dropped once the new kernel has lived
// longer than Config.QuickDeath.
//
// The channel directory is created (mode 0700) when it is missing. One
// that is a symbolic link, not a directory, or writable by every user is
// refused with an error that says how to fix it: anyone who can write to it
// can run commands as the steward's user. The check is made when Run
// starts and again before each instruction file is acted on.
//
// Everything the steward does is logged through Config.Logger (log/slog).
package steward
