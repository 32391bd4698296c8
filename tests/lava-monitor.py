#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""lava-monitor.py MONITORS.yaml CONSOLE.log: the test cases LAVA's monitors
action would record from a console log, one "case_id result [measurement]"
per line.

It follows lava_dispatcher/actions/test/monitor.py: wait for `start`, then
let pexpect look for [EOF, TIMEOUT, end, pattern] in that order of priority,
turning each pattern match into a result; case ids are lowercased and runs of
non-word characters become '_'.  The log is fed through a pexpect spawn of
`cat`, so the regexes run exactly as pexpect runs them on a serial line.
"""
import re
import sys

import pexpect
import yaml

job = yaml.safe_load(open(sys.argv[1]))
mon = job[0]["test"]["monitors"][0]
child = pexpect.spawn("cat", [sys.argv[2]], encoding="utf-8", codec_errors="replace",
                      timeout=5)
try:
    child.expect(mon["start"])
except (pexpect.EOF, pexpect.TIMEOUT):
    print("no start")
    sys.exit(0)
while True:
    i = child.expect([pexpect.EOF, pexpect.TIMEOUT, mon["end"], mon["pattern"]])
    if i == 0 or i == 1:
        print("eof" if i == 0 else "timeout")
        break
    if i == 2:
        print("end")
        break
    m = child.match.groupdict()
    case = re.sub(r"\W+", "_", m["test_case_id"].strip().lower())
    extra = " %s %s" % (m["measurement"], m["units"]) if m.get("measurement") else ""
    print("%s %s%s" % (case, m["result"], extra))
