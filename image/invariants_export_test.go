package image

// InvariantsEnabled tells the external tests whether the heap consistency
// checks (invariants.go) are compiled in.
const InvariantsEnabled = invariantsEnabled
