#!/usr/bin/env python3
"""Walk a Nessus file with Python's standard streaming XML parser.

The benchmark's second baseline for `isms import nessus`: it reads FILE with
xml.etree.ElementTree.iterparse, the usual streaming idiom (clear each
element when it ends, so memory stays bounded), counts ReportHost and
ReportItem elements and stores nothing. It prints one JSON object: the
counts, the seconds the walk took and the process's peak resident memory.

    python3 walk.py FILE
"""

import json
import resource
import sys
import time
import xml.etree.ElementTree as ET


def walk(path):
    elements = hosts = items = 0
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            elements += 1
            if elem.tag == "ReportHost":
                hosts += 1
            elif elem.tag == "ReportItem":
                items += 1
        else:
            elem.clear()
    return elements, hosts, items


def main():
    if len(sys.argv) != 2:
        print("usage: walk.py FILE", file=sys.stderr)
        return 2
    start = time.perf_counter()
    elements, hosts, items = walk(sys.argv[1])
    seconds = time.perf_counter() - start
    print(json.dumps({
        "elements": elements,
        "report_hosts": hosts,
        "report_items": items,
        "seconds": seconds,
        # ru_maxrss is in KiB on Linux (bytes on macOS).
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
