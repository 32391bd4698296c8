# SPDX-License-Identifier: MIT
#
# oopsfarm: a plain Makefile.
#   make                      host tools (build/host/oopsfarm)
#   make check [ASAN=1] [UPDATE=1]   every test; ends with "N passed, N failed"
#   make check-asan           unit and CLI tests (no QEMU, no LAVA) under ASan+UBSan
#   make agent CROSS_COMPILE=aarch64-linux-gnu-   static board agent
#   make gpio-init            the GPIO relay code as an arm64 PID 1 (tests/t-board-gpio.sh)
#   make deps                 install the Debian packages the build and tests need (root)
#   make fuzz [FUZZ_SECONDS=10]  every libFuzzer target in tests/fuzz/ (parser, protocol, kmsg,
#                                campaign and board YAML, LAVA logs, LAVA templates), FUZZ_SECONDS each
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
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat -Wformat-security \
	  -D_GNU_SOURCE -Ilib -MMD -MP
LDFLAGS ?=
ifeq ($(ASAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# The host tools link well-kept Debian libraries (installed by `make deps`).
HOST_LIBS := sqlite3 yaml-0.1 jansson libcurl libzstd libgpiod
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

.PHONY: all tools agent gpio-init check check-only check-asan check-format deps fuzz bench demo clean
all: tools

tools: $(B)/oopsfarm

ifneq ($(CROSS_COMPILE),)
AGENT_LDFLAGS := -static
endif
# compressed modules the kernel cannot decompress (agent/modfile.h); the
# board's arm64 builds come from Debian multiarch (make deps)
AGENT_LIBS := -llzma -lzstd -lz -lpthread
agent: $(B)/oopsfarm-agent

# Files clean at -Wformat-truncation=2: user strings (paths, names) go to
# growable text (tools/util/text.h), so nothing they hold is cut unseen.
TRUNC2_SRC := tools/core/nightly.c tools/core/nightly-lava.c tools/board/replay.c tools/util/text.c

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CROSS_COMPILE)$(CC) $(CFLAGS) $(if $(filter tools/%,$<),-Itools $(if $(filter $(TRUNC2_SRC),$<),-Wformat-truncation=2) $(HOST_CFLAGS)) -c -o $@ $<

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
	$(Q)$(CROSS_COMPILE)$(CC) $(LDFLAGS) $(AGENT_LDFLAGS) -o $@ $^ $(AGENT_LIBS)

$(B)/tests/%: tests/unit/%.c $(TESTLIB_A) $(HOST_A) $(AGENT_CORE_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CCLD    $@")
	$(Q)$(CC) $(CFLAGS) -Itests/unit -Iagent -Itools $(HOST_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_A) $(HOST_A) \
		$(AGENT_CORE_A) $(LIB_A) $(AGENT_LIBS) $(HOST_LDLIBS)

# tests/t-board-gpio.sh: the GPIO relay code as it is (tools/board/power-gpiod.c)
# in a static aarch64 PID 1, linked with Debian's libgpiod-dev:arm64
# (multiarch, `make deps`).  Its own flags: no sanitizers in a cross build.
GPIO_INIT := build/aarch64-linux-gnu/board-gpio/gpio-init
gpio-init: $(GPIO_INIT)
$(GPIO_INIT): tests/board-gpio/gpio-init.c tools/board/power-gpiod.c tools/board/power.h tools/board/board-desc.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CCLD    $@")
	$(Q)aarch64-linux-gnu-gcc -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -Itools -static \
		-o $@ tests/board-gpio/gpio-init.c tools/board/power-gpiod.c -lgpiod

# Every test prints TAP lines; tests/run sums them up into "N passed, N failed".
# `make check` works on a fresh machine: it installs what it needs first
# (quick and silent when everything is there).
check: deps
	$(Q)$(MAKE) --no-print-directory check-only

check-only: tools $(TEST_BIN) $(if $(wildcard agent/main.c),agent)
	$(Q)B=$(B) UPDATE=$(UPDATE) SKIP_NEEDS="$(SKIP_NEEDS)" tests/run $(TEST_BIN)

# What CI runs under ASan and UBSan: the unit tests and every CLI test that
# needs neither QEMU nor LAVA (tests/run skips "# needs: qemu|lava" scripts).
check-asan: deps
	$(Q)$(MAKE) --no-print-directory ASAN=1 SKIP_NEEDS="qemu lava" check-only

deps:
	$(Q)tests/install-deps

# The checked-in .clang-format, enforced: fails on any drift and names the
# files.  Tables fenced with /* clang-format off */ keep their layout.
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null | grep -E '^(lib|agent|tools|tests|bench)/')
check-format:
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRC) 2>&1 | grep -E '^[^ ].*: (error|warning):' | cut -d: -f1 | sort -u | sed 's/^/  needs clang-format -i: /'; \
	clang-format --dry-run --Werror $(FORMAT_SRC) >/dev/null 2>&1

