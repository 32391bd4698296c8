# SPDX-License-Identifier: MIT
#
# oopsfarm: a plain Makefile.
#   make                      host tools (build/host/oopsfarm)
#   make check [ASAN=1] [UPDATE=1]   every test; ends with "N passed, N failed"
#   make agent CROSS_COMPILE=aarch64-linux-gnu-   static board agent
#   make deps                 install the Debian packages the build and tests need (root)
#   make fuzz [FUZZ_SECONDS=60]  libFuzzer on the oops parser
#   make bench                parser throughput and friends
#   make demo                 the main job on the QEMU board
# Builds go out of tree in build/<target>/. V=1 shows the commands.

# make's built-in CC is "cc", but cross toolchains only ship <triplet>-gcc.
ifeq ($(origin CC),default)
CC := gcc
endif
CROSS_COMPILE ?=
V ?= 0
ASAN ?= 0

ifeq ($(V),1)
Q :=
else
Q := @
endif

TARGET := $(if $(CROSS_COMPILE),$(patsubst %-,%,$(notdir $(CROSS_COMPILE))),host)
ifeq ($(ASAN),1)
TARGET := $(TARGET)-asan
endif
B := build/$(TARGET)

CFLAGS ?= -O2 -g
# -Wno-format-truncation is for lib/ (oops titles are cut at OOPS_TITLE_MAX by
# design); tools/ builds with the warning on.
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat -Wformat-security -Wno-format-truncation \
	  -D_GNU_SOURCE -Ilib -MMD -MP
LDFLAGS ?=
ifeq ($(ASAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# The host tools link well-kept Debian libraries (installed by `make deps`).
HOST_LIBS := sqlite3 yaml-0.1 jansson libcurl libzstd
HOST_CFLAGS = $(shell pkg-config --cflags $(HOST_LIBS) 2>/dev/null)
HOST_LDLIBS = $(shell pkg-config --libs $(HOST_LIBS) 2>/dev/null) -lpthread -lm

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
LIB_A := $(B)/liboopsfarm.a

# agent/main.c is the entry point and agent/sys-linux.c the real syscalls;
# everything else in agent/ is the testable core, linked by tests with a fake sys.
AGENT_SRC := $(wildcard agent/*.c)
AGENT_CORE_SRC := $(filter-out agent/main.c agent/sys-linux.c,$(AGENT_SRC))
AGENT_CORE_OBJ := $(AGENT_CORE_SRC:%.c=$(B)/%.o)
AGENT_CORE_A := $(B)/libagentcore.a

# The host side: libhost.a is the library (tools/{core,board,lava,store,
# report,util}/), linked by the oopsfarm binary, bench/ and the unit tests;
# the binary adds only the dispatcher and the thin commands (tools/cmd/).
HOST_DIRS := core board lava store report util
HOST_SRC := $(foreach d,$(HOST_DIRS),$(wildcard tools/$(d)/*.c))
HOST_OBJ := $(HOST_SRC:%.c=$(B)/%.o)
HOST_A := $(B)/libhost.a
TOOLS_SRC := $(wildcard tools/*.c tools/cmd/*.c)
TOOLS_OBJ := $(TOOLS_SRC:%.c=$(B)/%.o)

TESTLIB_SRC := $(filter-out tests/unit/test-%.c,$(wildcard tests/unit/*.c))
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(B)/%.o)
TESTLIB_A := $(B)/libtestutil.a
TEST_SRC := $(wildcard tests/unit/test-*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all tools agent check check-only deps fuzz bench demo clean
all: tools

tools: $(B)/oopsfarm

ifneq ($(CROSS_COMPILE),)
AGENT_LDFLAGS := -static
endif
agent: $(B)/oopsfarm-agent

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CROSS_COMPILE)$(CC) $(CFLAGS) $(if $(filter tools/%,$<),-Itools -Wformat-truncation $(HOST_CFLAGS)) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(AGENT_CORE_A): $(AGENT_CORE_OBJ)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(HOST_A): $(HOST_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(TESTLIB_A): $(TESTLIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/oopsfarm: $(TOOLS_OBJ) $(HOST_A) $(LIB_A)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TOOLS_OBJ) $(HOST_A) $(LIB_A) $(HOST_LDLIBS)

$(B)/oopsfarm-agent: $(filter $(B)/agent/main.o $(B)/agent/sys-linux.o,$(AGENT_SRC:%.c=$(B)/%.o)) $(AGENT_CORE_A) $(LIB_A)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CROSS_COMPILE)$(CC) $(LDFLAGS) $(AGENT_LDFLAGS) -o $@ $^ -lpthread

$(B)/tests/%: tests/unit/%.c $(TESTLIB_A) $(HOST_A) $(AGENT_CORE_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) -Itests/unit -Iagent -Itools $(HOST_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_A) $(HOST_A) \
		$(AGENT_CORE_A) $(LIB_A) $(HOST_LDLIBS)

# Every test prints TAP lines; tests/run sums them up into "N passed, N failed".
# `make check` works on a fresh machine: it installs what it needs first
# (quick and silent when everything is there).
check: deps
	$(Q)$(MAKE) --no-print-directory check-only

check-only: tools $(TEST_BIN) $(if $(wildcard agent/main.c),agent)
	$(Q)B=$(B) UPDATE=$(UPDATE) tests/run $(TEST_BIN)

deps:
	$(Q)tests/install-deps

# libFuzzer needs clang; the target is built apart from the normal objects.
FUZZ_SECONDS ?= 60
fuzz: $(LIB_SRC) tests/fuzz/fuzz-oops.c
	@mkdir -p build/fuzz
	$(Q)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Ilib -fsanitize=fuzzer,address,undefined \
		-o build/fuzz/fuzz-oops tests/fuzz/fuzz-oops.c $(LIB_SRC)
	@mkdir -p build/fuzz/corpus
	$(Q)cp tests/fixtures/*.log build/fuzz/corpus/ 2>/dev/null || true
	$(Q)build/fuzz/fuzz-oops -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 build/fuzz/corpus

bench: tools $(B)/bench/seq-sim
	$(Q)$(B)/bench/seq-sim
	$(Q)B=$(B) bench/run

# boots to a sequential decision vs the fixed-N test, on the real sequential test
$(B)/bench/seq-sim: bench/seq-sim.c $(HOST_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) -Itools $(HOST_CFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

# The main job: shipped vs unpatched-platform on the QEMU SMMUv3 board, with
# the board agent loading modules in parallel; prints the report.  The first
# run on a machine fetches and builds the kernel (~10 min, cached after).
demo: deps
	$(Q)$(MAKE) --no-print-directory tools
	$(Q)$(MAKE) --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu-
	$(Q)build/host/oopsfarm run --until --resume devices/qemu-smmuv3/demo.yaml

clean:
	rm -rf build

-include $(shell find build -name '*.d' -type f 2>/dev/null)
