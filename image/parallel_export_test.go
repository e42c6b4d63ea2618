package image

// SetParallelMin changes the least number of objects a commit encodes in
// parallel, for the tests of encode_parallel.go; it returns the undo.
func SetParallelMin(n int) (restore func()) {
	old := parallelMin
	parallelMin = n
	return func() { parallelMin = old }
}

// SetReprMin changes the size of records beyond which a parallel commit
// makes them its batch's contents at once; it returns the undo.
func SetReprMin(n int) (restore func()) {
	old := reprMin
	reprMin = n
	return func() { reprMin = old }
}

// ReprCommits counts the commits whose batch was made from joined records.
func ReprCommits() int64 { return reprCommits.Load() }

// ParallelCommits counts the commits encoded in parallel so far.
func ParallelCommits() int64 { return parallelCommits.Load() }
