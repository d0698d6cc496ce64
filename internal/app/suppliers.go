package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
	"github.com/isms-dev/isms/internal/supplier"
)

// SupplierControls are the controls of ISO/IEC 27001:2022 the supplier
// register is evidence for: supplier relationships (5.19), agreements
// (5.20), the ICT and AI supply chain (5.21), monitoring and review
// (5.22) and cloud services (5.23).
var SupplierControls = []string{"iso27001-2022:A.5.19", "iso27001-2022:A.5.20", "iso27001-2022:A.5.21", "iso27001-2022:A.5.22",
	"iso27001-2022:A.5.23"}

// SupplierRow is a supplier of the register with what it is judged on.
type SupplierRow struct {
	isms.Supplier
	Flags []isms.Flag
	// Assets counts the assets that depend on the supplier.
	Assets int
	// Latest is the latest assessment, nil before the first.
	Latest *isms.Assessment
}

// register reads the organisation's whole register, judged at now.
func (s *Service) supplierRegister(ctx context.Context, r store.Reads, orgID string) ([]SupplierRow, error) {
	list, err := r.Suppliers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	// PostgreSQL may sort names by its locale; pages are cut by comparing
	// bytes, so the order must be by bytes on either database.
	slices.SortFunc(list, func(a, b isms.Supplier) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	certs, err := r.Certifications(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	assessments, err := r.Assessments(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	links, err := r.SupplierAssets(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	certsOf := map[string][]isms.Certification{}
	for _, c := range certs {
		certsOf[c.SupplierID] = append(certsOf[c.SupplierID], c)
	}
	assessmentsOf := map[string][]isms.Assessment{}
	for _, x := range assessments {
		assessmentsOf[x.SupplierID] = append(assessmentsOf[x.SupplierID], x)
	}
	assetsOf := map[string]int{}
	for _, l := range links {
		assetsOf[l.SupplierID]++
	}
	now := s.now()
	rows := make([]SupplierRow, len(list))
	for i, sup := range list {
		rows[i] = SupplierRow{Supplier: sup, Assets: assetsOf[sup.ID],
			Flags: isms.SupplierFlags(sup, certsOf[sup.ID], assessmentsOf[sup.ID], now)}
		// Assessments come latest first.
		if as := assessmentsOf[sup.ID]; len(as) > 0 {
			rows[i].Latest = &as[0]
		}
	}
	return rows, nil
}

// SupplierPage is a page of the register.
type SupplierPage struct {
	Suppliers []SupplierRow
	Next      string
	// Total counts the suppliers the filter selects; Flagged those of
	// them with a flag.
	Total   int
	Flagged int
}

// ListSuppliers returns a page of the register in name order. The flags
// depend on the day and on each supplier's certifications and
// assessments, so the register, which isms.MaxSuppliers bounds, is judged
// whole and filtered here, with the one definition of the flags.
func (s *Service) ListSuppliers(ctx context.Context, a Access, f isms.SupplierFilter) (SupplierPage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return SupplierPage{}, err
	}
	if err := f.Validate(); err != nil {
		return SupplierPage{}, err
	}
	rows, err := s.supplierRegister(ctx, s.db.Reads, a.Org.ID)
	if err != nil {
		return SupplierPage{}, err
	}
	var p SupplierPage
	var matched []SupplierRow
	for _, r := range rows {
		if f.Match(r.Supplier, r.Flags) {
			matched = append(matched, r)
			if len(r.Flags) > 0 {
				p.Flagged++
			}
		}
	}
	p.Total = len(matched)
	key := func(r SupplierRow) string { return r.Name + "\n" + r.ID }
	p.Suppliers, p.Next, err = listPage(f.Cursor, f.Limit, func(after string, limit int) ([]SupplierRow, error) {
		start := 0
		if after != "" {
			start, _ = slices.BinarySearchFunc(matched, after, func(r SupplierRow, k string) int {
				return strings.Compare(key(r), k)
			})
			if start < len(matched) && key(matched[start]) == after {
				start++
			}
		}
		return matched[start:min(start+limit, len(matched))], nil
	}, key)
	return p, err
}

// SupplierDetail is everything the register holds about a supplier.
type SupplierDetail struct {
	SupplierRow
	Certifications []isms.Certification
	Assessments    []isms.Assessment
	// Assets are the assets that depend on the supplier, each with the
	// id of its link.
	Assets []LinkedAsset
}

// LinkedAsset is an asset that depends on a supplier.
type LinkedAsset struct {
	store.AssetLabel
	LinkID string
}

// Supplier returns one supplier with its certifications, assessments
// and dependent assets.
func (s *Service) Supplier(ctx context.Context, a Access, id string) (SupplierDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return SupplierDetail{}, err
	}
	var d SupplierDetail
	sup, err := s.db.Supplier(ctx, a.Org.ID, id)
	if err != nil {
		return d, err
	}
	if d.Certifications, err = s.db.Certifications(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	if d.Assessments, err = s.db.Assessments(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	links, err := s.db.SupplierAssets(ctx, a.Org.ID, id)
	if err != nil {
		return d, err
	}
	ids := make([]string, len(links))
	linkOf := map[string]string{}
	for i, l := range links {
		ids[i], linkOf[l.AssetID] = l.AssetID, l.ID
	}
	labels, err := s.db.AssetLabels(ctx, a.Org.ID, ids, 0)
	if err != nil {
		return d, err
	}
	for _, l := range labels {
		d.Assets = append(d.Assets, LinkedAsset{AssetLabel: l, LinkID: linkOf[l.ID]})
	}
	d.SupplierRow = SupplierRow{Supplier: sup, Assets: len(d.Assets),
		Flags: isms.SupplierFlags(sup, d.Certifications, d.Assessments, s.now())}
	if len(d.Assessments) > 0 {
		d.Latest = &d.Assessments[0]
	}
	return d, nil
}

// validateSupplier checks a supplier's fields, its owner and, against
// the rest of the register, its name.
func (s *Service) validateSupplier(ctx context.Context, tx *store.Tx, orgID string, in *isms.Supplier) error {
	v := &isms.ValidationError{}
	if err := in.Validate(s.now()); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	if err := s.checkMembers(ctx, tx, orgID, v, map[string]string{"owner_id": in.OwnerID}); err != nil {
		return err
	}
	return v.Err()
}

// sameName finds a supplier of the register with the name, ignoring case,
// so "Acme" and "ACME" do not become two suppliers.
func sameName(list []isms.Supplier, name, exceptID string) (isms.Supplier, bool) {
	for _, x := range list {
		if x.ID != exceptID && strings.EqualFold(x.Name, name) {
			return x, true
		}
	}
	return isms.Supplier{}, false
}

func nameTaken(name string) error {
	return &isms.ConflictError{Field: "name", Detail: fmt.Sprintf("%q is already in the supplier register", name)}
}

// CreateSupplier adds a supplier to the register.
func (s *Service) CreateSupplier(ctx context.Context, a Access, in isms.Supplier) (isms.Supplier, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Supplier{}, err
	}
	in.OrgID = a.Org.ID
	var out isms.Supplier
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if err := s.validateSupplier(ctx, tx, a.Org.ID, &in); err != nil {
			return err
		}
		list, err := tx.Suppliers(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		if _, taken := sameName(list, in.Name, ""); taken {
			return nameTaken(in.Name)
		}
		if len(list) >= isms.MaxSuppliers {
			return isms.Invalid("name", "the register holds %d suppliers, the most isms keeps for one organisation", isms.MaxSuppliers)
		}
		out, err = tx.CreateSupplier(ctx, in)
		return err
	})
	return out, err
}

// UpdateSupplier replaces a supplier's fields.
func (s *Service) UpdateSupplier(ctx context.Context, a Access, in isms.Supplier) (isms.Supplier, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Supplier{}, err
	}
	var out isms.Supplier
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		cur, err := tx.Supplier(ctx, a.Org.ID, in.ID)
		if err != nil {
			return err
		}
		in.OrgID, in.CreatedAt = a.Org.ID, cur.CreatedAt
		if err := s.validateSupplier(ctx, tx, a.Org.ID, &in); err != nil {
			return err
		}
		list, err := tx.Suppliers(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		if _, taken := sameName(list, in.Name, in.ID); taken {
			return nameTaken(in.Name)
		}
		out, err = tx.UpdateSupplier(ctx, in)
		return err
	})
	return out, err
}

