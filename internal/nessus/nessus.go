// Package nessus reads Tenable Nessus .nessus v2 scan files (root
// NessusClientData_v2): the scan, its hosts with their properties, findings
// and compliance results.
//
// The reader is built for hostile input and for files of hundreds of
// megabytes. It streams: a host is handed to the caller when its ReportHost
// element closes and then forgotten, so memory is bounded by the largest host
// and does not grow with the file. It is strict: the XML underneath is checked
// for well-formedness at least as strictly as encoding/xml does (balanced and
// matching tags, one root, quoted and unique attributes, only the five
// predefined entities and valid character references, valid UTF-8 and XML
// characters, declared namespace prefixes), and anything wrong anywhere,
// including a file that ends before its root element closes, is an error
// that names the line and column. There is no DTD processing at all: a
// DOCTYPE or any other <!...> declaration is refused, so there is no entity
// expansion and nothing is ever fetched. Limits bound depth, attribute and
// text length, items per host and the size of the file.
//
// The caller makes an import all-or-nothing by committing only when Read
// returns nil: every failure, truncation included, is reported before Read
// returns.
package nessus

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for the zero fields of Limits.
const (
	DefaultMaxDepth        = 32
	DefaultMaxAttrLen      = 64 << 10
	DefaultMaxTextLen      = 8 << 20
	DefaultOutputCap       = 64 << 10
	DefaultMaxItemsPerHost = 200000
	DefaultMaxHostBytes    = 256 << 20
	DefaultMaxBytes        = 4 << 30
)

// Limits bound what a file may hold; zero fields mean the defaults. A file
// that exceeds a limit is refused with a message naming the limit, except
// plugin output, which is cut at OutputCap and kept.
type Limits struct {
	MaxDepth   int // element nesting; default 32 (Nessus needs 6)
	MaxAttrLen int // bytes of one attribute value; default 64 KiB
	// MaxTextLen bounds the text of one element; default 8 MiB. plugin_output
	// is exempt: longer output is cut at OutputCap, not refused.
	MaxTextLen int
	// OutputCap is how much plugin output is kept per finding; default 64 KiB.
	// Longer output is cut at a UTF-8 boundary and Finding.OutputTruncated set.
	OutputCap int
	// MaxItemsPerHost bounds a host's ReportItems, and separately its
	// HostProperties tags; default 200000.
	MaxItemsPerHost int
	// MaxHostBytes bounds the text kept for one host (properties, findings,
	// compliance results), which is what a host costs in memory before it is
	// handed over; default 256 MiB.
	MaxHostBytes int64
	// MaxBytes bounds the size of the file; default 4 GiB.
	MaxBytes int64
}

