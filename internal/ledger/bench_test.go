package ledger

import (
	"encoding/json"
	"testing"
)

// BenchmarkVerifierAdd measures checking one entry of a chain: decoding
// its content, canonical encoding and SHA-256, without a database.
func BenchmarkVerifierAdd(b *testing.B) {
	e := exampleEntry()
	e.Content = json.RawMessage(`{"created_at":"2026-11-29T09:30:00.000000Z","expires_at":null,"id":"0192e3a4-5b6c-7d8e-9f00-112233445566",` +
		`"org_id":"0192e3a4-5b6c-7d8e-9f00-112233445566","role":"isms_manager","updated_at":"2026-11-29T09:30:00.000000Z",` +
		`"user_id":"0192e3a4-5b6c-7d8e-9f00-112233445567"}`)
	if err := e.Seal(GenesisHash); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v := NewVerifier(e.Chain)
		v.Add(e)
		if !v.Report().OK() {
			b.Fatal(v.Report().Problems)
		}
	}
}