// DeleteSupplier removes a supplier and everything recorded about it.
// The ledger keeps what it was; an ended relationship is usually better
// kept with the status ended.
func (s *Service) DeleteSupplier(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.DeleteSupplier(ctx, a.Org.ID, id)
	})
}

// ReviewSupplier records that a supplier was reviewed today (A.5.22).
func (s *Service) ReviewSupplier(ctx context.Context, a Access, id string) (isms.Supplier, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Supplier{}, err
	}
	var out isms.Supplier
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		cur, err := tx.Supplier(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		now := tx.Now()
		cur.LastReviewed = &now
		out, err = tx.UpdateSupplier(ctx, cur)
		return err
	})
	return out, err
}

// LinkSupplierAsset records that an asset depends on a supplier.
func (s *Service) LinkSupplierAsset(ctx context.Context, a Access, supplierID, assetID string) (store.SupplierAsset, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return store.SupplierAsset{}, err
	}
	var out store.SupplierAsset
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := tx.Supplier(ctx, a.Org.ID, supplierID); err != nil {
			return err
		}
		if _, err := tx.Asset(ctx, a.Org.ID, assetID); errors.Is(err, isms.ErrNotFound) {
			return isms.Invalid("asset_id", "is not an asset of this organisation")
		} else if err != nil {
			return err
		}
		var err error
		out, err = tx.LinkSupplierAsset(ctx, store.SupplierAsset{OrgID: a.Org.ID, SupplierID: supplierID, AssetID: assetID})
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "asset_id", Detail: "already depends on this supplier"}
		}
		return err
	})
	return out, err
}

