#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bisect-results.jsonl -> a table per grid row: each rule's boots, builds,
cost and accuracy, and whether oopsfarm's rule meets the confidence and
costs less than the fixed rules at their smallest sufficient N (min-n) and
at its own accuracy on the same histories (equal-acc)."""
import json
import sys

rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r["commits"], -r["rate"], r["build_cost"])
    rows.setdefault(key, []).append(r)

print("# oopsfarm bisect simulate --json, build failures 5%, confidence 0.95, seed 1")
measured = max((r.get("measured", 0) for rs in rows.values() for r in rs), default=0)
if measured:
    print("# oopsfarm's rule given %d boots of the bad end measured before the bisect (--measured), not" % measured)
    print("# counted in its cost (the fixed rules' N is tuned on these very trials, knowing the rate)")
print("# meets: the one-sided 95% binomial bound does not put the accuracy below 0.95 (acc_hi >= 0.95);")
print("# lo>=Q: the lower bound is at least 0.95.  cheaper: oopsfarm's mean cost < the rule's at min-n;")
print("# at equal accuracy: < the rule's at the smallest N right on as many trials as oopsfarm (equal-acc)")
hdr = "%7s %6s %4s  %-15s %5s %-9s %9s %7s %7s %9s %7s %6s %6s %6s %-5s %-5s" % (
    "commits", "rate", "C", "rule", "n", "choice", "boots", "p90", "builds", "cost", "p90", "acc", "acc_lo",
    "acc_hi", "meets", "lo>=Q")
print(hdr)
summary = []
for key in sorted(rows):
    rs = rows[key]
    of = next((r for r in rs if r["rule"] == "oopsfarm"), None)
    for r in rs:
        print("%7d %6g %4g  %-15s %5d %-9s %9.1f %7.0f %7.2f %9.1f %7.0f %6.3f %6.3f %6.3f %-5s %-5s" % (
            r["commits"], r["rate"], r["build_cost"], r["rule"], r["n"], r["choice"], r["mean_boots"],
            r["p90_boots"], r["mean_builds"], r["mean_cost"], r["p90_cost"], r["accuracy"], r["accuracy_lo"],
            r["accuracy_hi"], "yes" if r["meets"] else "no", "yes" if r["accuracy_lo"] >= r["confidence"] else "no"))
    if of:
        cheaper, equal = [], []
        for rule in ("git-retry", "syzkaller", "entropy-greedy", "git-measured"):
            o = next((r for r in rs if r["rule"] == rule and r["choice"] in ("min-n", "bayes")), None)
            if o:
                cheaper.append("%s:%s" % (rule, "yes" if of["mean_cost"] < o["mean_cost"] else "NO"))
            e = next((r for r in rs if r["rule"] == rule and r["choice"] == "equal-acc"), None)
            if e:
                equal.append("%s:%s(%.0f)" % (rule, "yes" if of["mean_cost"] < e["mean_cost"] else "NO",
                                              100 * (of["mean_cost"] / e["mean_cost"] - 1)))
        summary.append("%7d %6g %4g  oopsfarm meets:%s cheaper than %s; at equal accuracy %s (%% cost)" % (
            key[0], -key[1], key[2], "yes" if of["meets"] else "NO", " ".join(cheaper), " ".join(equal)))
    print()
print("# summary")
for s in summary:
    print(s)
