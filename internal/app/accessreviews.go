package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// accessControl is the control an access review is evidence for: access
// rights are provisioned, reviewed at planned intervals and removed.
const accessControl = "iso27001-2022:A.5.18"

// AccessReviewInput is a campaign as entered; on an update nil fields
// stay. The period changes when SetPeriod is true, so that an update can
// clear it.
type AccessReviewInput struct {
	Title                  *string
	Systems                *[]string
	AssetIDs               *[]string
	ReviewerIDs            *[]string
	DueDate                *time.Time
	PeriodStart, PeriodEnd *time.Time
	SetPeriod              bool
}

// CreateAccessReview opens a campaign.
func (s *Service) CreateAccessReview(ctx context.Context, a Access, in AccessReviewInput) (isms.AccessReview, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.AccessReview{}, err
	}
	var out isms.AccessReview
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r := isms.AccessReview{OrgID: a.Org.ID, CreatedBy: whoID(a)}
		if err := s.applyReviewInput(ctx, tx, &r, in); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateAccessReview(ctx, r)
		return err
	})
	return out, err
}

// UpdateAccessReview changes a campaign that is not complete.
func (s *Service) UpdateAccessReview(ctx context.Context, a Access, ref string, in AccessReviewInput) (isms.AccessReview, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.AccessReview{}, err
	}
	var out isms.AccessReview
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := reviewByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if r.Complete() {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + " is complete; start a new campaign for the next review"}
		}
		if err := s.applyReviewInput(ctx, tx, &r, in); err != nil {
			return err
		}
		out, err = tx.UpdateAccessReview(ctx, r)
		return err
	})
	return out, err
}

func (s *Service) applyReviewInput(ctx context.Context, tx *store.Tx, r *isms.AccessReview, in AccessReviewInput) error {
	if in.Title != nil {
		r.Title = strings.TrimSpace(*in.Title)
	}
	if in.Systems != nil {
		r.Systems = cleanIDs(*in.Systems)
	}
	if in.AssetIDs != nil {
		r.AssetIDs = cleanIDs(*in.AssetIDs)
	}
	if in.ReviewerIDs != nil {
		r.ReviewerIDs = cleanIDs(*in.ReviewerIDs)
	}
	if in.DueDate != nil {
		r.DueDate = dayOf(*in.DueDate)
	}
	if in.SetPeriod {
		r.PeriodStart, r.PeriodEnd = dayPtr(in.PeriodStart), dayPtr(in.PeriodEnd)
	}
	v := &isms.ValidationError{}
	if err := r.Validate(); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	for _, id := range r.AssetIDs {
		if _, err := tx.Asset(ctx, r.OrgID, id); errors.Is(err, isms.ErrNotFound) {
			v.Add("assets", "%q is not an asset of this organisation", id)
		} else if err != nil {
			return err
		}
	}
	for _, id := range r.ReviewerIDs {
		m, err := tx.Member(ctx, r.OrgID, id)
		switch {
		case errors.Is(err, isms.ErrNotFound) || (err == nil && !m.Active(s.now())):
			v.Add("reviewers", "%q is not a member of this organisation", id)
		case err != nil:
			return err
		case m.Role == isms.RoleViewer || m.Role == isms.RoleAuditor:
			v.Add("reviewers", "%s is a %s and only reads; a reviewer records decisions", m.Name, strings.ToLower(m.Role.Label()))
		}
	}
	return v.Err()
}

// reviewByRef finds a campaign by id or reference (AR-003, 3).
func reviewByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.AccessReview, error) {
	upper := strings.ToUpper(strings.TrimSpace(ref))
	if n, err := strconv.Atoi(strings.TrimPrefix(upper, "AR-")); err == nil && n > 0 {
		return r.AccessReviewByRef(ctx, orgID, n)
	}
	return r.AccessReview(ctx, orgID, ref)
}

// mayDecide allows the campaign's reviewers and ISMS managers to decide
// on its accounts and to complete it.
func (a Access) mayDecide(r isms.AccessReview) error {
	if a.Can(isms.PermWriteRecords) {
		return nil
	}
	if a.Role == isms.RoleContributor && r.IsReviewer(a.Member.ID) {
		return nil
	}
	if a.Role == isms.RoleContributor {
		return fmt.Errorf("only the reviewers of %s decide on its accounts: %w", r.Ref(), isms.ErrForbidden)
	}
	return a.require(isms.PermWriteRecords)
}

// AccessReviewRow is a line of the list of campaigns.
type AccessReviewRow struct {
	isms.AccessReview
	Tally   isms.ReviewTally
	Status  isms.ReviewStatus
	Overdue bool
}