// UnlinkSupplierAsset removes an asset's dependency on a supplier.
func (s *Service) UnlinkSupplierAsset(ctx context.Context, a Access, supplierID, linkID string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.UnlinkSupplierAsset(ctx, a.Org.ID, supplierID, linkID)
	})
}

// AddCertification records a certification a supplier holds.
func (s *Service) AddCertification(ctx context.Context, a Access, in isms.Certification) (isms.Certification, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Certification{}, err
	}
	if err := in.Validate(); err != nil {
		return isms.Certification{}, err
	}
	in.OrgID = a.Org.ID
	var out isms.Certification
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := tx.Supplier(ctx, a.Org.ID, in.SupplierID); err != nil {
			return err
		}
		var err error
		out, err = tx.AddCertification(ctx, in)
		return err
	})
	return out, err
}

// RemoveCertification removes a certification recorded in error, or one
// no longer worth keeping; a lapsed one is better kept beside its renewal.
func (s *Service) RemoveCertification(ctx context.Context, a Access, supplierID, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.RemoveCertification(ctx, a.Org.ID, supplierID, id)
	})
}

// AddAssessment records a security assessment of a supplier.
func (s *Service) AddAssessment(ctx context.Context, a Access, in isms.Assessment) (isms.Assessment, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Assessment{}, err
	}
	if err := in.Validate(s.now()); err != nil {
		return isms.Assessment{}, err
	}
	in.OrgID = a.Org.ID
	var out isms.Assessment
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := tx.Supplier(ctx, a.Org.ID, in.SupplierID); err != nil {
			return err
		}
		var err error
		out, err = tx.AddAssessment(ctx, in)
		return err
	})
	return out, err
}

// RemoveAssessment removes an assessment recorded in error.
func (s *Service) RemoveAssessment(ctx context.Context, a Access, supplierID, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.RemoveAssessment(ctx, a.Org.ID, supplierID, id)
	})
}

// SupplierImport is what an import did, or would do in a dry run.
type SupplierImport struct {
	Created []string
	Updated []string
	DryRun  bool
}

