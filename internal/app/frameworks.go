package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/store"
)

// Scopes of a framework: who provides it.
const (
	ScopeBuiltin  = "builtin"
	ScopeInstance = "instance"
	ScopeOrg      = "org"
)

// FrameworkView is a framework as one organisation sees it.
type FrameworkView struct {
	*framework.Framework
	// Enabled: the organisation runs this framework.
	Enabled bool
	// Scope says who provides it: isms, the instance, or the organisation.
	Scope string
	// ImportID is the import that brought a framework not built in.
	ImportID string
}

// libraryCache keeps each organisation's view of the framework library,
// rebuilt only when its imports change.
type libraryCache struct {
	mu      sync.Mutex
	entries map[string]cachedLibrary
}

type cachedLibrary struct {
	version string
	lib     *framework.Library
	origin  map[string]store.FrameworkImport // framework id to its import
}

// library returns the built-in catalogs with the instance's imports and
// the organisation's (orgID empty: the instance's only).
func (s *Service) library(ctx context.Context, orgID string) (cachedLibrary, error) {
	version, err := s.db.FrameworkImportVersion(ctx, orgID)
	if err != nil {
		return cachedLibrary{}, err
	}
	s.libs.mu.Lock()
	c, ok := s.libs.entries[orgID]
	s.libs.mu.Unlock()
	if ok && c.version == version {
		return c, nil
	}
	imports, err := s.db.FrameworkImports(ctx, orgID)
	if err != nil {
		return cachedLibrary{}, err
	}
	c, err = s.buildLibrary(ctx, imports, "", false)
	if err != nil {
		return c, err
	}
	c.version = version
	s.libs.mu.Lock()
	s.libs.entries[orgID] = c
	s.libs.mu.Unlock()
	return c, nil
}

// buildLibrary layers imports over the built-in catalogs, the instance's
// first since an organisation's may map to them, leaving out the import
// skip. A stored import that no longer fits (its target was removed behind
// isms's back) is left out with a warning, unless strict, when it is an
// error naming it.
func (s *Service) buildLibrary(ctx context.Context, imports []store.FrameworkImport, skip string, strict bool) (cachedLibrary, error) {
	builtin, err := framework.Builtin()
	if err != nil {
		return cachedLibrary{}, err
	}
	c := cachedLibrary{lib: framework.NewLibrary(builtin), origin: map[string]store.FrameworkImport{}}
	for _, instanceFirst := range []bool{true, false} {
		for _, fi := range imports {
			if fi.ID == skip || (fi.OrgID == "") != instanceFirst {
				continue
			}
			b, err := framework.DecodeBundle(fi.Content)
			if err != nil {
				return cachedLibrary{}, fmt.Errorf("framework import %s: %w", fi.ID, err)
			}
			if err := c.lib.Add(fi.FileName, b.Frameworks, b.Mappings); err != nil {
				if strict {
					return c, &isms.ConflictError{Field: "id", Detail: fmt.Sprintf("cannot be removed: the import %s (%s) maps to what it brought; remove that first", fi.FileName, fi.ID)}
				}
				s.log.WarnContext(ctx, "framework import left out", "import_id", fi.ID, "err", err)
				continue
			}
			for _, f := range b.Frameworks {
				c.origin[f.ID] = fi
			}
		}
	}
	return c, nil
}

// Library returns the framework library as the organisation sees it.
func (s *Service) Library(ctx context.Context, a Access) (*framework.Library, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	c, err := s.library(ctx, a.Org.ID)
	return c.lib, err
}

