package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestNonconformityCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"},
		{"user", "add", "lee@acme.example", "--org", "acme", "--role", "contributor", "--name", "Lee"},
		{"import", "nessus", "--org", "acme", "../nessus/testdata/ruby-nessus_MIT/example_v2.nessus"}} {
		if r := run(t, data, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	step := func(code int, out, errText string, args ...string) string {
		t.Helper()
		r := run(t, data, "", args...)
		if r.code != code || !strings.Contains(r.out, out) || !strings.Contains(r.err, errText) {
			t.Errorf("isms %s: code %d, out %q, err %q; want code %d, out containing %q, err containing %q",
				strings.Join(args, " "), r.code, r.out, r.err, code, out, errText)
		}
		return r.out
	}
	step(1, "", "owner", "nc", "raise", "--org", "acme", "--title", "Review skipped", "--description", "No Q3 record.")
	step(1, "", "requirement", "nc", "raise", "--org", "acme", "--title", "Review skipped", "--description", "No Q3 record.",
		"--owner", "lee@acme.example", "--requirement", "iso27001-2022:A.99")
	step(0, "raised NC-001 Review skipped", "", "nonconformity", "raise", "--org", "acme", "--title", "Review skipped",
		"--description", "No Q3 record.", "--owner", "lee@acme.example", "--requirement", "iso27001-2022:A.5.18", "--source", "internal_audit")
	step(0, "raised OFI-002", "", "nc", "raise", "--org", "acme", "--kind", "improvement", "--title", "Automate log review",
		"--owner", "lee@acme.example")
	step(0, "NC-001", "", "nc", "list", "--org", "acme")
	step(1, "", "--due", "nc", "action", "NC-001", "--org", "acme", "--title", "Quarterly reviews", "--owner", "lee@acme.example")
	planned := step(0, "planned action", "", "nc", "action", "NC-001", "--org", "acme", "--title", "Quarterly reviews",
		"--owner", "lee@acme.example", "--due", "2031-01-31")
	id := regexp.MustCompile(`planned action (\S+):`).FindStringSubmatch(planned)
	if id == nil {
		t.Fatalf("no action id in %q", planned)
	}
	step(1, "", "outcome", "nc", "action", "NC-001", "--org", "acme", "--done", id[1])
	step(0, "done: Quarterly reviews", "", "nc", "action", "NC-001", "--org", "acme", "--done", id[1], "--outcome", "Calendar set up.")
	step(0, `"stage": "verification"`, "", "nc", "show", "NC-001", "--org", "acme")

	var findings []struct {
		ID      string `json:"id"`
		Overdue bool   `json:"overdue"`
	}
	if err := json.Unmarshal([]byte(step(0, "", "", "finding", "list", "--org", "acme", "--overdue", "--format", "json")), &findings); err != nil ||
		len(findings) == 0 {
		t.Fatalf("overdue findings: %v %v", findings, err)
	}
	step(1, "", "owner", "nc", "raise", "--org", "acme", "--finding", findings[0].ID)
	step(0, "raised NC-003 Missed remediation deadline", "", "nc", "raise", "--org", "acme", "--finding", findings[0].ID,
		"--owner", "lee@acme.example")
	step(1, "", "already records", "nc", "raise", "--org", "acme", "--finding", findings[0].ID)
	var list []ncJSON
	if err := json.Unmarshal([]byte(step(0, "", "", "nc", "list", "--org", "acme", "--status", "all", "--format", "json")), &list); err != nil ||
		len(list) != 3 || list[0].Source != "vulnerability_sla" || list[2].Stage != "verification" {
		t.Errorf("the register: %+v, %v", list, err)
	}
	step(1, "", "--status", "nc", "list", "--org", "acme", "--status", "pending")
	step(0, "intact", "", "ledger", "verify", "--org", "acme")
}
