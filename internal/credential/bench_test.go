package credential

import (
	"context"
	"testing"
)

// BenchmarkCheckPassword measures one sign-in's password check with the
// parameters isms uses, which is what bounds sign-ins per core.
func BenchmarkCheckPassword(b *testing.B) {
	ctx := context.Background()
	h := NewHasher(DefaultParams, 1)
	hash, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := h.Check(ctx, "correct horse battery staple", hash); err != nil {
			b.Fatal(err)
		}
	}
}
