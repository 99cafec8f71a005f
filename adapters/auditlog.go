package adapters

import "github.com/kuji-go/kuji/audit"

// AuditLog is one audit log's storage inside a transaction: leaves and tree
// hashes ([audit.Storage]) and signed checkpoints ([audit.CheckpointStore]).
// Appends made through a [Tx] commit or roll back with it; appends to one
// log are serialised across goroutines and processes, so leaf indexes have
// no gaps. Through a [ReadTx], Append and SaveCheckpoint fail.
//
// A missing leaf or hash is reported with an error wrapping
// [audit.ErrNotStored].
type AuditLog interface {
	audit.Storage
	audit.CheckpointStore
}

// AuditReader opens audit logs by name (the log's origin).
type AuditReader interface {
	AuditLog(name string) AuditLog
}
