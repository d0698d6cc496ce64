package framework

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func builtinLib(t testing.TB) *Library {
	t.Helper()
	lib, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func mustFramework(t testing.TB, lib *Library, id string) *Framework {
	t.Helper()
	f, ok := lib.Framework(id)
	if !ok {
		t.Fatalf("no framework %s", id)
	}
	return f
}

// countUnder counts the items of a kind whose parent chain reaches top.
func countUnder(f *Framework, top string, kind ItemKind) int {
	n := 0
	for _, it := range f.Items {
		if it.Kind != kind {
			continue
		}
		for p := it.Parent; p != ""; {
			if p == top {
				n++
				break
			}
			parent, _ := f.Item(p)
			p = parent.Parent
		}
	}
	return n
}

func TestISO27001v2022(t *testing.T) {
	f := mustFramework(t, builtinLib(t), ISO27001v2022)
	if n := f.Count(ItemControl); n != 93 {
		t.Errorf("Annex A controls = %d, want 93", n)
	}
	for theme, want := range map[string]int{"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34} {
		if got := countUnder(f, theme, ItemControl); got != want {
			t.Errorf("theme %s has %d controls, want %d", theme, got, want)
		}
	}
	if n := f.Count(ItemTheme); n != 4 {
		t.Errorf("themes = %d, want 4", n)
	}
	for theme, last := range map[string]int{"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34} {
		for i := 1; i <= last; i++ {
			if _, ok := f.Item(fmt.Sprintf("%s.%d", theme, i)); !ok {
				t.Errorf("no control %s.%d", theme, i)
			}
		}
	}
	// The assessable clause leaves of clauses 4–10. The issue that set
	// this catalog counted 31, but the leaves it lists (the same as the
	// standard's) number 30: 4.1–4.4, 5.1–5.3, 6.1.1–6.1.3, 6.2, 6.3,
	// 7.1–7.4, 7.5.1–7.5.3, 8.1–8.3, 9.1, 9.2.1, 9.2.2, 9.3.1–9.3.3,
	// 10.1, 10.2.
	wantClauses := []string{"4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
		"7.1", "7.2", "7.3", "7.4", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3", "9.1", "9.2.1", "9.2.2",
		"9.3.1", "9.3.2", "9.3.3", "10.1", "10.2"}
	var clauses []string
	for _, it := range f.Items {
		if it.Kind == ItemClause && it.Assessable {
			clauses = append(clauses, it.ID)
		}
	}
	if !slices.Equal(clauses, wantClauses) {
		t.Errorf("assessable clauses = %v, want %v", clauses, wantClauses)
	}
	for _, c := range []struct{ id, title string }{
		{"10.1", "Continual improvement"}, {"10.2", "Nonconformity and corrective action"}, {"6.3", "Planning of changes"},
		{"A.8.1", "User end point devices"}, {"A.8.25", "Secure development life cycle"}, {"A.5.7", "Threat intelligence"},
	} {
		if it, _ := f.Item(c.id); it == nil || it.Title != c.title {
			t.Errorf("%s title = %v, want %q", c.id, it, c.title)
		}
	}
	// Amendment 1:2024 (climate action) is part of 4.1 and 4.2.
	for _, id := range []string{"4.1", "4.2"} {
		it, _ := f.Item(id)
		if !strings.Contains(strings.ToLower(it.Description+it.Guidance), "climate") {
			t.Errorf("clause %s does not cover the 2024 climate amendment", id)
		}
	}
	for _, it := range f.Items {
		if it.Description == "" {
			t.Errorf("%s has no description", it.ID)
		}
	}
}

func TestISO27001v2013AndTheMappingTo2022(t *testing.T) {
	lib := builtinLib(t)
	f := mustFramework(t, lib, ISO27001v2013)
	if got := [3]int{f.Count(ItemCategory), f.Count(ItemObjective), f.Count(ItemControl)}; got != [3]int{14, 35, 114} {
		t.Errorf("categories, objectives, controls = %v, want [14 35 114]", got)
	}
	perCategory := map[string]int{"A.5": 2, "A.6": 7, "A.7": 6, "A.8": 10, "A.9": 14, "A.10": 2, "A.11": 15, "A.12": 14,
		"A.13": 7, "A.14": 13, "A.15": 5, "A.16": 7, "A.17": 4, "A.18": 8}
	for cat, want := range perCategory {
		if got := countUnder(f, cat, ItemControl); got != want {
			t.Errorf("category %s has %d controls, want %d", cat, got, want)
		}
	}

	sources := map[string]bool{}
	targets := map[string]bool{}
	rows := 0
	for _, it := range f.Items {
		if it.Kind != ItemControl {
			continue
		}
		for _, m := range lib.Outgoing(Ref{ISO27001v2013, it.ID}) {
			if m.Relation == RelSuccessor && m.To.Framework == ISO27001v2022 {
				sources[it.ID] = true
				targets[m.To.Item] = true
				rows++
			}
		}
	}
	if len(sources) != 114 || rows != 115 || len(targets) != 82 {
		t.Errorf("2013→2022: %d sources, %d rows, %d targets; want 114, 115, 82", len(sources), rows, len(targets))
	}
	var split []string
	for _, m := range lib.Outgoing(Ref{ISO27001v2013, "A.18.2.3"}) {
		split = append(split, m.To.Item)
	}
	slices.Sort(split)
	if !slices.Equal(split, []string{"A.5.36", "A.8.8"}) {
		t.Errorf("A.18.2.3 maps to %v, want A.5.36 and A.8.8", split)
	}
	// Usable both ways: the 2022 controls without a predecessor are the
	// 11 new ones.
	var fresh []string
	for _, it := range mustFramework(t, lib, ISO27001v2022).Items {
		if it.Kind != ItemControl {
			continue
		}
		has := false
		for _, m := range lib.Incoming(Ref{ISO27001v2022, it.ID}) {
			if m.Relation == RelSuccessor && m.From.Framework == ISO27001v2013 {
				has = true
			}
		}
		if !has {
			fresh = append(fresh, it.ID)
		}
	}
	wantNew := []string{"A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10", "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28"}
	if !slices.Equal(fresh, wantNew) {
		t.Errorf("2022 controls without a 2013 predecessor = %v, want %v", fresh, wantNew)
	}
	newAttr := 0
	for _, it := range mustFramework(t, lib, ISO27001v2022).Items {
		if slices.Contains(it.Attr("new_in_2022"), "yes") {
			newAttr++
			if !slices.Contains(wantNew, it.ID) {
				t.Errorf("%s is marked new in 2022 but has a predecessor", it.ID)
			}
		}
	}
	if newAttr != 11 {
		t.Errorf("%d controls marked new in 2022, want 11", newAttr)
	}
}

func TestISO42001(t *testing.T) {
	lib := builtinLib(t)
	f := mustFramework(t, lib, ISO42001)
	if n := f.Count(ItemControl); n != 38 {
		t.Errorf("Annex A controls = %d, want 38", n)
	}
	perTopic := map[string]int{"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}
	for topic, want := range perTopic {
		if got := countUnder(f, topic, ItemControl); got != want {
			t.Errorf("topic %s has %d controls, want %d", topic, got, want)
		}
	}
	for _, id := range []string{"A.2.2", "A.6.2.8", "A.10.4", "6.1.4", "8.4"} {
		if _, ok := f.Item(id); !ok {
			t.Errorf("no item %s", id)
		}
	}
	toISO27001 := 0
	for _, m := range f.Mappings {
		if m.To.Framework == ISO27001v2022 {
			toISO27001++
		}
	}
	if toISO27001 < 30 {
		t.Errorf("only %d mappings from 42001 to 27001:2022", toISO27001)
	}
}

func TestOverlayRequirementsImplementControls(t *testing.T) {
	lib := builtinLib(t)
	f := mustFramework(t, lib, AISecurity)
	areas := []string{"AIS-AM-01", "AIS-AM-02", "AIS-AM-03", "AIS-AM-04", "AIS-AC-01", "AIS-AC-02", "AIS-MP-01", "AIS-MP-02",
		"AIS-MP-03", "AIS-DP-01", "AIS-DP-02", "AIS-DP-03", "AIS-DP-04", "AIS-IN-01", "AIS-IN-02", "AIS-IN-03", "AIS-IN-04",
		"AIS-DV-01", "AIS-DV-02", "AIS-DV-03", "AIS-DV-04", "AIS-IR-01", "AIS-IR-02", "AIS-IR-03", "AIS-IR-04"}
	for _, id := range areas {
		it, ok := f.Item(id)
		if !ok {
			t.Errorf("overlay requirement %s is missing", id)
			continue
		}
		if it.Guidance == "" {
			t.Errorf("%s has no guidance for ML engineers", id)
		}
		in := map[string]int{}
		for _, m := range lib.Outgoing(Ref{AISecurity, id}) {
			if m.Relation != RelImplements {
				continue
			}
			if _, target, ok := lib.Resolve(m.To); !ok || target.Kind != ItemControl {
				t.Errorf("%s implements %s, which is not a control", id, m.To)
			}
			in[m.To.Framework]++
		}
		if in[ISO27001v2022] == 0 || in[ISO42001] == 0 {
			t.Errorf("%s implements %d ISO/IEC 27001:2022 and %d ISO/IEC 42001 controls; want both", id, in[ISO27001v2022], in[ISO42001])
		}
	}
	if n := f.Count(ItemRequirement); n != len(areas) {
		t.Errorf("overlay has %d requirements, want %d", n, len(areas))
	}
}

func TestEveryThreatIsTreatedByControls(t *testing.T) {
	lib := builtinLib(t)
	for _, c := range []struct {
		id    string
		kind  ItemKind
		count int
	}{
		{"owasp-ml-top10-2023", ItemThreat, 10},
		{"owasp-llm-top10-2025", ItemThreat, 10},
		{"infosec-threats", ItemThreat, -1},
		{AtlasID, ItemTechnique, 170},
	} {
		f := mustFramework(t, lib, c.id)
		if c.count >= 0 && f.Count(c.kind) != c.count {
			t.Errorf("%s has %d %ss, want %d", c.id, f.Count(c.kind), c.kind, c.count)
		}
		for _, it := range f.Items {
			if it.Kind != c.kind {
				continue
			}
			controls := 0
			for _, m := range lib.Outgoing(Ref{c.id, it.ID}) {
				_, target, ok := lib.Resolve(m.To)
				if !ok {
					t.Errorf("%s:%s maps to %s, which does not exist", c.id, it.ID, m.To)
				}
				if m.Relation == RelTreatedBy && m.To.Framework == ISO27001v2022 && target.Kind == ItemControl {
					controls++
				}
			}
			if controls == 0 {
				t.Errorf("%s:%s is treated by no ISO/IEC 27001:2022 control", c.id, it.ID)
			}
		}
	}
	for _, id := range []string{"LLM01:2025", "LLM10:2025"} {
		if _, _, ok := lib.Resolve(Ref{"owasp-llm-top10-2025", id}); !ok {
			t.Errorf("no %s", id)
		}
	}
	for _, id := range []string{"ML01:2023", "ML10:2023"} {
		if _, _, ok := lib.Resolve(Ref{"owasp-ml-top10-2023", id}); !ok {
			t.Errorf("no %s", id)
		}
	}
}

func TestATLAS(t *testing.T) {
	lib := builtinLib(t)
	f := mustFramework(t, lib, AtlasID)
	if f.Version != "5.6.0" {
		t.Errorf("ATLAS version %q", f.Version)
	}
	top, sub := 0, 0
	for _, it := range f.Items {
		if it.Kind == ItemTechnique {
			if parent, _ := f.Item(it.Parent); parent.Kind == ItemTechnique {
				sub++
			} else {
				top++
			}
		}
	}
	if got := [4]int{f.Count(ItemTactic), top, sub, f.Count(ItemMitigation)}; got != [4]int{16, 101, 69, 35} {
		t.Errorf("tactics, techniques, sub-techniques, mitigations = %v, want [16 101 69 35]", got)
	}
	// The data quirk: AML.M0018 and AML.M0034 list AML.T0052.001 under
	// ml-lifecycle; the loader moves it to their techniques.
	for _, mit := range []string{"AML.M0018", "AML.M0034"} {
		found := false
		for _, m := range lib.Incoming(Ref{AtlasID, mit}) {
			if m.From.Item == "AML.T0052.001" && m.Relation == RelMitigatedBy {
				found = true
			}
		}
		if !found {
			t.Errorf("%s does not mitigate AML.T0052.001", mit)
		}
		it, _ := f.Item(mit)
		for _, stage := range it.Attr("lifecycle") {
			if strings.HasPrefix(stage, "AML.") {
				t.Errorf("%s lifecycle holds %q", mit, stage)
			}
		}
	}
	for _, m := range mustFramework(t, lib, AtlasID).Mappings {
		if m.Relation == RelMitigatedBy {
			if _, _, ok := lib.Resolve(m.From); !ok {
				t.Errorf("mitigation of unknown technique %s", m.From)
			}
		}
	}
}

func TestNoTextIsCopiedTwice(t *testing.T) {
	// Our own descriptions should say something about each item; the same
	// text on many items would be filler.
	lib := builtinLib(t)
	seen := map[string]string{}
	for _, f := range lib.Frameworks() {
		if f.ID == AtlasID {
			continue
		}
		for _, it := range f.Items {
			if it.Description == "" {
				continue
			}
			if prev, dup := seen[it.Description]; dup {
				t.Errorf("%s:%s repeats the description of %s", f.ID, it.ID, prev)
			}
			seen[it.Description] = f.ID + ":" + it.ID
		}
	}
}
