#!/usr/bin/env python3
"""Checks the golden files against an independent reading of the samples.

Run from internal/nessus: python3 testdata/verify.py
It reads each sample with Python's xml.etree (not with the Go reader) and
compares hosts, findings, compliance results, severities and each host's
match keys with testdata/golden/. Prints one line per sample; exits 1 on
any difference.
"""
import glob, ipaddress, json, os, sys
import xml.etree.ElementTree as ET

CM = '{http://www.nessus.org/cm}'


def read(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return {'refused': 'not XML: %s' % e}
    if root.tag != 'NessusClientData_v2':
        return {'refused': 'root <%s>' % root.tag}
    report = root.find('Report')
    if report is None:
        return {'refused': 'no <Report>'}
    out = {'Hosts': 0, 'Findings': 0, 'Compliance': 0, 'BySeverity': [0] * 5, 'PerHost': []}
    for h in report.findall('ReportHost'):
        props = {}
        for tag in h.iter('tag'):
            props[tag.get('name').strip()] = (tag.text or '').strip()
        findings = compliance = 0
        for item in h.findall('ReportItem'):
            if any(ch.tag.startswith(CM + 'compliance') for ch in item):
                compliance += 1
            else:
                findings += 1
                out['BySeverity'][int(item.get('severity'))] += 1
        name = h.get('name')
        ip = props.get('host-ip', '')
        if not ip:
            try:
                ipaddress.ip_address(name)
                ip = name
            except ValueError:
                pass
        macs = []
        for m in props.get('mac-address', '').split():
            if m not in macs:
                macs.append(m)
        out['PerHost'].append({
            'Name': name, 'FQDN': props.get('host-fqdn', ''), 'IP': ip,
            'NetBIOS': props.get('netbios-name', ''), 'MACs': macs or None,
            'OS': props.get('operating-system', ''),
            'Credentialed': props.get('Credentialed_Scan', '').lower() == 'true',
            'Properties': len(props), 'Findings': findings, 'Compliance': compliance,
        })
        out['Hosts'] += 1
        out['Findings'] += findings
        out['Compliance'] += compliance
    return out


def main():
    bad = False
    for path in sorted(glob.glob('testdata/**/*', recursive=True)):
        if not path.endswith(('.nessus', '.xml', '.v1')) or '/fuzz/' in path:
            continue
        name = os.path.relpath(path, 'testdata').replace(os.sep, '__')
        golden = json.load(open(os.path.join('testdata', 'golden', name + '.json')))
        mine = read(path)
        if 'refused' in mine:
            ok = 'Error' in golden
            print('%-70s refused (%s): %s' % (path, mine['refused'], 'ok' if ok else 'GOLDEN IMPORTS IT'))
        else:
            keys = ['Name', 'FQDN', 'IP', 'NetBIOS', 'MACs', 'OS', 'Credentialed', 'Properties', 'Findings', 'Compliance']
            got = {k: golden.get(k, 0) for k in ('Hosts', 'Findings', 'Compliance')}
            got['BySeverity'] = golden.get('BySeverity', [0] * 5)
            got['PerHost'] = [{k: h[k] for k in keys} for h in golden.get('PerHost', [])]
            ok = got == mine
            print('%-70s %d hosts, %d findings, %d compliance, %s: %s' % (
                path, mine['Hosts'], mine['Findings'], mine['Compliance'], mine['BySeverity'], 'ok' if ok else 'DIFFERS'))
        bad = bad or not ok
    sys.exit(1 if bad else 0)


main()