# libFuzzer needs clang; the targets are built apart from the normal objects.
# Every tests/fuzz/fuzz-NAME.c is a target, linked with lib/ and with
# FUZZ_SRC_fuzz-NAME when set (sources from tools/, say); its corpus
# starts from FUZZ_SEEDS_fuzz-NAME (files) and tests/fuzz/seeds/NAME/.
FUZZ_SECONDS ?= 10
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Ilib -Itools \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SEEDS_fuzz-oops = $(wildcard tests/fixtures/*.log tests/fixtures/formats/*.log ../shared/research/syzkaller-titles/[0-9]*)
FUZZ_SEEDS_fuzz-proto = $(shell grep -l OOPSFARM: tests/fixtures/*.log 2>/dev/null)
FUZZ_SEEDS_fuzz-campaign = $(wildcard devices/*/*.yaml tests/fixtures/boards/*.yaml \
	doc/nightly/*.yaml ../shared/cases/hostile/*.yaml)
FUZZ_SEEDS_fuzz-lava-log = $(wildcard tests/fixtures/lava/*.def.yaml jobs/*.yaml)
FUZZ_SEEDS_fuzz-render = $(wildcard jobs/*.yaml ../shared/cases/hostile/f11-*.yaml)

# The host library (tools/) is built once with the fuzzer's coverage and
# sanitizers, and every target links what it needs of it.
FUZZ_HOST_OBJ := $(HOST_SRC:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c $(wildcard tools/*/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZCC  $<")
	$(Q)clang $(subst fuzzer,fuzzer-no-link,$(FUZZ_CFLAGS)) $(HOST_CFLAGS) -c -o $@ $<
build/fuzz/libhost.a: $(FUZZ_HOST_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# Sources a target needs besides lib/ (FUZZ_SRC_fuzz-NAME) are prerequisites too.
.SECONDEXPANSION:
build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SRC) $(wildcard lib/*.h tests/fuzz/*.h) $$(FUZZ_SRC_fuzz-$$*) \
		build/fuzz/libhost.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(FUZZ_CFLAGS) $(HOST_CFLAGS) -o $@ $< $(LIB_SRC) $(FUZZ_SRC_fuzz-$*) build/fuzz/libhost.a \
		$(HOST_LDLIBS)

# One target: seed its corpus, run it FUZZ_SECONDS, show the end of its log if it fails.
define fuzz_run
mkdir -p build/fuzz/corpus/$(1) && \
$(if $(strip $(FUZZ_SEEDS_$(1))),cp $(FUZZ_SEEDS_$(1)) build/fuzz/corpus/$(1)/ &&) \
{ [ ! -d tests/fuzz/seeds/$(1:fuzz-%=%) ] || cp tests/fuzz/seeds/$(1:fuzz-%=%)/* build/fuzz/corpus/$(1)/; } && \
echo "  FUZZ    $(1) for $(FUZZ_SECONDS) s" && \
{ build/fuzz/$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/$(1)- \
	-print_final_stats=1 build/fuzz/corpus/$(1) >build/fuzz/$(1).log 2>&1 || \
  { tail -30 build/fuzz/$(1).log; echo "fuzz: $(1) failed, see build/fuzz/$(1).log"; false; }; } && \
grep -hE '^stat::number_of_executed_units|^stat::peak_rss_mb' build/fuzz/$(1).log | tr '\n' ' ' && echo &&
endef

fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	$(Q)$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t))) true

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
