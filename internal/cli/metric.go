package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// metricJSON is a metric as the CLI prints it.
type metricJSON struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Source      string   `json:"source"`
	Unit        string   `json:"unit"`
	Direction   string   `json:"direction"`
	Value       *float64 `json:"value"`
	Target      *float64 `json:"target"`
	Status      string   `json:"status"`
	NotMeasured string   `json:"not_measured,omitempty"`
	LastDay     string   `json:"last_recorded,omitempty"`
}

func (e *environment) metricCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "metric", Short: "The metrics that monitor the ISMS (9.1): list them, feed your own, snapshot the built-in ones"}
	cmd.AddCommand(e.metricListCmd(), e.metricCreateCmd(), e.metricRecordCmd(), e.metricSnapshotCmd())
	return cmd
}

func optionalValue(v *float64) string {
	if v == nil {
		return "-"
	}
	return isms.FormatValue(*v)
}

func (e *environment) metricListCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "list --org SLUG", Short: "List the metrics with their current values and targets", Args: cobra.NoArgs}
	format := formatFlag(cmd)
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		views, err := svc.Metrics(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		items := make([]metricJSON, len(views))
		rows := make([][]string, len(views))
		for i, v := range views {
			items[i] = metricJSON{Key: v.Key, Name: v.Name, Source: string(v.Source), Unit: v.Unit, Direction: string(v.Direction),
				Value: v.Value(), Target: v.Target, Status: string(v.Status())}
			if v.Value() == nil {
				items[i].NotMeasured = v.LiveNote
			}
			if l := v.Latest(); l != nil {
				items[i].LastDay = l.Day()
			}
			rows[i] = []string{v.Key, truncate(v.Name, 45), optionalValue(v.Value()), optionalValue(v.Target), dash(v.Unit),
				string(v.Status()), dash(items[i].LastDay)}
		}
		return e.printList(*format, []string{"KEY", "NAME", "VALUE", "TARGET", "UNIT", "STATUS", "LAST RECORDED"}, rows, items)
	}
	return cmd
}

func (e *environment) metricCreateCmd() *cobra.Command {
	var org, name, description, unit, direction, target string
	cmd := &cobra.Command{Use: "create KEY --org SLUG --name NAME [--unit U] [--direction higher|lower] [--target N]",
		Short: "Make a metric of the organisation's own, measured outside isms", Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&name, "name", "", "what people call it (required)")
	cmd.Flags().StringVar(&description, "description", "", "how it is measured")
	cmd.Flags().StringVar(&unit, "unit", "", "the unit; % keeps values between 0 and 100")
	cmd.Flags().StringVar(&direction, "direction", "higher", "which way is better: higher or lower")
	cmd.Flags().StringVar(&target, "target", "", "the value aimed for")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		in := app.MetricInput{Key: args[0], Name: &name, Description: &description, Unit: &unit, Direction: &direction}
		if target != "" {
			t, err := isms.ParseValue("target", target)
			if err != nil {
				return fmt.Errorf("--target %q is not a number", target)
			}
			in.Target, in.SetTarget = &t, true
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		m, err := svc.CreateMetric(cmd.Context(), acc, in)
		if err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintf(e.io.Out, "made metric %s: %s\n", m.Key, m.Name)
		return err
	}
	return cmd
}

func (e *environment) metricRecordCmd() *cobra.Command {
	var org, value, at, note string
	cmd := &cobra.Command{Use: "record METRIC --org SLUG --value N [--at DATE] [--note TEXT]",
		Short: "Record a value of one of the organisation's own metrics, as a cron job feeding it would",
		Long: "Record a value of a custom metric. A metric has one value a day: recording again the same day replaces it, " +
			"so a job may run more than once. Built-in metrics are measured with 'isms metric snapshot'.",
		Args: cobra.ExactArgs(1)}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.Flags().StringVar(&value, "value", "", "the value measured (required)")
	cmd.Flags().StringVar(&at, "at", "", "the day it was measured, YYYY-MM-DD, or an RFC 3339 date-time; now when left out")
	cmd.Flags().StringVar(&note, "note", "", "where the value came from")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if value == "" {
			return fmt.Errorf("--value is required")
		}
		in := app.MeasurementInput{Note: note, Source: isms.MeasuredAPI}
		var err error
		if in.Value, err = isms.ParseValue("value", value); err != nil {
			return fmt.Errorf("--value %q is not a number", value)
		}
		if at != "" {
			if in.At, err = time.Parse(time.DateOnly, at); err != nil {
				if in.At, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--at %q is neither a day such as 2027-01-31 nor a date-time such as 2027-01-31T09:00:00Z", at)
				}
			}
		}
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		m, err := svc.RecordMeasurement(cmd.Context(), acc, args[0], in)
		if err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintf(e.io.Out, "recorded %s = %s for %s\n", args[0], isms.FormatValue(m.Value), m.Day())
		return err
	}
	return cmd
}

func (e *environment) metricSnapshotCmd() *cobra.Command {
	var org string
	cmd := &cobra.Command{Use: "snapshot --org SLUG", Short: "Record today's values of the built-in metrics",
		Long: "Compute every built-in metric that can be measured and record it for today, replacing a snapshot taken earlier " +
			"the same day, so that the built-in metrics get a history. Run it from a daily job.", Args: cobra.NoArgs}
	cmd.Flags().StringVar(&org, "org", "", "the organisation (required)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, acc, done, err := e.inOrg(cmd, org)
		if err != nil {
			return err
		}
		defer done()
		got, err := svc.SnapshotMetrics(cmd.Context(), acc)
		if err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintf(e.io.Out, "recorded today's values of %d built-in metrics\n", len(got))
		return err
	}
	return cmd
}
