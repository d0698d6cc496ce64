package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// The register's heat maps and totals count every risk a filter selects,
// which on a register of 100,000 risks is a scan of as many index entries.
// Every change to an organisation's records appends to its ledger chain,
// so the chain's head says whether anything changed since a count was
// made: counts are kept per organisation and filter until the head moves.

// aggregateCache holds counts by organisation, filter and chain head.
type aggregateCache struct {
	mu      sync.Mutex
	entries map[aggregateKey]aggregateEntry
}

type aggregateKey struct {
	orgID string
	kind  string
	// filter is the filter's fields that decide the count.
	filter string
}

type aggregateEntry struct {
	head  int64
	value any
}

// maxAggregates bounds the cache; past it, the cache starts again, which
// costs one recount per filter in use.
const maxAggregates = 1024

// aggregate returns the value compute makes for key, computed again only
// when the organisation's chain head has moved since it was kept.
func (s *Service) aggregate(ctx context.Context, key aggregateKey, compute func() (any, error)) (any, error) {
	head, err := s.db.LedgerHead(ctx, key.orgID)
	if err != nil {
		return nil, err
	}
	s.aggregates.mu.Lock()
	e, ok := s.aggregates.entries[key]
	s.aggregates.mu.Unlock()
	if ok && e.head == head.Seq {
		return e.value, nil
	}
	// Computed after reading the head: a change committed in between makes
	// the entry look older than it is, so it is only computed again.
	v, err := compute()
	if err != nil {
		return nil, err
	}
	s.aggregates.mu.Lock()
	if len(s.aggregates.entries) >= maxAggregates {
		s.aggregates.entries = map[aggregateKey]aggregateEntry{}
	}
	s.aggregates.entries[key] = aggregateEntry{head: head.Seq, value: v}
	s.aggregates.mu.Unlock()
	return v, nil
}

// riskFilterKey is the part of a filter that decides which risks count.
// The overdue filter depends on the time, so its key carries the minute.
func riskFilterKey(f isms.RiskFilter, now time.Time) string {
	rank, residual := -1, -1
	if f.Rank != nil {
		rank = *f.Rank
	}
	if f.Residual != nil {
		residual = *f.Residual
	}
	key := fmt.Sprintf("%q|%q|%d|%d|%q|%q|%q|%q", f.AssetID, f.OwnerID, rank, residual, f.Status, f.Treatment, f.MethodologyID, f.Query)
	if f.Overdue {
		key += "|overdue@" + now.Truncate(time.Minute).Format(time.RFC3339)
	}
	return key
}

// riskCells counts the risks a filter selects by methodology version and
// rating.
func (s *Service) riskCells(ctx context.Context, orgID string, f isms.RiskFilter, now time.Time) ([]store.RiskCell, error) {
	f.Likelihood, f.Impact, f.ResidualCell, f.Cursor, f.Sort, f.Limit = 0, 0, false, "", "", 0
	v, err := s.aggregate(ctx, aggregateKey{orgID, "risk-cells", riskFilterKey(f, now)}, func() (any, error) {
		return s.db.RiskCells(ctx, orgID, f, now)
	})
	if err != nil {
		return nil, err
	}
	return v.([]store.RiskCell), nil
}

// countRisks counts the risks a filter selects, including its heat-map
// cell, from the cached cells.
func (s *Service) countRisks(ctx context.Context, orgID string, f isms.RiskFilter, now time.Time) (int, error) {
	cells, err := s.riskCells(ctx, orgID, f, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cells {
		if f.Likelihood > 0 {
			l, i := c.InherentLikelihood, c.InherentImpact
			if f.ResidualCell {
				l, i = c.ResidualLikelihood, c.ResidualImpact
			}
			if l != f.Likelihood || i != f.Impact {
				continue
			}
		}
		n += c.Count
	}
	return n, nil
}

// countAssets counts the assets a filter selects.
func (s *Service) countAssets(ctx context.Context, orgID string, f isms.AssetFilter) (int, error) {
	f.Cursor, f.Limit = "", 0
	key := fmt.Sprintf("%q|%q|%q|%q|%q|%q", f.Type, f.OwnerID, f.Classification, f.Lifecycle, f.Tag, f.Query)
	v, err := s.aggregate(ctx, aggregateKey{orgID, "asset-count", key}, func() (any, error) {
		return s.db.CountAssets(ctx, orgID, f)
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}