// InstanceFrameworks lists the built-in frameworks and the instance-wide
// imports, for operators working without an organisation.
func (s *Service) InstanceFrameworks(ctx context.Context, p Principal) ([]FrameworkView, *framework.Library, error) {
	if p.Operator == "" {
		return nil, nil, isms.ErrForbidden
	}
	c, err := s.library(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	var out []FrameworkView
	for _, f := range c.lib.Frameworks() {
		v := FrameworkView{Framework: f, Scope: ScopeBuiltin}
		if fi, ok := c.origin[f.ID]; ok {
			v.ImportID, v.Scope = fi.ID, ScopeInstance
		}
		out = append(out, v)
	}
	return out, c.lib, nil
}

// enabledByDefault is what an organisation runs until it chooses.
func enabledByDefault(id string) bool { return id == framework.ISO27001v2022 }

func (s *Service) views(ctx context.Context, a Access) ([]FrameworkView, cachedLibrary, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, cachedLibrary{}, err
	}
	c, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return nil, c, err
	}
	choices, err := s.db.FrameworkChoices(ctx, a.Org.ID)
	if err != nil {
		return nil, c, err
	}
	var out []FrameworkView
	for _, f := range c.lib.Frameworks() {
		v := FrameworkView{Framework: f, Scope: ScopeBuiltin, Enabled: enabledByDefault(f.ID)}
		if fi, ok := c.origin[f.ID]; ok {
			v.ImportID, v.Scope = fi.ID, ScopeOrg
			if fi.OrgID == "" {
				v.Scope = ScopeInstance
			}
		}
		if ch, ok := choices[f.ID]; ok {
			v.Enabled = ch.Enabled
		}
		v.Enabled = v.Enabled && f.Kind.Selectable()
		out = append(out, v)
	}
	return out, c, nil
}

// Frameworks lists every framework the organisation can see.
func (s *Service) Frameworks(ctx context.Context, a Access) ([]FrameworkView, error) {
	views, _, err := s.views(ctx, a)
	return views, err
}

// Framework returns one framework and the library it lives in.
func (s *Service) Framework(ctx context.Context, a Access, id string) (FrameworkView, *framework.Library, error) {
	views, c, err := s.views(ctx, a)
	if err != nil {
		return FrameworkView{}, nil, err
	}
	for _, v := range views {
		if v.ID == id {
			return v, c.lib, nil
		}
	}
	return FrameworkView{}, nil, fmt.Errorf("framework %q: %w", id, isms.ErrNotFound)
}

// SetFrameworkEnabled records whether the organisation runs a framework.
func (s *Service) SetFrameworkEnabled(ctx context.Context, a Access, id string, enabled bool) (FrameworkView, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return FrameworkView{}, err
	}
	v, _, err := s.Framework(ctx, a, id)
	if err != nil {
		return v, err
	}
	if !v.Kind.Selectable() {
		return v, isms.Invalid("enabled", "%s is a threat library: it is always available and cannot be switched on or off", v.Name)
	}
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.ChooseFramework(ctx, a.Org.ID, id, enabled)
	})
	if err != nil {
		return v, err
	}
	v.Enabled = enabled
	return v, nil
}

// FrameworkFile is a framework file to check or import.
type FrameworkFile struct {
	Name string
	Data []byte
	// ID replaces the id the file gives (or, for an OSCAL catalog, the
	// one made from its title), for a file that brings one framework.
	ID string
}

// checkFile parses a file and checks it against lib.
func checkFile(lib *framework.Library, in FrameworkFile) (*framework.File, error) {
	file, err := parseFile(in)
	if err != nil {
		return nil, err
	}
	return file, lib.Check(in.Name, file.Frameworks, file.Mappings, false)
}

// parseFile reads a file and applies the id the importer chose.
func parseFile(in FrameworkFile) (*framework.File, error) {
	file, err := framework.Parse(in.Name, in.Data)
	if err != nil {
		return nil, err
	}
	if in.ID != "" {
		if len(file.Frameworks) != 1 {
			return nil, isms.Invalid("id", "the file brings %d frameworks; an id can be given only for a file with one", len(file.Frameworks))
		}
		if !framework.ValidFrameworkID(in.ID) {
			return nil, isms.Invalid("id", "%q is not a valid framework id: use 2–64 lower-case letters, digits, '.' and '-', starting with a letter", in.ID)
		}
		file.Frameworks[0].Retarget(in.ID)
	}
	if len(file.Frameworks) == 0 && len(file.Mappings) == 0 {
		return nil, isms.Invalid("file", "the file holds no framework and no mappings")
	}
	return file, nil
}

// CheckFrameworkFile validates a file against the organisation's library
// without importing it.
func (s *Service) CheckFrameworkFile(ctx context.Context, a Access, in FrameworkFile) (*framework.File, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	c, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	return checkFile(c.lib, in)
}

