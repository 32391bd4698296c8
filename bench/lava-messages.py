#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
Run LAVA's own kernel-message detection over a console log, the way a LAVA
boot action does, and count what it finds.

    lava-messages.py DIST_PACKAGES CORPUS [EVENTS]

DIST_PACKAGES is usr/lib/python3/dist-packages of Debian's lava-dispatcher
and lava-common packages unpacked with dpkg-deb -x (bench/run does that).
The script imports lava_dispatcher.utils.messages unchanged and calls
LinuxKernelMessages.parse_failures() with what LAVA gives it: a connection
whose raw_connection is a pexpect spawn with LAVA's settings (ShellCommand:
utf-8, codec_errors=replace, maxread=2000, searchwindowsize=4000; the end
of a message is searched with searchwindowsize=None as ShellSession.wait
does).  Here the spawn reads the corpus file instead of a serial line.

A real job stops at the first kernel panic (a fatal message raises
JobError); the corpus holds thousands of boots, so this script starts
parse_failures() again after each one, as the next job would.  The only
prompts are the kernel-message patterns (no login prompt), so a message
whose end pattern never comes is searched for until the next one.
LAVA's ShellLogger (a YAML log line for every chunk read) is left out.

Output: lines "key value..." that bench/run reads:
    seconds S            time spent in parse_failures() and pexpect
    chars N              characters read
    kind KIND N          messages per kind (parse_failures' classification)
    pattern N REGEX      start pattern that matched, per pattern
    event NAME N         warnings LAVA logged (end never matched, EOF...)
    line N TEXT          the most common lines that started a message
                         (timestamps and numbers blanked)
EVENTS, if given, gets one line per message: "OFFSET WHAT", OFFSET the
byte offset of the start match in CORPUS (exact for ASCII text) and WHAT
the kind, or "noend-KIND" when the end pattern of a message of that kind
("cut-here" for the "[ cut here ]" start) never came before the end of its
boot, so that LAVA records nothing for it.
"""
import collections
import logging
import os
import re
import sys
import time


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, sys.argv[1])
    try:
        import requests  # noqa: F401  (lava_common.log imports it, for HTTP logging only)
    except ImportError:
        import types
        sys.modules["requests"] = types.ModuleType("requests")
        print("note: python3-requests missing, stubbed (only used for HTTP logs)", file=sys.stderr)
    import pexpect
    import pexpect.spawnbase
    from lava_common.exceptions import JobError
    from lava_dispatcher.utils import messages

    kernel_messages = messages.KERNEL_MESSAGES
    starts = messages.LinuxKernelMessages.get_init_prompts()

    kinds = collections.Counter()
    events = collections.Counter()
    patterns = collections.Counter()
    lines = collections.Counter()
    fatal = [0]
    where = [None, None]  # byte offset and pattern of the message being read
    out_events = open(sys.argv[3], "w") if len(sys.argv) == 4 else None

    def event(what):
        if out_events and where[0] is not None:
            out_events.write("%d %s\n" % (where[0], what))
        where[0] = None

    class Capture(logging.Handler):
        """parse_failures reports each message as a log line: count them."""

        kind_re = re.compile(r"kernel '([^']*)'$")

        def emit(self, record):
            msg = record.getMessage()
            m = self.kind_re.search(msg)
            if m and record.levelno >= logging.WARNING:
                kinds[m.group(1)] += 1
                event(m.group(1))
            elif record.levelno >= logging.WARNING:
                events[msg] += 1
                if "end of kernel" in msg:
                    event("noend-%s" % (kernel_messages[where[1]]["kind"] or "cut-here"))

    logger = logging.getLogger("lava-bench")
    logger.propagate = False
    logger.setLevel(logging.WARNING)  # parse_failures' debug lines cost time; LAVA logs them
    logger.addHandler(Capture())

    class Action:
        name = "kernel-messages"
        force_prompt = False
        level = "1.1"
        parameters = {}
        errors = None

        def __init__(self):
            self.logger = logger

    blank = re.compile(r"[0-9]+")

    class Connection:
        """The part of lava_dispatcher.shell.ShellSession that parse_failures uses."""

        check_char = "#"

        def __init__(self, raw):
            self.raw_connection = raw
            self.prompt_str = list(starts)

        def wait(self, max_end_time=None, max_searchwindowsize=False):
            timeout = max_end_time - time.monotonic()
            kw = {"searchwindowsize": None} if max_searchwindowsize else {}
            try:
                index = self.raw_connection.expect(self.prompt_str, timeout=timeout, **kw)
            except pexpect.TIMEOUT:
                raise JobError("wait for prompt timed out")
            if self.prompt_str[: len(starts)] == starts:
                raw = self.raw_connection
                patterns[index] += 1
                where[0] = raw.base + raw.nread - len(raw.buffer) - len(raw.after)
                where[1] = index
                before = self.raw_connection.before
                head = before[before.rfind("\n") + 1 :] + self.raw_connection.after
                rest = self.raw_connection.buffer
                head += rest[: rest.find("\r")] if "\r" in rest else rest[:200]
                lines[blank.sub("N", head.strip())[:110]] += 1
            return index

        def sendline(self, s=""):
            pass

    class BootSpawn(pexpect.spawnbase.SpawnBase):
        """A pexpect spawn that reads one boot of the corpus from memory,
        maxread bytes at a time, as fdspawn reads a serial line."""

        def __init__(self, data, start, end):
            super().__init__(
                timeout=3600,
                encoding="utf-8",
                searchwindowsize=4000,
                maxread=2000,
                codec_errors="replace",
            )
            self.data, self.pos, self.stop = data, start, end
            self.base, self.nread = start, 0

        def read_nonblocking(self, size=1, timeout=None):
            if self.pos >= self.stop:
                self.flag_eof = True
                raise pexpect.EOF("end of this boot")
            s = self.data[self.pos : min(self.pos + size, self.stop)]
            self.pos += len(s)
            s = self._decoder.decode(s, final=False)
            self.nread += len(s)
            self._log(s, "read")
            return s

    with open(sys.argv[2], "rb") as f:
        data = f.read()
    # One LAVA job boots the kernel once: cut the corpus at each boot banner.
    cuts = [0]
    marker = b"Booting Linux on physical CPU"
    at = data.find(marker)
    while at >= 0:
        line = data.rfind(b"\n", 0, at) + 1
        if line > cuts[-1]:
            cuts.append(line)
        at = data.find(marker, at + len(marker))
    cuts.append(len(data))

    action = Action()
    jobs = 0
    t0 = time.monotonic()
    for start, end in zip(cuts, cuts[1:]):
        conn = Connection(BootSpawn(data, start, end))
        jobs += 1
        while True:
            try:
                messages.LinuxKernelMessages.parse_failures(
                    conn, action, time.monotonic() + 3600, None
                )
            except JobError:
                # a fatal message (kernel panic) ends the job; a new one
                # would only start with the next boot
                fatal[0] += 1
            break
    seconds = time.monotonic() - t0
    chars = len(data)

    print("seconds %.3f" % seconds)
    print("chars %d" % chars)
    print("jobs %d" % jobs)
    print("fatal %d" % fatal[0])
    for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print("kind %s %d" % (k, n))
    for i, msg in enumerate(kernel_messages):
        print("pattern %d %s" % (patterns.get(i, 0), msg["start"]))
    for e, n in events.items():
        print("event %d %s" % (n, e))
    for text, n in lines.most_common(20):
        print("line %d %s" % (n, text))
    if out_events:
        out_events.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
