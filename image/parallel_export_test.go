package image

// SetParallelMin changes the least number of objects a commit encodes in
// parallel, for the tests of encode_parallel.go; it returns the undo.
func SetParallelMin(n int) (restore func()) {
	old := parallelMin
	parallelMin = n
	return func() { parallelMin = old }
}

// ParallelCommits counts the commits encoded in parallel so far.
func ParallelCommits() int64 { return parallelCommits.Load() }