// AccessReviews lists campaigns, newest first.
func (s *Service) AccessReviews(ctx context.Context, a Access, f store.AccessReviewFilter) ([]AccessReviewRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	f.Now = s.now()
	list, err := s.db.AccessReviews(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	tallies, err := s.db.ReviewTallies(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]AccessReviewRow, len(list))
	for i, r := range list {
		t := tallies[r.ID]
		out[i] = AccessReviewRow{AccessReview: r, Tally: t, Status: r.Status(t.Decided()), Overdue: r.Overdue(f.Now)}
	}
	return out, nil
}

// AccessReviewCounts summarises the campaigns.
func (s *Service) AccessReviewCounts(ctx context.Context, a Access) (store.AccessReviewCounts, error) {
	if err := a.require(isms.PermRead); err != nil {
		return store.AccessReviewCounts{}, err
	}
	return s.db.AccessReviewCounts(ctx, a.Org.ID, s.now())
}

// AccessReviewDetail is a campaign with its accounts.
type AccessReviewDetail struct {
	isms.AccessReview
	Accounts []isms.ReviewAccount
	Tally    isms.ReviewTally
	Status   isms.ReviewStatus
	Overdue  bool
	// Assets are the linked assets, by name.
	Assets []store.AssetLabel
	// Evidence is the item made on completion.
	Evidence *isms.Evidence
	// Names names members by id.
	Names map[string]string
}

// AccessReview returns a campaign by id or reference.
func (s *Service) AccessReview(ctx context.Context, a Access, ref string) (AccessReviewDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return AccessReviewDetail{}, err
	}
	r, err := reviewByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return AccessReviewDetail{}, err
	}
	return s.reviewDetail(ctx, s.db.Reads, a, r)
}

func (s *Service) reviewDetail(ctx context.Context, rd store.Reads, a Access, r isms.AccessReview) (AccessReviewDetail, error) {
	d := AccessReviewDetail{AccessReview: r, Overdue: r.Overdue(s.now())}
	var err error
	if d.Accounts, err = rd.ReviewAccounts(ctx, a.Org.ID, r.ID); err != nil {
		return d, err
	}
	d.Tally = isms.Tally(d.Accounts)
	d.Status = r.Status(d.Tally.Decided())
	if len(r.AssetIDs) > 0 {
		if d.Assets, err = rd.AssetLabels(ctx, a.Org.ID, r.AssetIDs, len(r.AssetIDs)); err != nil {
			return d, err
		}
	}
	if r.EvidenceID != "" {
		if e, err := rd.Evidence(ctx, a.Org.ID, r.EvidenceID); err == nil {
			d.Evidence = &e
		} else if !errors.Is(err, isms.ErrNotFound) {
			return d, err
		}
	}
	d.Names, err = s.memberNames(ctx, a.Org.ID)
	return d, err
}

// ReviewAccountInput is an account listed in a campaign.
type ReviewAccountInput struct {
	System, Account, Holder, Rights string
}

// AddReviewAccount lists an account in a campaign that is not complete.
func (s *Service) AddReviewAccount(ctx context.Context, a Access, ref string, in ReviewAccountInput) (isms.ReviewAccount, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ReviewAccount{}, err
	}
	var out isms.ReviewAccount
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := s.openReview(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		acc := isms.ReviewAccount{OrgID: a.Org.ID, ReviewID: r.ID, System: strings.TrimSpace(in.System), Account: strings.TrimSpace(in.Account),
			Holder: strings.TrimSpace(in.Holder), Rights: strings.TrimSpace(in.Rights)}
		if err := acc.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveReviewAccount(ctx, acc)
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "account", Detail: fmt.Sprintf("%s on %s is listed in %s already", acc.Account, acc.System, r.Ref())}
		}
		return err
	})
	return out, err
}

func (s *Service) openReview(ctx context.Context, tx *store.Tx, a Access, ref string) (isms.AccessReview, error) {
	r, err := reviewByRef(ctx, tx.Reads, a.Org.ID, ref)
	if err != nil {
		return r, err
	}
	if r.Complete() {
		return r, &isms.ConflictError{Field: "status", Detail: r.Ref() + " is complete; its accounts and decisions are the record of the review"}
	}
	return r, nil
}

