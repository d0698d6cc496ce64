package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMetricCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"migrate"}, {"org", "create", "acme", "--name", "Acme AI"}} {
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
	step(1, "", "key", "metric", "create", "AI", "--org", "acme", "--name", "Trained")
	step(0, "made metric ai-training", "", "metric", "create", "ai-training", "--org", "acme", "--name", "Staff trained in AI security",
		"--unit", "%", "--target", "100")
	step(1, "", "--value is required", "metric", "record", "ai-training", "--org", "acme")
	step(1, "", "not a number", "metric", "record", "ai-training", "--org", "acme", "--value", "many")
	step(1, "", "--at", "metric", "record", "ai-training", "--org", "acme", "--value", "5", "--at", "yesterday")
	future := time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
	step(1, "", "at: ", "metric", "record", "ai-training", "--org", "acme", "--value", "5", "--at", future)
	step(1, "", "value: ", "metric", "record", "ai-training", "--org", "acme", "--value", "120")
	step(1, "", "built in", "metric", "record", "controls-implemented", "--org", "acme", "--value", "5")
	step(1, "", "not found", "metric", "record", "nope", "--org", "acme", "--value", "5")
	step(0, "recorded ai-training = 40 for 2026-01-05", "", "metric", "record", "ai-training", "--org", "acme", "--value", "40",
		"--at", "2026-01-05")
	step(0, "recorded ai-training = 62.5", "", "metric", "record", "ai-training", "--org", "acme", "--value", "62.5", "--note", "LMS")
	step(0, "recorded today's values of", "", "metric", "snapshot", "--org", "acme")
	step(1, "", "--org is required", "metric", "list")
	var list []metricJSON
	if err := json.Unmarshal([]byte(step(0, "", "", "metric", "list", "--org", "acme", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	found := map[string]metricJSON{}
	for _, m := range list {
		found[m.Key] = m
	}
	if m := found["ai-training"]; m.Value == nil || *m.Value != 62.5 || m.Status != "not_met" {
		t.Errorf("ai-training: %+v", m)
	}
	if m := found["audit-programme-coverage"]; m.Value != nil || m.NotMeasured == "" {
		t.Errorf("audit coverage: %+v", m)
	}
	if m := found["risks-above-acceptance"]; m.Value == nil || *m.Value != 0 || m.LastDay == "" {
		t.Errorf("risks above acceptance after a snapshot: %+v", m)
	}
	step(0, "ai-training", "", "metric", "list", "--org", "acme")
}
