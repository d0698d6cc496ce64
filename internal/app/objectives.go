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

// ObjectiveInput is an objective as entered. On an update, nil fields
// stay as they are. Metrics are the keys of the metrics it is measured
// by; nil leaves the links alone.
type ObjectiveInput struct {
	Title       *string
	Description *string
	OwnerID     *string
	Target      *string
	DueDate     *time.Time
	MeasuredHow *string
	Status      *string
	Metrics     *[]string
}

// ObjectiveView is an objective with its metrics and where it stands.
type ObjectiveView struct {
	isms.Objective
	Metrics []MetricView
	// Current is the status shown: derived from the metrics when one with
	// a target has a value (Derived), the owner's otherwise.
	Current isms.ObjectiveStatus
	Derived bool
}

// CreateObjective sets an information security objective (6.2).
func (s *Service) CreateObjective(ctx context.Context, a Access, in ObjectiveInput) (isms.Objective, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Objective{}, err
	}
	var out isms.Objective
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		o := isms.Objective{OrgID: a.Org.ID, OwnerID: a.Member.ID, Status: isms.ObjectiveOnTrack}
		metrics, err := s.applyObjectiveInput(ctx, tx, a, &o, in)
		if err != nil {
			return err
		}
		if out, err = tx.CreateObjective(ctx, o); err != nil {
			return err
		}
		return tx.SetObjectiveMetrics(ctx, a.Org.ID, out.ID, metrics)
	})
	return out, err
}

// UpdateObjective changes an objective. ISMS managers change any; a
// contributor who owns one may report on it, without handing it on.
func (s *Service) UpdateObjective(ctx context.Context, a Access, ref string, in ObjectiveInput) (isms.Objective, error) {
	var out isms.Objective
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		o, err := objectiveByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEdit("objective", o.OwnerID); err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) && in.OwnerID != nil && *in.OwnerID != o.OwnerID {
			return fmt.Errorf("only an ISMS manager hands an objective to someone else: %w", isms.ErrForbidden)
		}
		metrics, err := s.applyObjectiveInput(ctx, tx, a, &o, in)
		if err != nil {
			return err
		}
		if out, err = tx.UpdateObjective(ctx, o); err != nil {
			return err
		}
		if in.Metrics == nil {
			return nil
		}
		return tx.SetObjectiveMetrics(ctx, a.Org.ID, o.ID, metrics)
	})
	return out, err
}

// DeleteObjective removes an objective set by mistake; the ledger keeps
// what it was. Its metrics and their history stay.
func (s *Service) DeleteObjective(ctx context.Context, a Access, ref string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		o, err := objectiveByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		return tx.DeleteObjective(ctx, a.Org.ID, o.ID)
	})
}

// applyObjectiveInput fills o from in, checks it, and returns the ids of
// the metrics it names, making built-in metrics' rows as needed.
func (s *Service) applyObjectiveInput(ctx context.Context, tx *store.Tx, a Access, o *isms.Objective, in ObjectiveInput) ([]string, error) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&o.Title, in.Title)
	set(&o.Description, in.Description)
	set(&o.OwnerID, in.OwnerID)
	set(&o.Target, in.Target)
	set(&o.MeasuredHow, in.MeasuredHow)
	if in.Status != nil {
		o.Status = isms.ObjectiveStatus(strings.TrimSpace(*in.Status))
	}
	if in.DueDate != nil {
		o.DueDate = in.DueDate
	}
	v := &isms.ValidationError{}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": o.OwnerID}); err != nil {
		return nil, err
	}
	var ids []string
	if in.Metrics != nil {
		seen := map[string]bool{}
		for _, key := range *in.Metrics {
			key = strings.TrimSpace(key)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			m, err := s.metricRow(ctx, tx, a, key)
			if errors.Is(err, isms.ErrNotFound) {
				v.Add("metrics", "%q is not a metric of this organisation", key)
				continue
			}
			if err != nil {
				return nil, err
			}
			ids = append(ids, m.ID)
		}
		if len(ids) > 10 {
			v.Add("metrics", "link at most 10 metrics; an objective measured by more says too little")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return ids, o.Validate()
}

// objectiveByRef finds an objective by id or by reference (OBJ-001, 1).
func objectiveByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Objective, error) {
	upper := strings.ToUpper(strings.TrimSpace(ref))
	if n, err := strconv.Atoi(strings.TrimPrefix(upper, "OBJ-")); err == nil && n > 0 {
		return r.ObjectiveByRef(ctx, orgID, n)
	}
	return r.Objective(ctx, orgID, ref)
}

// Objectives lists the organisation's objectives with where each stands.
func (s *Service) Objectives(ctx context.Context, a Access) ([]ObjectiveView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	list, err := s.db.Objectives(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	return s.objectiveViews(ctx, a, list)
}

// Objective returns one objective by id or reference.
func (s *Service) Objective(ctx context.Context, a Access, ref string) (ObjectiveView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ObjectiveView{}, err
	}
	o, err := objectiveByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return ObjectiveView{}, err
	}
	views, err := s.objectiveViews(ctx, a, []isms.Objective{o})
	if err != nil {
		return ObjectiveView{}, err
	}
	return views[0], nil
}

func (s *Service) objectiveViews(ctx context.Context, a Access, list []isms.Objective) ([]ObjectiveView, error) {
	out := make([]ObjectiveView, 0, len(list))
	if len(list) == 0 {
		return out, nil
	}
	links, err := s.db.ObjectiveMetrics(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	metrics, err := s.metricViews(ctx, a, chartLength)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, o := range list {
		v := ObjectiveView{Objective: o, Current: o.Status}
		var readings []isms.Reading
		for _, id := range links[o.ID] {
			i := slices.IndexFunc(metrics, func(m MetricView) bool { return m.ID == id })
			if i < 0 {
				continue
			}
			v.Metrics = append(v.Metrics, metrics[i])
			readings = append(readings, metrics[i].reading(now))
		}
		if st, ok := isms.DeriveStatus(o.DueDate, now, readings); ok {
			v.Current, v.Derived = st, true
		}
		out = append(out, v)
	}
	return out, nil
}