// DecideReviewAccount records a reviewer's decision on an account: keep,
// change (with what changes) or revoke; "" withdraws a decision.
func (s *Service) DecideReviewAccount(ctx context.Context, a Access, ref, accountID, decision, note string) (isms.ReviewAccount, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.ReviewAccount{}, err
	}
	var out isms.ReviewAccount
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := reviewByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayDecide(r); err != nil {
			return err
		}
		if r.Complete() {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + " is complete; its decisions are the record of the review"}
		}
		acc, err := tx.ReviewAccount(ctx, a.Org.ID, r.ID, accountID)
		if err != nil {
			return err
		}
		acc.Decision, acc.DecisionNote = isms.Decision(strings.TrimSpace(decision)), strings.TrimSpace(note)
		acc.DecidedBy, acc.DecidedAt = "", nil
		if acc.Decided() {
			now := s.now()
			acc.DecidedBy, acc.DecidedAt = whoID(a), &now
		}
		if err := acc.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveReviewAccount(ctx, acc)
		return err
	})
	return out, err
}

// ReviewAccountColumns are the columns of the account CSV a campaign
// imports.
var ReviewAccountColumns = []string{"system", "account", "holder", "rights"}

// ImportReviewAccounts lists the accounts of a CSV file (system, account,
// holder, rights) in a campaign, whole or not at all: any problem, reported
// with its line and column, imports nothing. It returns how many accounts
// were added.
func (s *Service) ImportReviewAccounts(ctx context.Context, a Access, ref string, data []byte) (int, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return 0, err
	}
	table, problems := readCSV(data, ReviewAccountColumns, []string{"system", "account", "rights"})
	if len(problems) > 0 {
		return 0, problems
	}
	added := 0
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		added, problems = 0, nil
		r, err := s.openReview(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		existing, err := tx.ReviewAccounts(ctx, a.Org.ID, r.ID)
		if err != nil {
			return err
		}
		type key struct{ system, account string }
		seen := map[key]int{}
		for _, e := range existing {
			seen[key{e.System, e.Account}] = -1
		}
		var accounts []isms.ReviewAccount
		for _, row := range table.Rows {
			acc := isms.ReviewAccount{OrgID: a.Org.ID, ReviewID: r.ID, System: row.Values["system"], Account: row.Values["account"],
				Holder: row.Values["holder"], Rights: row.Values["rights"]}
			if err := acc.Validate(); err != nil {
				for _, fe := range isms.FieldErrors(err) {
					problems = append(problems, isms.RowProblem{Line: row.Line, Field: fe.Field, Detail: fe.Detail})
				}
				continue
			}
			k := key{acc.System, acc.Account}
			switch line, dup := seen[k]; {
			case dup && line < 0:
				problems = append(problems, isms.RowProblem{Line: row.Line, Field: "account",
					Detail: fmt.Sprintf("%s on %s is listed in %s already", acc.Account, acc.System, r.Ref())})
				continue
			case dup:
				problems = append(problems, isms.RowProblem{Line: row.Line, Field: "account",
					Detail: fmt.Sprintf("%s on %s is on line %d already", acc.Account, acc.System, line)})
				continue
			}
			seen[k] = row.Line
			accounts = append(accounts, acc)
		}
		if len(problems) > 0 {
			if len(problems) > maxImportProblems {
				problems = problems[:maxImportProblems]
			}
			return problems
		}
		for _, acc := range accounts {
			if _, err := tx.SaveReviewAccount(ctx, acc); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// CompleteAccessReview closes a campaign once every account is decided,
// and records what it found as a written evidence item for A.5.18 (who
// reviewed what, for which period, and how many accounts were kept,
// changed and revoked), which the campaign then names.
func (s *Service) CompleteAccessReview(ctx context.Context, a Access, ref string) (AccessReviewDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return AccessReviewDetail{}, err
	}
	var out AccessReviewDetail
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := reviewByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayDecide(r); err != nil {
			return err
		}
		if r.Complete() {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + " is complete already"}
		}
		accounts, err := tx.ReviewAccounts(ctx, a.Org.ID, r.ID)
		if err != nil {
			return err
		}
		t := isms.Tally(accounts)
		switch {
		case t.Accounts == 0:
			return &isms.ConflictError{Field: "accounts", Detail: r.Ref() + " lists no accounts; list or import them, then decide on each"}
		case t.Undecided() > 0:
			return &isms.ConflictError{Field: "accounts", Detail: fmt.Sprintf("%d of the %d accounts of %s are not decided yet; "+
				"every account needs keep, change or revoke", t.Undecided(), t.Accounts, r.Ref())}
		}
		now := s.now()
		names, err := s.memberNames(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		var assets []store.AssetLabel
		if len(r.AssetIDs) > 0 {
			if assets, err = tx.AssetLabels(ctx, a.Org.ID, r.AssetIDs, len(r.AssetIDs)); err != nil {
				return err
			}
		}
		r.CompletedAt, r.CompletedBy = &now, whoID(a)
		start, end := r.CreatedAt, now
		if r.PeriodStart != nil {
			start = *r.PeriodStart
		}
		if r.PeriodEnd != nil {
			end = *r.PeriodEnd
		}
		if start.After(end) {
			start = end
		}
		e := isms.Evidence{OrgID: a.Org.ID, Kind: isms.EvidenceRecord, Title: clipRunes("Access review "+r.Ref()+": "+r.Title, 300),
			Description: fmt.Sprintf("Made by isms when %s was completed: %d accounts reviewed, %d kept, %d changed, %d revoked.",
				r.Ref(), t.Accounts, t.Kept, t.Changed, t.Revoked),
			Body: reviewSummary(r, accounts, t, assets, names), PeriodStart: start, PeriodEnd: end, CollectedBy: a.Member.ID,
			Cadence: isms.Quarterly}
		if err := e.Validate(); err != nil {
			return err
		}
		saved, err := tx.SaveEvidence(ctx, e)
		if err != nil {
			return err
		}
		if err := tx.SetEvidenceLinks(ctx, a.Org.ID, saved.ID, []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: accessControl}}); err != nil {
			return err
		}
		r.EvidenceID = saved.ID
		if r, err = tx.UpdateAccessReview(ctx, r); err != nil {
			return err
		}
		out, err = s.reviewDetail(ctx, tx.Reads, a, r)
		return err
	})
	return out, err
}

