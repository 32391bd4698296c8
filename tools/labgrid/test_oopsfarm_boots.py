# SPDX-License-Identifier: MIT
"""oopsfarm boots through labgrid's own drivers, for labgrid users.

A labgrid user keeps the environment YAML and labgrid's drivers; each test
here is one boot of the board: power off, console drained, power on, the
console read until the kernel's last words or the oopsfarm agent's END line
(or an idle limit: a hang), power off; then the boot's console goes to
`oopsfarm record`, so the store, the verdicts and `oopsfarm report` are the
ones `oopsfarm run` gives.

    OOPSFARM_STORE=results.db OOPSFARM_CAMPAIGN=race OOPSFARM_VARIANT=shipped \\
    OOPSFARM_SETUP=rb5 OOPSFARM_BOOTS=20 \\
        pytest --lg-env devices/boards/rb5-01.yaml tools/labgrid/test_oopsfarm_boots.py

Settings (environment; labgrid's pytest plugin owns the command line):
  OOPSFARM_STORE, OOPSFARM_CAMPAIGN, OOPSFARM_VARIANT, OOPSFARM_SETUP  where
      `oopsfarm record` stores the boots (required);
  OOPSFARM_BOOTS      boots to run (default 1); OOPSFARM_FIRST the first
                      boot's number (default 0), so a run can continue;
  OOPSFARM_TARGET     the campaign's crash title;
  OOPSFARM_AGENT=1    the oopsfarm agent is init (no BEGIN line: infra);
  OOPSFARM_BIN        the oopsfarm binary (default: oopsfarm on PATH);
  OOPSFARM_LOGS       where the consoles are kept (default: next to the store);
  OOPSFARM_IDLE       seconds without console output that make a hang (30);
  OOPSFARM_START      seconds from power-on to the first byte (20);
  OOPSFARM_SETTLE     seconds of output kept after the last words (3).

Drivers: labgrid's PowerProtocol (ExternalPowerDriver, PDUDaemonDriver,
DigitalOutputPowerDriver, ManualPowerDriver...) and ConsoleProtocol
(SerialDriver on pyserial).  Flashing through AndroidFastbootDriver is not
done here yet: the board boots what it has.  A boot that cannot be powered
or whose console cannot be read is recorded as infra, never as a crash.
"""
import os
import subprocess
import time

import pytest

# the console text after which a boot is over (board/board.c has the same list)
LAST_WORDS = (b"Kernel panic - not syncing", b"reboot: Power down", b"reboot: System halted",
              b"reboot: Restarting system", b":END:verdict=")


def _setting(name, default=None):
    v = os.environ.get("OOPSFARM_" + name, default)
    if v is None:
        pytest.fail(f"OOPSFARM_{name} is not set (see {__file__})")
    return v


def _boots():
    first = int(os.environ.get("OOPSFARM_FIRST", "0"))
    return range(first, first + int(os.environ.get("OOPSFARM_BOOTS", "1")))


def read_boot(console, start, idle, settle, clock=time.monotonic):
    """Reads one boot's console: returns (bytes, why) where why is None for a
    boot that ended by its last words, else the hang or no-start reason."""
    data = bytearray()
    t0 = last = clock()
    ended = None
    while True:
        try:
            chunk = console.read(size=4096, timeout=0.1)
        except Exception:  # labgrid's TIMEOUT: nothing in 0.1 s
            chunk = b""
        now = clock()
        if chunk:
            data += chunk
            last = now
            if ended is None and any(w in data[-len(chunk) - 64:] for w in LAST_WORDS):
                ended = now
        if ended is not None and now - ended > settle:
            return bytes(data), None
        if not data and now - t0 > start:
            return bytes(data), f"no console output in {start:.0f} s after power-on"
        if data and ended is None and now - last > idle:
            return bytes(data), f"no console output for {idle:.0f} s"


def _drain(console):
    """Drops what the console holds from before power-on."""
    while True:
        try:
            console.read(size=4096, timeout=0.05)
        except Exception:
            return


@pytest.mark.parametrize("boot", _boots())
def test_oopsfarm_boot(target, boot):
    store = _setting("STORE")
    campaign, variant, setup = _setting("CAMPAIGN"), _setting("VARIANT"), _setting("SETUP")
    logs = _setting("LOGS", os.path.join(os.path.dirname(os.path.abspath(store)), "labgrid-logs"))
    os.makedirs(logs, exist_ok=True)
    log = os.path.join(logs, f"{variant}-{setup}-{boot}.log")
    uid = f"{campaign}/{variant}/{setup}/{boot}"
    extra = []
    try:
        power = target.get_driver("PowerProtocol")
        console = target.get_driver("ConsoleProtocol")
        power.off()
        _drain(console)
        power.on()
        data, why = read_boot(console, float(_setting("START", "20")), float(_setting("IDLE", "30")),
                              float(_setting("SETTLE", "3")))
        power.off()
        if why and not data:
            extra = ["--infra", f"labgrid: {why}"]
        elif why:
            extra = ["--hang"]
    except Exception as e:  # power or console: the board, not the kernel
        data, extra = b"", ["--infra", f"labgrid: {type(e).__name__}: {e}"]
    with open(log, "wb") as f:
        f.write(data)
    cmd = [_setting("BIN", "oopsfarm"), "record", "--store", store, "--campaign", campaign, "--variant",
           variant, "--setup", setup, "--uid", uid, "--seq", str(boot)] + extra
    if os.environ.get("OOPSFARM_TARGET"):
        cmd += ["--target", os.environ["OOPSFARM_TARGET"]]
    if os.environ.get("OOPSFARM_AGENT") == "1":
        cmd += ["--agent"]
    r = subprocess.run(cmd + [log], capture_output=True, text=True)
    assert r.returncode in (0, 1), f"oopsfarm record failed ({r.returncode}): {r.stderr}"
