package nessus

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Read streams a .nessus v2 file: onScan is called once, when the Report
// element opens (the policy, which comes first, already read); onHost once
// per ReportHost, when it closes. Either may be nil. An error from a
// callback stops the read and is returned wrapped. Any fault in the file,
// anywhere up to its last byte, is returned as a *Error with Line and
// Column, wrapping ErrNotNessus or ErrV1 when the file is not a Nessus v2
// file at all; other errors come from reading r. The Summary is returned
// only when the whole file was read.
//
// What is read: the Report's name, the policy name and the sc_version
// server preference; each host's properties; each ReportItem, as a Finding
// or, when it has cm:compliance-* children, as a Compliance result.
// Elements this reader does not use are skipped, though still checked; a
// value it uses that is malformed (a severity of 7, a CVSS score of "high",
// an unparsable HOST_START, a field given twice in one ReportItem) is an
// error, since storing a guess would be worse than refusing the file.
func Read(r io.Reader, lim Limits, onScan func(Scan) error, onHost func(*Host) error) (Summary, error) {
	lim = lim.withDefaults()
	p := &parser{
		t: newTokenizer(r, xmlLimits{
			maxDepth:   lim.MaxDepth,
			maxAttrLen: lim.MaxAttrLen,
			maxBytes:   lim.MaxBytes,
		}),
		lim:    lim,
		onScan: onScan,
		onHost: onHost,
		intern: make(map[string]string),
	}
	if err := p.run(); err != nil {
		return Summary{}, err
	}
	return p.sum, nil
}

// elem is what an open element is to the reader.
type elem uint8

const (
	eSkip elem = iota // not used, nor anything inside it
	eRoot
	ePolicy
	ePolicyName
	ePreferences
	eServerPrefs
	ePreference
	ePrefName
	ePrefValue
	eReport
	eHost
	eHostProps
	eTag
	eItem
	eField // a ReportItem child that is read; parser.field says which
)

// field is a ReportItem child that is read.
type field uint8

const (
	fPluginName field = iota
	fCVSS2Base
	fCVSS2Vector
	fCVSS3Base
	fCVSS3Vector
	fVPR
	fCVE // repeats
	fCWE // repeats
	fSeeAlso
	fXref // repeats
	fBID  // repeats
	fExploit
	fRiskFactor
	fSynopsis
	fDescription
	fSolution
	fOutput
	fPluginPublished
	fPluginModified
	fPatchPublished
	fCheckName // the cm:compliance-* fields from here on
	fCheckID
	fResult
	fActual
	fPolicyValue
	fInfo
	fComplianceSolution
	fAuditFile
	fReference
	fComplianceOther // another cm:compliance-* child: marks a compliance item, not kept
)

// repeats says which fields may appear more than once in a ReportItem.
const repeats = 1<<fCVE | 1<<fCWE | 1<<fSeeAlso | 1<<fXref | 1<<fBID | 1<<fComplianceOther

var itemFields = map[string]field{
	"plugin_name":              fPluginName,
	"cvss_base_score":          fCVSS2Base,
	"cvss_vector":              fCVSS2Vector,
	"cvss3_base_score":         fCVSS3Base,
	"cvss3_vector":             fCVSS3Vector,
	"vpr_score":                fVPR,
	"cve":                      fCVE,
	"cwe":                      fCWE,
	"see_also":                 fSeeAlso,
	"xref":                     fXref,
	"bid":                      fBID,
	"exploit_available":        fExploit,
	"risk_factor":              fRiskFactor,
	"synopsis":                 fSynopsis,
	"description":              fDescription,
	"solution":                 fSolution,
	"plugin_output":            fOutput,
	"plugin_publication_date":  fPluginPublished,
	"plugin_modification_date": fPluginModified,
	"patch_publication_date":   fPatchPublished,
}

// cmNamespace is the namespace of the compliance elements, declared on
// Report as xmlns:cm.
const cmNamespace = "http://www.nessus.org/cm"