// reviewSummary is the written record of a completed campaign.
func reviewSummary(r isms.AccessReview, accounts []isms.ReviewAccount, t isms.ReviewTally, assets []store.AssetLabel,
	names map[string]string) string {
	name := func(id string) string {
		if n, ok := names[id]; ok && n != "" {
			return n
		}
		return id
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Access review %s: %s\n\n", r.Ref(), r.Title)
	fmt.Fprintf(&b, "Completed: %s by %s\n", r.CompletedAt.Format(time.DateOnly), name(r.CompletedBy))
	switch {
	case r.PeriodStart != nil && r.PeriodEnd != nil:
		fmt.Fprintf(&b, "Period reviewed: %s to %s\n", r.PeriodStart.Format(time.DateOnly), r.PeriodEnd.Format(time.DateOnly))
	case r.PeriodEnd != nil:
		fmt.Fprintf(&b, "Period reviewed: up to %s\n", r.PeriodEnd.Format(time.DateOnly))
	default:
		fmt.Fprintf(&b, "Period reviewed: access as it stood from %s to %s\n", r.CreatedAt.Format(time.DateOnly), r.CompletedAt.Format(time.DateOnly))
	}
	systems := slices.Clone(r.Systems)
	for _, l := range assets {
		if !slices.Contains(systems, l.Name) {
			systems = append(systems, l.Name)
		}
	}
	fmt.Fprintf(&b, "Systems: %s\n", strings.Join(systems, ", "))
	reviewers := make([]string, len(r.ReviewerIDs))
	for i, id := range r.ReviewerIDs {
		reviewers[i] = name(id)
	}
	fmt.Fprintf(&b, "Reviewers: %s\n", strings.Join(reviewers, ", "))
	fmt.Fprintf(&b, "Due: %s\n\n", r.DueDate.Format(time.DateOnly))
	fmt.Fprintf(&b, "Accounts reviewed: %d\nKept: %d\nChanged: %d\nRevoked: %d\n", t.Accounts, t.Kept, t.Changed, t.Revoked)
	for _, d := range []isms.Decision{isms.DecisionChange, isms.DecisionRevoke} {
		var lines []string
		for _, acc := range accounts {
			if acc.Decision != d {
				continue
			}
			l := fmt.Sprintf("- %s / %s", acc.System, acc.Account)
			if acc.Holder != "" {
				l += " (" + acc.Holder + ")"
			}
			l += ": " + acc.Rights
			if acc.DecisionNote != "" {
				l += " — " + acc.DecisionNote
			}
			l += fmt.Sprintf(" [%s, %s]", name(acc.DecidedBy), acc.DecidedAt.Format(time.DateOnly))
			lines = append(lines, l)
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n%s:\n%s\n", map[isms.Decision]string{isms.DecisionChange: "Changed", isms.DecisionRevoke: "Revoked"}[d],
				strings.Join(lines, "\n"))
		}
	}
	return b.String()
}
