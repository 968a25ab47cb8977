// Package config is obadge's service configuration: one Config struct with JSON
// tags, built in this order of precedence (later wins): Default(), an optional JSON
// file (--config), environment variables OBADGE_*, then command-line flags.
// Validate reports every problem at once (errors.Join).
//
// Secrets are never part of the JSON file: the key-encryption passphrase comes only
// from OBADGE_KEY_PASSPHRASE, a KEK from a file named by OBADGE_KEK_FILE/--kek-file.
// Redacted returns the config as it may be logged. config does no I/O besides
// reading the file it is asked to read.
package config
