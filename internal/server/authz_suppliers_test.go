package server_test

import (
	"context"
	"time"

	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the supplier register: each call that changes
// one gets its own, made by the operator.

// supplier adds a fresh supplier and returns its id.
func (f *fixture) supplier() string {
	f.t.Helper()
	s, err := f.svc.CreateSupplier(context.Background(), f.op, isms.Supplier{Name: "Supplier " + f.unique(), Kind: isms.SupplierCloud,
		Criticality: isms.CriticalityHigh})
	if err != nil {
		f.t.Fatal(err)
	}
	return s.ID
}

// supplierLink makes a fresh supplier with a dependent asset and returns
// the supplier's id and the link's.
func (f *fixture) supplierLink() (string, string) {
	f.t.Helper()
	id := f.supplier()
	l, err := f.svc.LinkSupplierAsset(context.Background(), f.op, id, f.apiAsset(""))
	if err != nil {
		f.t.Fatal(err)
	}
	return id, l.ID
}

// supplierCert makes a fresh supplier with a certification and returns
// the supplier's id and the certification's.
func (f *fixture) supplierCert() (string, string) {
	f.t.Helper()
	id := f.supplier()
	c, err := f.svc.AddCertification(context.Background(), f.op, isms.Certification{SupplierID: id, Kind: isms.CertSOC2Type2,
		ValidUntil: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		f.t.Fatal(err)
	}
	return id, c.ID
}

// supplierAssessment makes a fresh supplier with an assessment and returns
// the supplier's id and the assessment's.
func (f *fixture) supplierAssessment() (string, string) {
	f.t.Helper()
	id := f.supplier()
	a, err := f.svc.AddAssessment(context.Background(), f.op, isms.Assessment{SupplierID: id, AssessedOn: time.Now().AddDate(0, 0, -1),
		Assessor: "Operator", Result: isms.AssessmentPass})
	if err != nil {
		f.t.Fatal(err)
	}
	return id, a.ID
}
