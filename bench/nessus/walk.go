package nessusbench

import (
	"encoding/xml"
	"errors"
	"io"
)

// Counts are what a walk of a scan file counts.
type Counts struct {
	Elements    int `json:"elements"`     // start elements, all of them
	ReportHosts int `json:"report_hosts"` // ReportHost elements
	ReportItems int `json:"report_items"` // ReportItem elements
}

// Walk reads r with encoding/xml's Decoder.Token to the end, counting start
// elements and storing nothing: the baseline the issue compares the import
// with. Token checks that the XML is well-formed (matching end tags, one
// root), so an error means the file is not.
func Walk(r io.Reader) (Counts, error) {
	var c Counts
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			c.Elements++
			switch se.Name.Local {
			case "ReportHost":
				c.ReportHosts++
			case "ReportItem":
				c.ReportItems++
			}
		}
	}
}