// ImportFrameworks adds a file's frameworks and mappings to the
// organisation, whole or not at all.
func (s *Service) ImportFrameworks(ctx context.Context, a Access, in FrameworkFile) (store.FrameworkImport, *framework.File, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return store.FrameworkImport{}, nil, err
	}
	return s.importFile(ctx, a.Principal, a.Org.ID, in)
}

// ImportInstanceFrameworks adds a file's frameworks for every organisation
// of the instance; operators only.
func (s *Service) ImportInstanceFrameworks(ctx context.Context, p Principal, in FrameworkFile) (store.FrameworkImport, *framework.File, error) {
	if p.Operator == "" {
		return store.FrameworkImport{}, nil, fmt.Errorf("instance-wide frameworks are imported from the command line: %w", isms.ErrForbidden)
	}
	return s.importFile(ctx, p, "", in)
}

func (s *Service) importFile(ctx context.Context, p Principal, orgID string, in FrameworkFile) (store.FrameworkImport, *framework.File, error) {
	// Parsing, the slow part, happens before the transaction: SQLite's
	// single writer waits only for the check against the library.
	file, err := parseFile(in)
	if err != nil {
		return store.FrameworkImport{}, nil, err
	}
	var fi store.FrameworkImport
	err = s.db.InTx(ctx, p.Actor(), func(tx *store.Tx) error {
		// Check and store under the chains' locks, so two imports of one
		// id cannot both pass their check. Every import takes the
		// instance chain first, then its organisation's: one order, no
		// deadlock.
		if err := lockImportChains(ctx, tx, orgID); err != nil {
			return err
		}
		imports, err := tx.FrameworkImports(ctx, orgID)
		if err != nil {
			return err
		}
		c, err := s.buildLibrary(ctx, imports, "", false)
		if err != nil {
			return err
		}
		if err := c.lib.Check(in.Name, file.Frameworks, file.Mappings, false); err != nil {
			return err
		}
		ids := make([]string, len(file.Frameworks))
		for i, f := range file.Frameworks {
			ids[i] = f.ID
		}
		if orgID == "" {
			// An instance-wide framework must not take an id an
			// organisation already uses for its own.
			all, err := tx.AllFrameworkIDs(ctx)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if all[id] {
					return &isms.ConflictError{Field: "id", Detail: fmt.Sprintf("%q is already used by an organisation's own framework", id)}
				}
			}
		}
		content, err := framework.Bundle{Format: file.SourceFormat(), Frameworks: file.Frameworks, Mappings: file.Mappings}.Encode()
		if err != nil {
			return err
		}
		fi, err = tx.AddFrameworkImport(ctx, store.FrameworkImport{OrgID: orgID, FileName: in.Name,
			SourceFormat: file.SourceFormat(), FrameworkIDs: ids, Content: content})
		return err
	})
	if err != nil {
		return fi, nil, err
	}
	s.log.InfoContext(ctx, "frameworks imported", "import_id", fi.ID, "frameworks", len(fi.FrameworkIDs), "org_id", orgID)
	return fi, file, nil
}

func lockImportChains(ctx context.Context, tx *store.Tx, orgID string) error {
	if err := tx.LockChain(ctx, ledger.InstanceChain); err != nil {
		return err
	}
	if orgID == "" {
		return nil
	}
	return tx.LockChain(ctx, orgID)
}

// FrameworkImports lists the imports the organisation sees.
func (s *Service) FrameworkImports(ctx context.Context, a Access) ([]store.FrameworkImport, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.FrameworkImports(ctx, a.Org.ID)
}

// RemoveFrameworkImport removes one of the organisation's imports, unless
// another import maps to what it brought.
func (s *Service) RemoveFrameworkImport(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if err := lockImportChains(ctx, tx, a.Org.ID); err != nil {
			return err
		}
		imports, err := tx.FrameworkImports(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		found := false
		for _, fi := range imports {
			found = found || (fi.ID == id && fi.OrgID == a.Org.ID)
		}
		if !found {
			return fmt.Errorf("framework import %s: %w", id, isms.ErrNotFound)
		}
		// Without it, every other import must still fit.
		if _, err := s.buildLibrary(ctx, imports, id, true); err != nil {
			return err
		}
		return tx.RemoveFrameworkImport(ctx, a.Org.ID, id)
	})
}
