# Skillpass developer entry points. A newcomer on Debian needs two:
#   make run    builds and opens the desktop app (installs the system packages it needs)
#   make test   runs every test (installs the system packages the tests need)

GO        ?= go
# Go 1.27.3: the standard library of Go 1.26.8 has known vulnerabilities that
# 1.27.3 fixes (make vuln). The go command fetches this toolchain itself through
# the module proxy the first time (about 76 MB). `make GOTOOLCHAIN=local ...`
# uses the installed Go instead.
export GOTOOLCHAIN := go1.27.3
# The vulnerability scan: govulncheck, and the Go vulnerability database as a
# module (golang.org/x/vulndb) at a pinned date; VULNDB=latest takes the newest.
GOVULNCHECK ?= v1.9.0
VULNDB      ?= v0.0.0-20261105234957-e22db6528018
BIN       := bin
PKGS      := ./...
FUZZTIME  ?= 10s
# Debian packages: cgo headers for Fyne's GL/X11 window, a display server for
# screenshots, an independent QR decoder for checks, and Ghostscript to render
# the printable sheet back to an image.
RUN_DEBS  := gcc pkg-config libgl1-mesa-dev xorg-dev
TEST_DEBS := $(RUN_DEBS) xvfb zbar-tools ghostscript

.PHONY: run test bench lint package install deps-run deps-test build cli fuzz-short tidy-check clean

# deps-*: install the Debian packages that are missing (as root, or with sudo).
deps-run:
	@./.ci/debs.sh $(RUN_DEBS)
deps-test:
	@./.ci/debs.sh $(TEST_DEBS)

build: deps-run
	$(GO) build -o $(BIN)/skillpass ./cmd/skillpass
	CGO_ENABLED=0 $(GO) build -o $(BIN)/skillpass-cli ./cmd/skillpass-cli
	CGO_ENABLED=0 $(GO) build -o $(BIN)/skillpass-issuer ./cmd/skillpass-issuer

cli:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/skillpass-cli ./cmd/skillpass-cli
	CGO_ENABLED=0 $(GO) build -o $(BIN)/skillpass-issuer ./cmd/skillpass-issuer

run: build
	./$(BIN)/skillpass

test: deps-test
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/skillpass-cli
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/skillpass-issuer
	$(GO) test -count=1 -timeout 20m $(PKGS)
	$(MAKE) fuzz-short
	$(MAKE) race
	$(MAKE) vuln

# vuln: no known vulnerability reachable from our code (govulncheck, offline database).
.PHONY: vuln
vuln:
	GO=$(GO) VULNDB=$(VULNDB) GOVULNCHECK=$(GOVULNCHECK) ./.ci/vulncheck.sh

# Every fuzz target for a short time; seed corpora live in testdata/fuzz.
fuzz-short:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./.ci/fuzz.sh

# race runs every test under the race detector (-short: 20 crash kills instead
# of 200, no two-process end-to-end run); part of make test.
.PHONY: race
race: deps-test
	$(GO) test -race -short -count=1 -timeout 40m $(PKGS)

# screenshots runs the real app under Xvfb with a demo wallet and writes a PNG
# of every screen (English and German) into OUT (default screenshots/).
.PHONY: screenshots
screenshots: deps-test
	@./.ci/debs.sh xdotool imagemagick
	./.ci/screenshots.sh $(or $(OUT),screenshots)

# demo starts skillpass-issuer with the sample catalogue and the app, connected
# to it, so a newcomer sees an offer arrive in the inbox.
.PHONY: demo
demo: deps-run
	./.ci/demo.sh

# soak kills the crash-safety test's writer 1,000 times (make test: 200).
.PHONY: soak
soak:
	SKILLPASS_CRASH_KILLS=1000 $(GO) test -count=1 -timeout 60m -run '^TestCrashSafety$$' -v ./wallet/

bench: deps-test
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || ./.ci/debs.sh nodejs npm
	$(GO) run ./cmd/skillpass-bench

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

# package builds a Linux tarball with the FyneApp.toml metadata and icon.
package: deps-run
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	cp FyneApp.toml cmd/skillpass/FyneApp.toml
	cd cmd/skillpass && $$($(GO) env GOPATH)/bin/fyne package --target linux --release
	rm -f cmd/skillpass/FyneApp.toml
	mkdir -p dist && mv cmd/skillpass/*.tar.xz dist/
	@ls -l dist

install: build
	install -d $(DESTDIR)$(HOME)/.local/bin
	install -m 0755 $(BIN)/skillpass $(BIN)/skillpass-cli $(DESTDIR)$(HOME)/.local/bin/

clean:
	rm -rf $(BIN) dist