func (l Limits) withDefaults() Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.MaxDepth, DefaultMaxDepth)
	set(&l.MaxAttrLen, DefaultMaxAttrLen)
	set(&l.MaxTextLen, DefaultMaxTextLen)
	set(&l.OutputCap, DefaultOutputCap)
	set(&l.MaxItemsPerHost, DefaultMaxItemsPerHost)
	if l.MaxHostBytes <= 0 {
		l.MaxHostBytes = DefaultMaxHostBytes
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Scan is the scan record. Name is the Report element's name, Policy the
// policy's policyName. Scanner says which scanner ran it, from what the file
// really holds: the "Nessus Scan Information" plugin (19506) output of the
// first host that has one ("Nessus 10.1.1 at 10.0.0.3", with the edition when
// named, e.g. "Nessus Home 5.2.4 at 127.0.0.1"), and the sc_version server
// preference of scans launched from Tenable.sc ("Tenable.sc 10.4.2"); empty
// when the file names neither. Start and End are the earliest host start and
// latest host end, zero when no host has times. Scanner (from plugin 19506),
// Start and End are known only after the last host, so the Scan handed to the
// onScan callback lacks them; Summary.Scan has them all.
type Scan struct {
	Name, Policy, Scanner string
	Start, End            time.Time // zero when unknown
}

// Host is one ReportHost. The match keys are Name, FQDN (host-fqdn), IP
// (host-ip, else Name when it is an IP address), NetBIOS (netbios-name) and
// MACs (mac-address, which may list several, one a line). Start and End come
// from the HOST_START_TIMESTAMP and HOST_END_TIMESTAMP epoch tags when present
// (exact), else from the HOST_START and HOST_END ctime text ("Thu Aug 11
// 15:06:45 2016"), which has no zone and is read as UTC; zero when absent.
// They are also the first and last time the host's findings were seen.
type Host struct {
	Name              string // ReportHost name attribute
	FQDN, IP, NetBIOS string
	MACs              []string
	OS                string // operating-system tag
	Start, End        time.Time
	Credentialed      bool              // Credentialed_Scan tag "true"
	Properties        map[string]string // every HostProperties tag, for keeping; a repeated tag keeps its last value
	Findings          []Finding
	Compliance        []Compliance
}

// Finding is one ReportItem that is not a compliance result. Text fields are
// trimmed of surrounding white space, except Output, which is kept as in the
// file (up to Limits.OutputCap). Scores are zero when absent. References
// holds the see_also lines, then the xref values (e.g. "OSVDB:1234"), then
// each bid as "BID:n". CVEs and CWEs are as written ("CVE-2021-3517", "79").
// Dates are as in the file (YYYY/MM/DD).
type Finding struct {
	PluginID                                            int
	PluginName, Family                                  string
	Severity                                            int // 0 (info) to 4 (critical)
	Port                                                int
	Protocol, Service                                   string
	CVSS2Base                                           float64
	CVSS2Vector                                         string
	CVSS3Base                                           float64
	CVSS3Vector                                         string
	VPR                                                 float64
	CVEs, CWEs, References                              []string
	ExploitAvailable                                    bool
	RiskFactor, Synopsis, Description, Solution, Output string
	OutputTruncated                                     bool
	PluginPublished, PluginModified, PatchPublished     string // as in the file (YYYY/MM/DD)
}

// Compliance is one result of an audit (compliance) scan: a ReportItem with
// cm:compliance-* children (namespace http://www.nessus.org/cm). Such an item
// is a Compliance entry and not a Finding, although it also carries plugin
// data (plugin 21156, 21157, ... "... Compliance Checks"), because its
// severity only restates the result and counting it as a vulnerability would
// double-count the audit. Result is upper-cased: PASSED, FAILED, WARNING or
// ERROR in the files Nessus writes.
type Compliance struct {
	PluginID                                                                         int
	CheckName, CheckID, Result, Actual, Policy, Info, Solution, AuditFile, Reference string
	Port                                                                             int
}

// Summary counts what a file held. BySeverity counts findings (not
// compliance results) by severity.
type Summary struct {
	Scan                        Scan
	Hosts, Findings, Compliance int
	BySeverity                  [5]int
}

// Error is a fault in the file, at Line and Column (1-based; the column
// counts bytes, like encoding/xml's InputPos). Err, when set, is ErrNotNessus
// or ErrV1, so that callers can tell a wrong file from a broken one.
type Error struct {
	Line, Column int
	Msg          string
	Err          error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg) }

// Unwrap returns ErrNotNessus or ErrV1 when the file is not a Nessus v2 file.
func (e *Error) Unwrap() error { return e.Err }

var (
	// ErrNotNessus is wrapped by the *Error for a file that is not a Nessus
	// v2 file: not XML, or XML with another root element (the message names
	// the root found), or a v2 file without a Report element.
	ErrNotNessus = errors.New("not a Nessus v2 file")
	// ErrV1 is wrapped by the *Error for a Nessus v1 file (root
	// NessusClientData), a format Nessus replaced in 2009 and this reader
	// does not read.
	ErrV1 = errors.New("a Nessus v1 file")
)