var complianceFields = map[string]field{
	"compliance-check-name":   fCheckName,
	"compliance-check-id":     fCheckID,
	"compliance-result":       fResult,
	"compliance-actual-value": fActual,
	"compliance-policy-value": fPolicyValue,
	"compliance-info":         fInfo,
	"compliance-solution":     fComplianceSolution,
	"compliance-audit-file":   fAuditFile,
	"compliance-reference":    fReference,
}

// The plugin whose output names the scanner.
const scanInfoPlugin = 19506

// Interning: the same plugin names, families, protocols and dates repeat
// on every host, so short values are shared. The table is bounded so that
// a hostile file cannot grow it without end.
const (
	maxInterned    = 16384
	maxInternedLen = 128
)

type parser struct {
	t      *tokenizer
	lim    Limits
	onScan func(Scan) error
	onHost func(*Host) error
	sum    Summary

	stack     []elem
	field     field
	fieldLine int // where the field (or tag) being read started
	fieldCol  int
	text      []byte // text of the element being read
	textLen   int    // length of the current text run, against MaxTextLen
	truncated bool   // plugin output went past OutputCap

	rootLine, rootCol int
	policySeen        bool
	reportSeen        bool
	skipped           []string // root children not read, for the message when there is no Report
	prefName          string
	prefValue         string
	scVersion         string
	scanInfo          string // scanner named by plugin 19506

	host      *Host
	hostBytes int64
	tagName   string
	startTS   time.Time // from the HOST_START_TIMESTAMP tag
	endTS     time.Time
	startText time.Time // from the HOST_START tag
	endText   time.Time
	item      item

	intern map[string]string
}

// item collects one ReportItem; whether it is a finding or a compliance
// result is known only when it closes.
type item struct {
	f          Finding
	c          Compliance
	compliance bool
	seen       uint64 // fields read, to refuse repeats
	seeAlso    []string
	xrefs      []string
	bids       []string
}

func (p *parser) run() error {
	for {
		kind, err := p.t.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokEOF:
			return p.finish()
		case tokStart:
			err = p.start()
		case tokEnd:
			err = p.end()
		case tokText:
			err = p.chars()
		}
		if err != nil {
			return err
		}
	}
}

func (p *parser) top() elem {
	if len(p.stack) == 0 {
		return eSkip
	}
	return p.stack[len(p.stack)-1]
}

// errTok is an error at the start of the current token.
func (p *parser) errTok(format string, args ...any) error {
	return p.t.errorTok(format, args...)
}

