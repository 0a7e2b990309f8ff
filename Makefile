# InviteDesk: `make run` and `make test` do all set-up on a fresh Debian 12 / Ubuntu 22.04+ machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
NPM ?= npm
UI := ui

# System packages the build, the app and the test harness need (see docs in README).
APT_PACKAGES := build-essential pkg-config libssl-dev curl \
	libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
	libdbus-1-dev libsecret-1-dev \
	webkit2gtk-driver xvfb xauth dbus-x11 dbus-bin dbus-daemon gnome-keyring fonts-noto-color-emoji

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


.PHONY: bindings-check help deps system-deps ui-deps ui run test test-rust test-ui test-keyring test-cli test-e2e lint fmt bench bench-startup bench-size package deb-xz clean-e2e

help:
	@echo "make run      install what is missing, build the UI, start InviteDesk"
	@echo "make test     install what is missing, then lint, unit, IPC, provider, keyring and end-to-end tests"
	@echo "make bench    benchmarks (provider listing, job overhead, table rendering and Insights over 100,000 invitations in the real window)"
	@echo "make package  build the .deb (target/release/bundle/deb/)"
	@echo "               (make bench-startup: start-up and memory vs a Tauri hello world; make bench-size: the .deb's size)"
	@echo "single suites: make test-rust | test-ui | test-keyring | test-cli | test-e2e"

deps: system-deps ui-deps

# Installs only what is missing, so a warm machine pays one dpkg-query.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

ui-deps: $(UI)/node_modules/.package-lock.json

$(UI)/node_modules/.package-lock.json: $(UI)/package-lock.json $(UI)/package.json
	cd $(UI) && $(NPM) ci --no-audit --no-fund
	@touch $@

# The UI is compiled into the binary (no devUrl), so it must be built before any cargo build.
ui: ui-deps
	cd $(UI) && $(NPM) run build

run: deps ui
	$(CARGO) run --bin invitedesk

lint: deps ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-ui: ui-deps
	cd $(UI) && $(NPM) run check && $(NPM) test

# Unit tests, IPC tests through tauri::test, provider clients against the fake servers,
# and the check that the checked-in TypeScript bindings are current.
test-rust: deps ui
	$(CARGO) test --workspace
	@$(MAKE) --no-print-directory bindings-check

# `cargo test` regenerates ui/src/lib/bindings from the Rust types (ts-rs); the checked-in copies
# must match, or the UI was type-checked against stale types.
bindings-check:
	@if [ -n "$$(git status --porcelain -- $(UI)/src/lib/bindings)" ]; then \
		git status --short -- $(UI)/src/lib/bindings; \
		echo "The TypeScript bindings are stale: commit the regenerated files above."; exit 1; \
	fi

# The real Secret Service: gnome-keyring in a throwaway D-Bus session and HOME.
test-keyring: deps ui
	tests/with-keyring.sh $(CARGO) test --test keyring_real -- --ignored --test-threads=1

# The command-line tool: the real binary against the fake providers. Each test starts its own
# D-Bus session bus and throwaway gnome-keyring, so no wrapper is needed; `cargo test --workspace`
# (test-rust, and so `make test`) runs these too.
# Then the same suite once more through the app's binary, as the .deb runs the tool
# (/usr/bin/invitedesk-cli is packaging/invitedesk-cli, running `invitedesk cli …`).
test-cli: deps ui
	$(CARGO) test -p invitedesk-cli
	$(CARGO) build --bin invitedesk
	tmp=$$(mktemp -d); \
	sed 's|/usr/bin/invitedesk |$(CURDIR)/target/debug/invitedesk |' packaging/invitedesk-cli > "$$tmp/invitedesk-cli"; \
	chmod +x "$$tmp/invitedesk-cli"; \
	status=0; INVITEDESK_CLI="$$tmp/invitedesk-cli" $(CARGO) test -p invitedesk-cli || status=$$?; \
	rm -rf "$$tmp"; exit $$status

# The real window through WebKitWebDriver; the harness starts Xvfb, D-Bus and the keyring itself.
test-e2e: deps ui
	$(CARGO) test --test e2e -- --ignored --test-threads=1

