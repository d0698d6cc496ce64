// Package nessustest writes small .nessus v2 files for the tests of the
// packages that import scans, so that each test states the hosts and
// results it needs instead of carrying a sample file.
package nessustest

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Item is one result of a host: a vulnerability plugin's finding.
type Item struct {
	Plugin, Port, Severity int
	Name                   string
	Exploit                bool
	CVE                    string
	// SeeAlso is a reference address; Output the plugin output, as text
	// (it is escaped into the file). Output defaults to a version line.
	SeeAlso, Output string
}

// Host is a scanned host with its results and, for audit scans, the
// results of its configuration checks (PASSED, FAILED, WARNING).
type Host struct {
	Name, IP, FQDN string
	Items          []Item
	Compliance     []string
}

// File returns a Nessus v2 file named name whose hosts were scanned by end.
func File(name string, end time.Time, hosts ...Host) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" ?>` + "\n" + `<NessusClientData_v2 xmlns:cm="http://www.nessus.org/cm"><Policy><policyName>Weekly</policyName></Policy>`)
	fmt.Fprintf(&b, `<Report name="%s">`, html.EscapeString(name))
	stamp := end.UTC().Format("Mon Jan _2 15:04:05 2006")
	for _, h := range hosts {
		fmt.Fprintf(&b, `<ReportHost name="%s"><HostProperties><tag name="HOST_END">%s</tag><tag name="host-ip">%s</tag>`, h.Name, stamp, h.IP)
		if h.FQDN != "" {
			fmt.Fprintf(&b, `<tag name="host-fqdn">%s</tag>`, h.FQDN)
		}
		b.WriteString(`<tag name="operating-system">Linux Kernel 6.1</tag><tag name="Credentialed_Scan">true</tag></HostProperties>`)
		for _, it := range h.Items {
			fmt.Fprintf(&b, `<ReportItem port="%d" svc_name="www" protocol="tcp" severity="%d" pluginID="%d" pluginName="%s" pluginFamily="Web Servers">`,
				it.Port, it.Severity, it.Plugin, it.Name)
			fmt.Fprintf(&b, `<description>%s is vulnerable.</description><solution>Upgrade %s.</solution><synopsis>Outdated %s.</synopsis>`,
				it.Name, it.Name, it.Name)
			fmt.Fprintf(&b, `<plugin_modification_date>2026/10/01</plugin_modification_date><exploit_available>%t</exploit_available>`, it.Exploit)
			fmt.Fprintf(&b, `<cvss3_base_score>9.8</cvss3_base_score><cwe>79</cwe>`)
			if it.CVE != "" {
				fmt.Fprintf(&b, `<cve>%s</cve>`, it.CVE)
			}
			if it.SeeAlso != "" {
				fmt.Fprintf(&b, `<see_also>%s</see_also>`, html.EscapeString(it.SeeAlso))
			}
			output := it.Output
			if output == "" {
				output = "Installed version : 1.0"
			}
			fmt.Fprintf(&b, `<plugin_output>%s</plugin_output></ReportItem>`, html.EscapeString(output))
		}
		for i, r := range h.Compliance {
			fmt.Fprintf(&b, `<ReportItem port="0" svc_name="general" protocol="tcp" severity="1" pluginID="21157" pluginName="Unix Compliance Checks" pluginFamily="Policy Compliance">`+
				`<cm:compliance-check-name>Check %d</cm:compliance-check-name><cm:compliance-result>%s</cm:compliance-result>`+
				`<cm:compliance-actual-value>no</cm:compliance-actual-value><cm:compliance-policy-value>yes</cm:compliance-policy-value></ReportItem>`, i, r)
		}
		b.WriteString(`</ReportHost>`)
	}
	b.WriteString(`</Report></NessusClientData_v2>`)
	return b.String()
}