// ImportSuppliers reads a supplier CSV and adds its suppliers to the
// register, updating those already in it by name. Either every row is
// taken or none: a problem anywhere, in the file or against the register,
// comes back naming its line and column and nothing is written.
func (s *Service) ImportSuppliers(ctx context.Context, a Access, name string, in io.Reader, dryRun bool) (SupplierImport, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return SupplierImport{}, err
	}
	rows, err := supplier.ReadCSV(name, in)
	if err != nil {
		return SupplierImport{}, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return SupplierImport{}, err
	}
	byEmail := map[string]isms.Member{}
	for _, m := range members {
		if m.Active(s.now()) {
			byEmail[strings.ToLower(m.Email)] = m
		}
	}
	var out SupplierImport
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = SupplierImport{DryRun: dryRun}
		list, err := tx.Suppliers(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		var problems supplier.Problems
		report := func(line int, fields []isms.FieldError) {
			for _, fe := range fields {
				problems = append(problems, supplier.Problem{File: name, Line: line, Field: supplierCSVField(fe.Field), Message: fe.Detail})
			}
		}
		type change struct {
			next   isms.Supplier
			exists bool
		}
		var changes []change
		fresh := 0
		for _, row := range rows {
			next := row.Supplier
			cur, exists := sameName(list, next.Name, "")
			if exists {
				// Columns the file does not have keep what the register
				// says; certifications, assessments and assets stay.
				next = row.Over(cur)
			} else {
				fresh++
			}
			next.OrgID = a.Org.ID
			if row.Has("owner") {
				next.OwnerID = ""
				if row.Owner != "" {
					m, ok := byEmail[row.Owner]
					if !ok {
						report(row.Line, []isms.FieldError{{Field: "owner", Detail: row.Owner + " is not a member of this organisation"}})
						continue
					}
					next.OwnerID = m.ID
				}
			}
			if err := s.validateSupplier(ctx, tx, a.Org.ID, &next); err != nil {
				fields := isms.FieldErrors(err)
				if fields == nil {
					return err
				}
				report(row.Line, fields)
				continue
			}
			changes = append(changes, change{next, exists})
		}
		if len(list)+fresh > isms.MaxSuppliers {
			problems = append(problems, supplier.Problem{File: name, Message: fmt.Sprintf("the register would hold %d suppliers, more than the %d isms keeps for one organisation",
				len(list)+fresh, isms.MaxSuppliers)})
		}
		if len(problems) > 0 {
			return problems
		}
		for _, c := range changes {
			if c.exists {
				if _, err := tx.UpdateSupplier(ctx, c.next); err != nil {
					return err
				}
				out.Updated = append(out.Updated, c.next.Name)
				continue
			}
			if _, err := tx.CreateSupplier(ctx, c.next); err != nil {
				return err
			}
			out.Created = append(out.Created, c.next.Name)
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return out, err
}

// csvField names the CSV column a field error of the domain is about.
func supplierCSVField(field string) string {
	if field == "owner_id" {
		return "owner"
	}
	return field
}

// selectSuppliers returns the suppliers a filter selects, all of them,
// with the organisation's members by id.
func (s *Service) selectSuppliers(ctx context.Context, a Access, f isms.SupplierFilter) ([]SupplierRow, map[string]isms.Member, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	rows, err := s.supplierRegister(ctx, s.db.Reads, a.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	rows = slices.DeleteFunc(rows, func(r SupplierRow) bool { return !f.Match(r.Supplier, r.Flags) })
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]isms.Member{}
	for _, m := range members {
		byID[m.ID] = m
	}
	return rows, byID, nil
}

// ExportSuppliersCSV writes the suppliers a filter selects as the
// supplier CSV, which ImportSuppliers reads back.
func (s *Service) ExportSuppliersCSV(ctx context.Context, a Access, f isms.SupplierFilter, w io.Writer) error {
	rows, members, err := s.selectSuppliers(ctx, a, f)
	if err != nil {
		return err
	}
	out := make([]supplier.Row, len(rows))
	for i, r := range rows {
		out[i] = supplier.Row{Supplier: r.Supplier, Owner: members[r.OwnerID].Email}
	}
	return supplier.WriteCSV(w, out)
}

// ExportSuppliersXLSX writes the suppliers a filter selects as a
// spreadsheet for an auditor, with their assurance and flags.
func (s *Service) ExportSuppliersXLSX(ctx context.Context, a Access, f isms.SupplierFilter, w io.Writer) error {
	rows, members, err := s.selectSuppliers(ctx, a, f)
	if err != nil {
		return err
	}
	certs, err := s.db.Certifications(ctx, a.Org.ID, "")
	if err != nil {
		return err
	}
	links, err := s.db.SupplierAssets(ctx, a.Org.ID, "")
	if err != nil {
		return err
	}
	assetIDs := make([]string, 0, len(links))
	for _, l := range links {
		assetIDs = append(assetIDs, l.AssetID)
	}
	labels, err := s.db.AssetLabels(ctx, a.Org.ID, assetIDs, 0)
	if err != nil {
		return err
	}
	assetName := map[string]string{}
	for _, l := range labels {
		assetName[l.ID] = l.Name
	}
	assetsOf, certsOf := map[string][]string{}, map[string][]string{}
	for _, l := range links {
		assetsOf[l.SupplierID] = append(assetsOf[l.SupplierID], assetName[l.AssetID])
	}
	for _, c := range certs {
		certsOf[c.SupplierID] = append(certsOf[c.SupplierID], c.Kind.Label()+", until "+c.ValidUntil.Format(time.DateOnly))
	}
	out := make([]report.Supplier, len(rows))
	for i, r := range rows {
		x := report.Supplier{Name: r.Name, Kind: r.Kind.Label(), Criticality: r.Criticality.Label(), Status: r.Status.Label(),
			Owner: members[r.OwnerID].Name, Services: r.Services, DataLocation: r.DataLocation, IncidentHours: r.IncidentHours,
			ContractEnds: r.ContractEnds, LastReviewed: r.LastReviewed, ReviewCadence: string(r.ReviewCadence), ExitPlan: r.ExitPlan,
			Assets: assetsOf[r.ID], Certifications: certsOf[r.ID]}
		next := r.NextReview()
		x.NextReview = &next
		for _, d := range r.DataShared {
			x.DataShared = append(x.DataShared, d.Label())
		}
		for _, k := range r.Clauses {
			c, _ := isms.ClauseByKey(k)
			x.Clauses = append(x.Clauses, c.Label)
		}
		for _, c := range r.MissingClauses() {
			x.MissingClauses = append(x.MissingClauses, c.Label)
		}
		if r.Latest != nil {
			x.Assessment = fmt.Sprintf("%s, %s, %s", r.Latest.Result.Label(), r.Latest.AssessedOn.Format(time.DateOnly), r.Latest.Assessor)
		}
		for _, fl := range r.Flags {
			x.Flags = append(x.Flags, fl.Kind.Label()+": "+fl.Detail)
		}
		out[i] = x
	}
	return report.SuppliersXLSX(w, a.Org.Name, s.now(), out)
}

// SupplierMetrics are the figures the pages of the supplier controls
// show as live evidence.
type SupplierMetrics struct {
	Total    int
	Active   int
	Critical int
	// ByFlag counts the suppliers raising each flag.
	ByFlag  map[isms.FlagKind]int
	Flagged int
	// CertsCurrent counts suppliers holding at least one certification
	// that has not lapsed; Assessed those with an assessment.
	CertsCurrent int
	Assessed     int
}

// SupplierMetrics judges the register for the control pages.
func (s *Service) SupplierMetrics(ctx context.Context, a Access) (SupplierMetrics, error) {
	if err := a.require(isms.PermRead); err != nil {
		return SupplierMetrics{}, err
	}
	rows, err := s.supplierRegister(ctx, s.db.Reads, a.Org.ID)
	if err != nil {
		return SupplierMetrics{}, err
	}
	certs, err := s.db.Certifications(ctx, a.Org.ID, "")
	if err != nil {
		return SupplierMetrics{}, err
	}
	now := s.now()
	current := map[string]bool{}
	for _, c := range certs {
		if c.ValidUntil.After(now) {
			current[c.SupplierID] = true
		}
	}
	m := SupplierMetrics{ByFlag: map[isms.FlagKind]int{}}
	for _, r := range rows {
		if r.Status == isms.SupplierEnded {
			continue
		}
		m.Total++
		if r.Status == isms.SupplierActive {
			m.Active++
		}
		if r.Criticality == isms.CriticalityCritical {
			m.Critical++
		}
		if len(r.Flags) > 0 {
			m.Flagged++
		}
		seen := map[isms.FlagKind]bool{}
		for _, f := range r.Flags {
			if !seen[f.Kind] {
				m.ByFlag[f.Kind]++
				seen[f.Kind] = true
			}
		}
		if current[r.ID] {
			m.CertsCurrent++
		}
		if r.Latest != nil {
			m.Assessed++
		}
	}
	return m, nil
}