test: deps ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd $(UI) && $(NPM) run check && $(NPM) test
	$(CARGO) test --workspace
	@$(MAKE) --no-print-directory bindings-check
	tests/with-keyring.sh $(CARGO) test --test keyring_real -- --ignored --test-threads=1
	$(CARGO) test --test e2e -- --ignored --test-threads=1
	@echo "make test: all suites passed"

bench: deps ui
	INVITEDESK_BENCH_LISTING_100K=1 $(CARGO) bench --bench list_sent
	$(CARGO) bench --bench job_overhead
	$(CARGO) bench --bench list_preview
	INVITEDESK_BENCH=1 $(CARGO) test --release --test e2e -- --ignored --test-threads=1 --nocapture --exact bench::table_render_10k
	$(CARGO) bench --bench insights
	INVITEDESK_BENCH=1 $(CARGO) test --release --test e2e -- --ignored --test-threads=1 --nocapture --exact insights_bench::insights_open_100k
	@$(MAKE) --no-print-directory bench-startup
	@$(MAKE) --no-print-directory bench-size

# Start-up time and PSS next to a Tauri 2 hello world built here with the same tauri and release
# profile (benches/hello-world, its own workspace sharing target/ so common crates are reused).
bench-startup: deps ui
	CARGO_TARGET_DIR=$(CURDIR)/target $(CARGO) build --release --manifest-path benches/hello-world/Cargo.toml
	INVITEDESK_BENCH=1 $(CARGO) test --release --test e2e -- --ignored --test-threads=1 --nocapture --exact startup_bench::startup_and_memory_vs_hello_world

# What a user downloads: the .deb from `make package`, and the files in it.
bench-size: package
	@deb=$$(ls -1t target/release/bundle/deb/*.deb | head -1); \
	stat -c '%s %n' "$$deb" | awk '{ printf "%-44s %10d bytes (%.2f MB, target 6 MB)\n", $$2, $$1, $$1 / 1e6 }'; \
	for b in target/release/invitedesk packaging/invitedesk-cli; do \
		printf '%-44s %10s bytes\n' "$$b" $$(stat -c %s "$$b"); \
	done

# The Tauri CLI comes from npm on demand (prebuilt; `cargo install tauri-cli` would compile ~600
# crates). It is not in ui/package.json: its optional per-platform packages would have to be in the
# lock file, and `npm ci` refuses a lock that lacks them.
TAURI_CLI := npx --yes @tauri-apps/cli@2.12.5

# The .deb holds one binary: the app's, which is also the command-line tool (`invitedesk cli …`);
# tauri.conf.json maps /usr/bin/invitedesk-cli to packaging/invitedesk-cli, a script running it
# (bundle > linux > deb > files), so the code the two share is downloaded once.
package: deps ui
	$(TAURI_CLI) build --bundles deb
	@$(MAKE) --no-print-directory deb-xz
	@ls -1 target/release/bundle/deb/*.deb

# The Tauri bundler compresses the .deb's files with gzip. The same files and control data are
# packed again with xz (what Debian's own packages use), the files behind xz's x86 filter (BCJ:
# call targets become absolute, so repeated calls in the binary compress; ~6 % smaller). dpkg
# reads .xz members through liblzma, which decodes that filter; dpkg-deb cannot write it, so the
# members are compressed here and put together with ar in the order deb(5) requires.
deb-xz:
	@for deb in target/release/bundle/deb/*.deb; do \
		deb=$$(realpath "$$deb"); tmp=$$(mktemp -d); \
		dpkg-deb -R "$$deb" "$$tmp/root"; \
		dpkg-deb --root-owner-group -Znone -b "$$tmp/root" "$$tmp/plain.deb" >/dev/null; \
		(cd "$$tmp" && ar x plain.deb && xz -9 control.tar && xz --x86 --lzma2=preset=9e data.tar \
			&& rm -f "$$deb" && ar rc "$$deb" debian-binary control.tar.xz data.tar.xz); \
		dpkg-deb -I "$$deb" >/dev/null; \
		rm -rf "$$tmp"; \
	done
