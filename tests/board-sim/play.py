# SPDX-License-Identifier: MIT
"""A board on the far end of a pty (tests/board-sim/power.sh starts it at
power-on): plays one recorded console (a fixture body; LOG:hang stops
before init), then reads what is typed until powered off, answering the
SysRq keys w and t as a kernel would.  It appends "first T" and "end T"
(time.time() of its first and last console write) to DIR/times."""
import os, select, sys, time
log, uart, typed = sys.argv[1:4]
fd = os.open(uart, os.O_RDWR | os.O_NOCTTY)
hang = log.endswith(":hang")
data = open(log.split(":")[0], "rb").read()
data = data[data.index(b"\n#end\n") + 6:]
if hang:
    data = data[:data.index(b"Run /init")]     # stuck before init
times = open(os.path.join(os.path.dirname(typed), "times"), "a")
for i in range(0, len(data), 997):             # odd chunks, lines cut mid-way
    os.write(fd, data[i:i + 997])
    if i == 0:
        times.write("first %.6f\n" % time.time())
    time.sleep(0.005)
times.write("end %.6f\n" % time.time())
times.close()
while True:                                    # powered until killed
    r, _, _ = select.select([fd], [], [])
    got = os.read(fd, 64)
    open(typed, "ab").write(got)
    for key, answer in ((b"w", b"sysrq: Show Blocked State\r\n"), (b"t", b"sysrq: Show State\r\n")):
        if key in got:
            os.write(fd, answer)
