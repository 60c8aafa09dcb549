# patchbot — build and test. `make test` is the one command that installs
# what the tests need (Debian packages, Go modules) and runs them all; CI's
# .ci/run calls exactly it.

GO       ?= go
PKGS     ?= ./...
# Debian packages the tests use as real peers: b4 (series agreement),
# Dovecot (IMAP), linux-source-6.1 (a real kernel tree), git-email
# (sendemail-validate) with libmailtools-perl (git send-email dies
# without Perl's Mail::Address, which --no-install-recommends leaves
# out), gcc for cgo (tree-sitter), chromium (renders the triage page
# headless), tmux (a real terminal for the triage table).
DEB_PKGS ?= b4 dovecot-imapd linux-source-6.1 git git-email libmailtools-perl gcc ca-certificates xz-utils chromium tmux
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build test deps vet demo fuzz bench

all: build

build:
	$(GO) build -buildvcs=auto -o bin/patchbot ./cmd/patchbot

# deps installs only what is missing, so it is cheap on a machine that has
# everything already.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	$(GO) mod download

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

test: deps vet
	$(GO) test -count=1 -timeout 45m $(PKGS)

# The README's first command: the list bot end to end on built-in examples.
demo:
	$(GO) run ./cmd/patchbot demo

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Every parser that reads mail or diffs from strangers has a fuzz target;
# `make fuzz` runs each for FUZZTIME (go test fuzzes one target at a time).
FUZZTIME ?= 2m
FUZZ_TARGETS = ./mail:FuzzParse ./mail:FuzzReadMbox ./mail:FuzzIMAPHeaderMessageID \
	./mail:FuzzComposeReply ./series:FuzzParseSubject ./series:FuzzParsePatch \
	./checks/cfront:FuzzParse ./checks/cfront:FuzzUnitUnmarshalBinary ./checks/cfront:FuzzChunks \
	./checks/model:FuzzApplyFile
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzzing $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
