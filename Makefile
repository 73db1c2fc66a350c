# ovm-release — plain Makefile (git, tig).
#   make            build ./ovm-release (warnings are errors)
#   make test       install missing packages, build with sanitizers, run every test
#   make test-valgrind   the e2e suite under valgrind memcheck (no sanitizers)
#   make demo       install missing packages, build, run the main job on an example repo
#   make check-layers   the include and call rules of doc/architecture.md
#   make SANITIZE=address,undefined   one knob for sanitizers

PKGS     = libgit2 libcjson libcurl libpcre2-8
CC      ?= cc
SANITIZE ?=
BUILD   ?= build
OPT     ?= -O2 -g
WARN     = -Wall -Wextra -Wformat-security -Wstrict-prototypes -Wvla \
           -Wwrite-strings -Wmissing-prototypes -Werror
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is loaded on first use by src/net/http.c (dlopen), not linked.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null)
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -Isrc $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS)
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CFLAGS  += -DOVM_VERSION='"$(VERSION)"'

# One folder per layer (doc/architecture.md); headers sit beside sources.
LAYERS   = util core core/dockerfile git net plan apply cli
ALL_SRC  = $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
HEADERS  = $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.h))
MAIN_SRC = src/cli/main.c $(wildcard src/cli/cmd_*.c)
LIB_SRC  = $(filter-out $(MAIN_SRC),$(ALL_SRC))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ = $(MAIN_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BIN      = $(BUILD)/ovm-release

.PHONY: all unit test demo deps clean bench check-tools check-layers
all: $(BIN) ovm-release

ovm-release: $(BIN)
	@ln -sf $(BIN) $@

$(BUILD)/obj/%.o: src/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The installed hook is hooks/post-commit itself, embedded as a C string.
$(BUILD)/gen/hook_text.h: hooks/post-commit
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< >$@

$(BUILD)/obj/cli/cmd_install_hook.o: CFLAGS += -I$(BUILD)/gen
$(BUILD)/obj/cli/cmd_install_hook.o: $(BUILD)/gen/hook_text.h

# The version is compiled in (--version, the HTTP User-Agent): a changed
# VERSION file must rebuild those objects, or a build keeps the old one.
$(BUILD)/obj/cli/cmd_version.o $(BUILD)/obj/net/http.o: VERSION

$(BUILD)/libovm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(BUILD)/libovm.a
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(BUILD)/libovm.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libovm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(BUILD)/libovm.a $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

# Includes go down the layers only, calls too (from the objects' symbols).
check-layers: all
	@sh ci/check-layers.sh src $(BUILD)/obj

deps:
	@sh ci/install-deps.sh

# The test build lives apart from the release build: sanitizers on, -Werror.
test: deps
	@$(MAKE) --no-print-directory BUILD=build/test SANITIZE=address,undefined OPT="-O1 -g" all unit
	@sh ci/check-layers.sh src build/test/obj
	@sh tests/run.sh build/test

# The e2e suite once more under valgrind memcheck (slow: tens of minutes),
# with a build without sanitizers in $(VG_BUILD); VG_BATS picks bats files.
# tests/run-valgrind.sh, tests/valgrind-wrap.sh, tests/valgrind.supp.
VG_BUILD ?= build/valgrind
VG_BATS  ?= $(wildcard tests/e2e/*.bats)
.PHONY: test-valgrind
test-valgrind:
	@sh ci/install-deps.sh valgrind
	@$(MAKE) --no-print-directory BUILD=$(VG_BUILD) SANITIZE= OPT="-O1 -g" \
	    $(VG_BUILD)/ovm-release
	@sh tests/run-valgrind.sh $(VG_BUILD) $(VG_BATS)

demo: deps all
	@sh demo/demo.sh "$(CURDIR)/$(BIN)"

bench: deps all
	@sh bench/run.sh $(BENCHFLAGS)

clean:
	rm -rf build ovm-release

# Installation: PREFIX (default /usr/local), DESTDIR honoured.  `install`
# copies the release build $(BIN); `uninstall` removes exactly those files
# and the package's own share directory.
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
bindir   = $(PREFIX)/bin
sharedir = $(PREFIX)/share/ovm-release
man1dir  = $(PREFIX)/share/man/man1
bcompdir = $(PREFIX)/share/bash-completion/completions

.PHONY: install uninstall
install: $(BIN)
	$(INSTALL) -d "$(DESTDIR)$(bindir)" "$(DESTDIR)$(sharedir)/hooks" \
	    "$(DESTDIR)$(man1dir)" "$(DESTDIR)$(bcompdir)"
	$(INSTALL) -m 755 $(BIN) "$(DESTDIR)$(bindir)/ovm-release"
	$(INSTALL) -m 755 hooks/post-commit "$(DESTDIR)$(sharedir)/hooks/post-commit"
	$(INSTALL) -m 644 doc/ovm-release.1 "$(DESTDIR)$(man1dir)/ovm-release.1"
	$(INSTALL) -m 644 completion/ovm-release.bash \
	    "$(DESTDIR)$(bcompdir)/ovm-release"

uninstall:
	rm -f "$(DESTDIR)$(bindir)/ovm-release" \
	    "$(DESTDIR)$(sharedir)/hooks/post-commit" \
	    "$(DESTDIR)$(man1dir)/ovm-release.1" \
	    "$(DESTDIR)$(bcompdir)/ovm-release"
	rmdir "$(DESTDIR)$(sharedir)/hooks" "$(DESTDIR)$(sharedir)" 2>/dev/null || :

# Fuzzing (tests/fuzz/README.md): each tests/fuzz/fuzz_<name>.c is a
# libFuzzer target linked against the library built by clang in its own
# directory; `make fuzz` runs each (or those in FUZZ_TARGETS, e.g.
# "semver template") for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build/fuzz
FUZZ_SRC      = $(wildcard tests/fuzz/fuzz_*.c)
.PHONY: fuzz
fuzz:
	@sh ci/install-deps.sh clang libclang-rt-14-dev llvm
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) \
	    SANITIZE=fuzzer-no-link,address,undefined OPT="-O1 -g" \
	    $(FUZZ_BUILD)/libovm.a
	@for s in $(FUZZ_SRC); do \
	    n=$$(basename $$s .c); \
	    echo "clang $$s"; \
	    clang -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Isrc -Itests/fuzz \
	        $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
	        -fno-omit-frame-pointer -fno-sanitize-recover=all \
	        -o $(FUZZ_BUILD)/$$n $$s $(FUZZ_BUILD)/libovm.a $(PKG_LIBS) || exit 1; \
	done
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
