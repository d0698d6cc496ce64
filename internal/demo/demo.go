// Package demo fills an empty database with the ISMS of a fictional AI
// company, so that `isms serve --demo` shows a realistic product at once.
// Every record is created through the application service, so the demo's
// ledger verifies like any other.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/framework"
)

// baseline is the demo company's own engineering baseline, imported as a
// custom framework.
//
//go:embed helix-ml-baseline.yaml
var baseline []byte

// Actor is how the ledger names the demo seeder.
const Actor = "system:demo"

// OrgSlug is the demo organisation.
const OrgSlug = "helix-ai"

// AdminEmail is the account the demo prints for signing in.
const AdminEmail = "dana.whitfield@helix-ai.example"

// Credentials are what someone needs to sign in to the demo.
type Credentials struct {
	Email    string
	Password string
	OrgSlug  string
}

type person struct {
	email, name, role string
	expiresIn         time.Duration
}

// Seed creates the demo organisations and people. It must run on an empty
// database; the caller checks.
func Seed(ctx context.Context, svc *app.Service) (Credentials, error) {
	op := app.OperatorPrincipal(Actor)
	creds := Credentials{Email: AdminEmail, Password: credential.NewPassword(), OrgSlug: OrgSlug}

	org, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: OrgSlug, Name: "Helix AI Ltd"})
	if err != nil {
		return creds, fmt.Errorf("demo organisation: %w", err)
	}
	sub, err := svc.CreateOrg(ctx, op, app.OrgInput{Slug: "helix-ai-eu", Name: "Helix AI Europe GmbH"})
	if err != nil {
		return creds, fmt.Errorf("demo subsidiary: %w", err)
	}
	acc, err := svc.OpenOrg(ctx, op, org.Slug)
	if err != nil {
		return creds, err
	}
	subAcc, err := svc.OpenOrg(ctx, op, sub.Slug)
	if err != nil {
		return creds, err
	}

	if _, err := svc.AddMember(ctx, acc, app.MemberInput{Email: creds.Email, Name: "Dana Whitfield", Role: "owner", Password: creds.Password}); err != nil {
		return creds, fmt.Errorf("demo owner: %w", err)
	}
	if _, err := svc.SetInstanceAdmin(ctx, op, creds.Email, true); err != nil {
		return creds, err
	}
	people := []person{
		{"priya.raman@helix-ai.example", "Priya Raman", "isms_manager", 0},
		{"tomas.ortega@helix-ai.example", "Tomás Ortega", "contributor", 0},
		{"lena.vogel@helix-ai.example", "Lena Vogel", "contributor", 0},
		{"sam.okafor@helix-ai.example", "Sam Okafor", "admin", 0},
		{"jun.park@helix-ai.example", "Jun Park", "viewer", 0},
		{"marta.kowalski@certa-assurance.example", "Marta Kowalski", "auditor", 120 * 24 * time.Hour},
	}
	for _, p := range people {
		in := app.MemberInput{Email: p.email, Name: p.name, Role: p.role}
		if p.expiresIn > 0 {
			end := time.Now().Add(p.expiresIn).UTC().Truncate(24 * time.Hour)
			in.ExpiresAt = &end
		}
		if _, err := svc.AddMember(ctx, acc, in); err != nil {
			return creds, fmt.Errorf("demo member %s: %w", p.email, err)
		}
	}
	for _, p := range []person{
		{creds.Email, "", "owner", 0},
		{"priya.raman@helix-ai.example", "", "isms_manager", 0},
		{"lena.vogel@helix-ai.example", "", "viewer", 0},
	} {
		if _, err := svc.AddMember(ctx, subAcc, app.MemberInput{Email: p.email, Role: p.role}); err != nil {
			return creds, fmt.Errorf("demo subsidiary member %s: %w", p.email, err)
		}
	}
	// The company runs ISO/IEC 42001 and the AI security overlay beside
	// 27001, and keeps its own engineering baseline in isms.
	for _, id := range []string{framework.ISO42001, framework.AISecurity} {
		if _, err := svc.SetFrameworkEnabled(ctx, acc, id, true); err != nil {
			return creds, fmt.Errorf("demo framework %s: %w", id, err)
		}
	}
	if _, _, err := svc.ImportFrameworks(ctx, acc, app.FrameworkFile{Name: "helix-ml-baseline.yaml", Data: baseline}); err != nil {
		return creds, fmt.Errorf("demo framework import: %w", err)
	}
	if _, err := svc.SetFrameworkEnabled(ctx, acc, "helix-ml-baseline", true); err != nil {
		return creds, err
	}
	if err := seedPlatform(ctx, svc, org.Slug); err != nil {
		return creds, err
	}
	if err := seedWhereWeStand(ctx, svc, sub.Slug); err != nil {
		return creds, err
	}
	if _, err := svc.CreateToken(ctx, acc, app.TokenInput{
		Name: "ml-platform CI: evidence upload", Role: "contributor", UserEmail: "tomas.ortega@helix-ai.example", ExpiresIn: 90 * 24 * time.Hour,
	}); err != nil {
		return creds, fmt.Errorf("demo token: %w", err)
	}
	return creds, nil
}
