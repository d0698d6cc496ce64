package credential

import (
	"context"
	"errors"
	"strings"
	"testing"
)

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestPasswordHash(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fast, 2)
	hash, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q is not argon2id PHC", hash)
	}
	again, _ := h.Hash(ctx, "correct horse battery staple")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if err := h.Check(ctx, "correct horse battery staple", hash); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := h.Check(ctx, "Correct horse battery staple", hash); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong password: %v", err)
	}
	if h.NeedsRehash(hash) || !NewHasher(DefaultParams, 1).NeedsRehash(hash) {
		t.Error("NeedsRehash does not follow the parameters")
	}
	for _, bad := range []string{"", "$2a$10$bcrypt", "$argon2id$v=18$m=1024,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5"} {
		if err := h.Check(ctx, "x", bad); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("malformed hash %q: err = %v, want a format error", bad, err)
		}
	}
}

func TestHasherWaitsForASlot(t *testing.T) {
	h := NewHasher(fast, 1)
	h.slots <- struct{}{} // the only slot is busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("hash with every slot busy and the caller gone: %v", err)
	}
}

func TestTokens(t *testing.T) {
	tok, display := NewAPIToken()
	if !LooksLikeAPIToken(tok) || !strings.HasPrefix(tok, display) || len(display) != len(TokenPrefix)+6 {
		t.Errorf("token %q, display %q", tok, display)
	}
	if LooksLikeAPIToken("isms_short") || LooksLikeAPIToken("ghp_"+NewSecret()) {
		t.Error("LooksLikeAPIToken accepts other strings")
	}
	if Digest(tok) == Digest(tok+"x") || len(Digest(tok)) != 64 {
		t.Error("Digest")
	}
	if p := NewPassword(); len(p) != 26 {
		t.Errorf("generated password %q", p)
	}
}