// errField is an error at the start of the field or tag just read.
func (p *parser) errField(format string, args ...any) error {
	return &Error{Line: p.fieldLine, Column: p.fieldCol, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) attr(name string) ([]byte, bool) {
	for _, a := range p.t.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

func (p *parser) str(b []byte) string {
	if len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.intern) < maxInterned {
		p.intern[s] = s
	}
	return s
}

func (p *parser) start() error {
	t := p.t
	p.textLen = 0
	e := eSkip
	if len(p.stack) == 0 {
		if err := p.root(); err != nil {
			return err
		}
		e = eRoot
	}
	switch p.top() {
	case eRoot:
		switch string(t.name) {
		case "Policy":
			if p.policySeen {
				return p.errTok("a second <Policy>")
			}
			p.policySeen = true
			e = ePolicy
		case "Report":
			if err := p.report(); err != nil {
				return err
			}
			e = eReport
		default:
			if name := "<" + string(t.name) + ">"; len(p.skipped) < 5 && !slices.Contains(p.skipped, name) {
				p.skipped = append(p.skipped, name)
			}
		}
	case ePolicy:
		switch string(t.name) {
		case "policyName":
			e = ePolicyName
		case "Preferences":
			e = ePreferences
		}
	case ePreferences:
		if string(t.name) == "ServerPreferences" {
			e = eServerPrefs
		}
	case eServerPrefs:
		if string(t.name) == "preference" {
			p.prefName, p.prefValue = "", ""
			e = ePreference
		}
	case ePreference:
		switch string(t.name) {
		case "name":
			e = ePrefName
		case "value":
			e = ePrefValue
		}
	case eReport:
		if string(t.name) == "ReportHost" {
			if err := p.startHost(); err != nil {
				return err
			}
			e = eHost
		}
	case eHost:
		switch string(t.name) {
		case "HostProperties":
			e = eHostProps
		case "ReportItem":
			if err := p.startItem(); err != nil {
				return err
			}
			e = eItem
		}
	case eHostProps:
		if string(t.name) == "tag" {
			if err := p.startProp(); err != nil {
				return err
			}
			e = eTag
		}
	case eItem:
		if f, ok := p.itemField(); ok {
			if f != fComplianceOther && p.item.seen&(1<<f) != 0 && repeats&(1<<f) == 0 {
				return p.errTok("<%s> appears twice in one ReportItem", t.name)
			}
			p.item.seen |= 1 << f
			if f >= fCheckName {
				p.item.compliance = true
			}
			p.field = f
			e = eField
		}
	case ePolicyName, ePrefName, ePrefValue, eTag, eField:
		return p.errTok("element <%s> inside <%s>, which holds only text", t.name, t.parentName())
	}
	if e != eSkip && e != eRoot {
		p.fieldLine, p.fieldCol = t.tokLine, t.tokCol
		p.text = p.text[:0]
		p.truncated = false
	}
	p.stack = append(p.stack, e)
	return nil
}

// itemField says which field a ReportItem child is, if it is read.
func (p *parser) itemField() (field, bool) {
	switch p.t.space {
	case "":
		f, ok := itemFields[string(p.t.name)]
		return f, ok
	case cmNamespace:
		if f, ok := complianceFields[string(p.t.local)]; ok {
			return f, true
		}
		return fComplianceOther, bytes.HasPrefix(p.t.local, []byte("compliance"))
	}
	return 0, false
}

// root checks the root element: the one place a wrong file shows itself.
func (p *parser) root() error {
	name := string(p.t.name)
	p.rootLine, p.rootCol = p.t.tokLine, p.t.tokCol
	switch name {
	case "NessusClientData_v2":
		return nil
	case "NessusClientData":
		e := p.t.errorTok("%s: the root element is <NessusClientData>; only the .nessus v2 format (<NessusClientData_v2>, Nessus 4 and later) can be read: export the scan again as .nessus", ErrV1)
		e.Err = ErrV1
		return e
	}
	hint := ""
	switch name {
	case "Report", "ReportHost", "ReportItem", "HostProperties", "Policy":
		hint = " (a fragment of a .nessus file, not a whole one)"
	}
	e := p.t.errorTok("%s: the root element is <%s>, not <NessusClientData_v2>%s", ErrNotNessus, name, hint)
	e.Err = ErrNotNessus
	return e
}

func (p *parser) report() error {
	if p.reportSeen {
		return p.errTok("a second <Report>")
	}
	p.reportSeen = true
	name, _ := p.attr("name")
	p.sum.Scan.Name = string(bytes.TrimSpace(name))
	if p.scVersion != "" {
		p.sum.Scan.Scanner = "Tenable.sc " + p.scVersion
	}
	if p.onScan != nil {
		if err := p.onScan(p.sum.Scan); err != nil {
			return fmt.Errorf("nessus: scan %q: %w", p.sum.Scan.Name, err)
		}
	}
	return nil
}

func (p *parser) startHost() error {
	name, ok := p.attr("name")
	name = bytes.TrimSpace(name)
	if !ok || len(name) == 0 {
		return p.errTok("<ReportHost> without a name")
	}
	p.host = &Host{Name: string(name), Properties: make(map[string]string)}
	p.hostBytes = int64(len(name))
	p.startTS, p.endTS, p.startText, p.endText = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return nil
}

func (p *parser) startProp() error {
	if len(p.host.Properties) >= p.lim.MaxItemsPerHost {
		return p.errTok("host %q has more than %d properties (the limit)", p.host.Name, p.lim.MaxItemsPerHost)
	}
	name, ok := p.attr("name")
	if !ok || len(bytes.TrimSpace(name)) == 0 {
		return p.errTok("<tag> without a name")
	}
	p.tagName = p.str(bytes.TrimSpace(name))
	return nil
}

func (p *parser) startItem() error {
	h := p.host
	if len(h.Findings)+len(h.Compliance) >= p.lim.MaxItemsPerHost {
		return p.errTok("host %q has more than %d ReportItems (the limit)", h.Name, p.lim.MaxItemsPerHost)
	}
	it := &p.item
	*it = item{seeAlso: it.seeAlso[:0], xrefs: it.xrefs[:0], bids: it.bids[:0]}
	id, ok := p.attr("pluginID")
	if !ok {
		return p.errTok("<ReportItem> without a pluginID")
	}
	var err error
	if it.f.PluginID, err = atoi(id, math.MaxInt32); err != nil {
		return p.errTok("<ReportItem> pluginID %q is not a plugin number", id)
	}
	sev, ok := p.attr("severity")
	if !ok {
		return p.errTok("<ReportItem> (plugin %d) without a severity", it.f.PluginID)
	}
	if it.f.Severity, err = atoi(sev, 4); err != nil {
		return p.errTok("<ReportItem> (plugin %d) severity %q is not 0 to 4", it.f.PluginID, sev)
	}
	if port, ok := p.attr("port"); ok {
		// Kept as written, even above 65535: a sample exporter writes 99999.
		if it.f.Port, err = atoi(port, math.MaxInt32); err != nil {
			return p.errTok("<ReportItem> (plugin %d) port %q is not a port number", it.f.PluginID, port)
		}
	}
	for _, a := range p.t.attrs {
		v := bytes.TrimSpace(a.value)
		switch string(a.name) {
		case "pluginName":
			it.f.PluginName = p.str(v)
		case "pluginFamily":
			it.f.Family = p.str(v)
		case "protocol":
			it.f.Protocol = p.str(v)
		case "svc_name":
			it.f.Service = p.str(v)
		}
	}
	return nil
}

// atoi reads a decimal number from 0 to limit.
func atoi(b []byte, limit int) (int, error) {
	n, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil {
		return 0, err
	}
	if n < 0 || n > limit {
		return 0, strconv.ErrRange
	}
	return n, nil
}

// chars takes text: kept for the element being read, else only measured.
func (p *parser) chars() error {
	text := p.t.text
	p.textLen += len(text)
	top := p.top()
	if top == eField && p.field == fOutput {
		if p.truncated {
			return nil
		}
		room := p.lim.OutputCap - len(p.text)
		if len(text) > room {
			text = text[:max(room, 0)]
			for len(text) > 0 && !utf8.RuneStart(p.t.text[len(text)]) {
				text = text[:len(text)-1]
			}
			p.truncated = true
		}
		p.text = append(p.text, text...)
		return nil
	}
	if p.textLen > p.lim.MaxTextLen {
		return p.t.errorHere("the text of <%s> is longer than the limit of %d bytes", p.t.topName(), p.lim.MaxTextLen)
	}
	switch top {
	case ePolicyName, ePrefName, ePrefValue, eTag, eField:
		p.text = append(p.text, text...)
	}
	return nil
}

func (p *parser) end() error {
	e := p.top()
	p.stack = p.stack[:len(p.stack)-1]
	p.textLen = 0
	v := bytes.TrimSpace(p.text)
	switch e {
	case ePolicyName:
		p.sum.Scan.Policy = string(v)
	case ePrefName:
		p.prefName = string(v)
	case ePrefValue:
		if p.prefName == "sc_version" || p.prefName == "" {
			p.prefValue = string(v)
		}
	case ePreference:
		if p.prefName == "sc_version" {
			p.scVersion = p.prefValue
		}
	case eTag:
		return p.endProp(v)
	case eField:
		return p.endField(v)
	case eItem:
		return p.endItem()
	case eHost:
		return p.endHost()
	}
	return nil
}

// account adds n bytes to what the current host keeps.
func (p *parser) account(n int) error {
	p.hostBytes += int64(n)
	if p.hostBytes > p.lim.MaxHostBytes {
		return p.t.errorHere("host %q holds more than %d bytes of text (the limit)", p.host.Name, p.lim.MaxHostBytes)
	}
	return nil
}

func (p *parser) endProp(v []byte) error {
	value := p.str(v)
	if err := p.account(len(p.tagName) + len(value)); err != nil {
		return err
	}
	p.host.Properties[p.tagName] = value
	var err error
	switch p.tagName {
	case "HOST_START_TIMESTAMP":
		p.startTS, err = epoch(value)
	case "HOST_END_TIMESTAMP":
		p.endTS, err = epoch(value)
	case "HOST_START":
		p.startText, err = ctime(value)
	case "HOST_END":
		p.endText, err = ctime(value)
	}
	if err != nil {
		return p.errField("host property %s: %v", p.tagName, err)
	}
	return nil
}

func epoch(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	// Up to the year 9999, which is what the database can store.
	if err != nil || n < 0 || n > 253402300799 {
		return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// ctime reads HOST_START and HOST_END: C's ctime text, in the scanner's
// time zone, which the file does not say; it is read as UTC.
func ctime(s string) (time.Time, error) {
	t, err := time.Parse(time.ANSIC, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like \"Thu Aug 11 15:06:45 2016\"", s)
	}
	return t, nil
}

func (p *parser) endField(v []byte) error {
	it := &p.item
	f := p.field
	var err error
	switch f {
	case fPluginName:
		if it.f.PluginName == "" {
			it.f.PluginName = p.str(v)
		}
	case fCVSS2Base:
		it.f.CVSS2Base, err = score(v)
	case fCVSS2Vector:
		it.f.CVSS2Vector = p.str(v)
	case fCVSS3Base:
		it.f.CVSS3Base, err = score(v)
	case fCVSS3Vector:
		it.f.CVSS3Vector = p.str(v)
	case fVPR:
		it.f.VPR, err = score(v)
	case fCVE:
		if len(v) > 0 {
			it.f.CVEs = append(it.f.CVEs, p.str(v))
		}
	case fCWE:
		if len(v) > 0 {
			it.f.CWEs = append(it.f.CWEs, p.str(v))
		}
	case fSeeAlso:
		for line := range bytes.SplitSeq(v, []byte{'\n'}) {
			if line = bytes.TrimSpace(line); len(line) > 0 {
				it.seeAlso = append(it.seeAlso, p.str(line))
			}
		}
	case fXref:
		if len(v) > 0 {
			it.xrefs = append(it.xrefs, p.str(v))
		}
	case fBID:
		if len(v) > 0 {
			it.bids = append(it.bids, "BID:"+string(v))
		}
	case fExploit:
		switch {
		case len(v) == 0:
		case strings.EqualFold(string(v), "true"):
			it.f.ExploitAvailable = true
		case strings.EqualFold(string(v), "false"):
		default:
			err = fmt.Errorf("%q is neither true nor false", v)
		}
	case fRiskFactor:
		it.f.RiskFactor = p.str(v)
	case fSynopsis:
		it.f.Synopsis = p.str(v)
	case fDescription:
		it.f.Description = p.str(v)
	case fSolution:
		it.f.Solution = p.str(v)
	case fOutput:
		// Kept as written, surrounding white space included: it is evidence.
		it.f.Output = string(p.text)
		it.f.OutputTruncated = p.truncated
	case fPluginPublished:
		it.f.PluginPublished = p.str(v)
	case fPluginModified:
		it.f.PluginModified = p.str(v)
	case fPatchPublished:
		it.f.PatchPublished = p.str(v)
	case fCheckName:
		it.c.CheckName = p.str(v)
	case fCheckID:
		it.c.CheckID = p.str(v)
	case fResult:
		it.c.Result = p.str(bytes.ToUpper(v))
	case fActual:
		it.c.Actual = p.str(v)
	case fPolicyValue:
		it.c.Policy = p.str(v)
	case fInfo:
		it.c.Info = p.str(v)
	case fComplianceSolution:
		it.c.Solution = p.str(v)
	case fAuditFile:
		it.c.AuditFile = p.str(v)
	case fReference:
		it.c.Reference = p.str(v)
	}
	if err != nil {
		return p.errField("%s (plugin %d): %v", p.t.name, it.f.PluginID, err)
	}
	if f == fOutput {
		return p.account(len(p.text))
	}
	return p.account(len(v))
}

// score reads a CVSS or VPR score, 0 to 10; empty is absent.
func score(v []byte) (float64, error) {
	if len(v) == 0 {
		return 0, nil
	}
	x, err := strconv.ParseFloat(string(v), 64)
	if err != nil || !(x >= 0 && x <= 10) {
		return 0, fmt.Errorf("%q is not a score from 0 to 10", v)
	}
	return x, nil
}

func (p *parser) endItem() error {
	it := &p.item
	h := p.host
	if it.compliance {
		c := it.c
		c.PluginID, c.Port = it.f.PluginID, it.f.Port
		h.Compliance = append(h.Compliance, c)
		return nil
	}
	f := it.f
	if n := len(it.seeAlso) + len(it.xrefs) + len(it.bids); n > 0 {
		f.References = make([]string, 0, n)
		f.References = append(f.References, it.seeAlso...)
		f.References = append(f.References, it.xrefs...)
		f.References = append(f.References, it.bids...)
	}
	if f.PluginID == scanInfoPlugin && p.scanInfo == "" {
		p.scanInfo = scannerFromScanInfo(f.Output)
	}
	h.Findings = append(h.Findings, f)
	return nil
}

// scannerFromScanInfo names the scanner from the output of plugin 19506,
// whose lines read "Nessus version : 10.1.1", "Scanner edition used :
// Nessus Home", "Scanner IP : 10.0.0.3"; "" when it names no version.
func scannerFromScanInfo(out string) string {
	var version, edition, ip string
	for line := range strings.Lines(out) {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "Nessus version":
			// "5.2.4 (Nessus 5.2.5 is available - consider upgrading)"
			version, _, _ = strings.Cut(value, " ")
		case "Scanner edition used":
			edition = value
		case "Scanner IP":
			ip = value
		}
	}
	if version == "" {
		return ""
	}
	if edition == "" {
		edition = "Nessus"
	}
	s := edition + " " + version
	if ip != "" {
		s += " at " + ip
	}
	return s
}

func (p *parser) endHost() error {
	h := p.host
	props := h.Properties
	h.FQDN = props["host-fqdn"]
	h.IP = props["host-ip"]
	if h.IP == "" {
		if _, err := netip.ParseAddr(h.Name); err == nil {
			h.IP = h.Name
		}
	}
	h.NetBIOS = props["netbios-name"]
	for _, mac := range strings.Fields(props["mac-address"]) {
		if !slices.Contains(h.MACs, mac) {
			h.MACs = append(h.MACs, mac)
		}
	}
	h.OS = props["operating-system"]
	h.Credentialed = strings.EqualFold(props["Credentialed_Scan"], "true")
	h.Start = p.startTS
	if h.Start.IsZero() {
		h.Start = p.startText
	}
	h.End = p.endTS
	if h.End.IsZero() {
		h.End = p.endText
	}

	s := &p.sum
	s.Hosts++
	s.Findings += len(h.Findings)
	s.Compliance += len(h.Compliance)
	for _, f := range h.Findings {
		s.BySeverity[f.Severity]++
	}
	if !h.Start.IsZero() && (s.Scan.Start.IsZero() || h.Start.Before(s.Scan.Start)) {
		s.Scan.Start = h.Start
	}
	if h.End.After(s.Scan.End) {
		s.Scan.End = h.End
	}
	p.host = nil
	if p.onHost != nil {
		if err := p.onHost(h); err != nil {
			return fmt.Errorf("nessus: host %q: %w", h.Name, err)
		}
	}
	return nil
}

// finish completes the summary once the whole file has been read.
func (p *parser) finish() error {
	if !p.reportSeen {
		msg := "the file has no <Report> element, so it holds no scan results"
		if len(p.skipped) > 0 {
			msg += " (it has " + strings.Join(p.skipped, ", ") + " instead)"
		}
		return &Error{Line: p.rootLine, Column: p.rootCol, Msg: fmt.Sprintf("%s: %s", ErrNotNessus, msg), Err: ErrNotNessus}
	}
	scanner := p.scanInfo
	if p.scVersion != "" {
		if scanner != "" {
			scanner += " via "
		}
		scanner += "Tenable.sc " + p.scVersion
	}
	p.sum.Scan.Scanner = scanner
	return nil
}
