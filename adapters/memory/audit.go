package memory

// auditLog is one audit log: leaf data by index and signed checkpoints.
// (Tree hashes join it when the audit storage contract lands.)
type auditLog struct {
	leaves      [][]byte
	checkpoints [][]byte
}
