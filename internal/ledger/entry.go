package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Actions a ledger entry records.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// InstanceChain is the chain of records that belong to the instance rather
// than to one organisation: user accounts. Every organisation has its own
// chain, named by the organisation's id, so that one organisation's ledger
// can be handed to its auditor and verified alone.
const InstanceChain = "instance"

// TimeFormat is the only form of the at field: UTC, microseconds, always
// the same width, so that text order is time order and every database
// returns exactly the bytes that were hashed.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// GenesisHash is the prev_hash of the first entry of every chain.
var GenesisHash = strings.Repeat("0", 64)

// Entry is one change to one record.
type Entry struct {
	Chain      string `json:"chain"`
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	Actor      string `json:"actor"`
	RecordType string `json:"record_type"`
	RecordID   string `json:"record_id"`
	Action     string `json:"action"`
	// Content is the record after the change, as canonical JSON; "null"
	// for a deletion.
	Content  json.RawMessage `json:"content"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// FormatTime renders t as the at field.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// Canonical returns the bytes that are hashed: the RFC 8785 encoding of
// the object holding every field of e except prev_hash and hash.
func (e Entry) Canonical() ([]byte, error) {
	content, err := decodeJSON(e.Content)
	if err != nil {
		return nil, fmt.Errorf("entry %s/%d content: %w", e.Chain, e.Seq, err)
	}
	return Canonical(map[string]any{
		"chain":       e.Chain,
		"seq":         e.Seq,
		"at":          e.At,
		"actor":       e.Actor,
		"record_type": e.RecordType,
		"record_id":   e.RecordID,
		"action":      e.Action,
		"content":     content,
	})
}

// ComputeHash returns hex(SHA-256(prev || canonical(e))) where prev is the
// 32 bytes that prevHex encodes.
func ComputeHash(prevHex string, e Entry) (string, error) {
	prev, err := hex.DecodeString(prevHex)
	if err != nil || len(prev) != sha256.Size {
		return "", fmt.Errorf("prev_hash %q is not 64 hex digits", prevHex)
	}
	canon, err := e.Canonical()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Seal fills in e.PrevHash and e.Hash as the successor of prevHash.
func (e *Entry) Seal(prevHash string) error {
	e.PrevHash = prevHash
	h, err := ComputeHash(prevHash, *e)
	if err != nil {
		return err
	}
	e.Hash = h
	return nil
}

// RecordKey names one record within a chain.
type RecordKey struct {
	Type string
	ID   string
}

func (k RecordKey) String() string { return k.Type + " " + k.ID }
