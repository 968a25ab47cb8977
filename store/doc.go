// Package store is obadge's persistent state: one bbolt file holding issuers, their
// private keys (encrypted at rest), the achievement catalogue with its versions, the
// issued credentials as the exact signed bytes plus a few indexed fields, idempotency
// records, API tokens (only their SHA-256) and Bitstring Status Lists: random index
// allocation over per-list used bitmaps, each credential's status record with its
// change history, the status bits and the cached signed list credentials
// (status.go; [Store.CheckStatus] checks their invariants).
//
// Every write is one bbolt Update transaction, so a crash never leaves half an issue:
// a credential, its indexes, its idempotency record, the achievement reference count
// and any status-list index it consumed are committed together or not at all (see
// [Store.IssueCredential]).
//
// Private keys are sealed with AES-256-GCM under a key-encryption key (KEK) given in
// [Options]: either 32 raw bytes (a KEK file) or a passphrase stretched with scrypt
// under a salt kept in the database. A check value sealed under the KEK is stored on
// first open, so opening with a different KEK fails with [ErrWrongKEK] instead of
// producing garbage keys later.
//
// store imports no domain package: records carry raw bytes (documents, DER keys) and
// the fields it indexes. It does no network I/O and never logs key material.
package store
