# The two commands of the README, and a few helpers around them.
#   make run    install what is missing, build release, migrate, run the demo daemon
#   make test   install what is missing, build dev (ASan/UBSan), run every test
#   make bench  build release, run the webhook intake benchmark (tests/bench/README.md)
#   make bench-send  build release, run the send benchmark (tests/bench/README.md)
.PHONY: run test bench bench-send build-release build-dev deps format format-check deb deb-check clean

JOBS ?= $(shell nproc)
CONFIG ?= examples/cartrelay.ini
RELEASE_BIN := build/release/app/cartrelay
MARIADB_DIR := build/mariadb-test
MARIADB_PORT ?= 33306

deps:
	scripts/install-deps.sh

build-release: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

build-dev: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)

run: build-release
	mkdir -p var
	$(RELEASE_BIN) keygen --config $(CONFIG)
	$(RELEASE_BIN) check-config --config $(CONFIG)
	$(RELEASE_BIN) migrate --config $(CONFIG)
	exec $(RELEASE_BIN) run --config $(CONFIG)

# The private MariaDB is stopped whatever the tests' outcome; ctest's exit
# status is what make reports.
test: build-dev
	scripts/format.sh --check
	scripts/test-mariadb.sh start $(MARIADB_DIR) $(MARIADB_PORT)
	status=0; \
	CARTRELAY_TEST_MYSQL_URL=$$(scripts/test-mariadb.sh url $(MARIADB_DIR) $(MARIADB_PORT)) \
	  ctest --preset dev -j $(JOBS) || status=$$?; \
	scripts/test-mariadb.sh stop $(MARIADB_DIR) $(MARIADB_PORT); \
	exit $$status

# Prints figures (webhooks/s, latency, ratio to /healthz); asserts no time.
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--connections 128".
bench:
	scripts/install-deps.sh build bench
	cmake --preset release
	cmake --build build/release -j2 --target cartrelay
	tests/bench/webhook_intake_bench.sh $(BENCH_ARGS)

# Prints messages/s through gate, outbox and the fake Cloud API, the ratio to
# the fake's raw POST rate, and the most sends in any 1 s window at the limit
# of 80; asserts no time. E.g. make bench-send BENCH_SEND_ARGS="--messages 2000".
bench-send:
	scripts/install-deps.sh build test
	cmake --preset release
	cmake --build build/release -j2 --target cartrelay send_bench
	build/release/tests/bench/send_bench $(BENCH_SEND_ARGS)

format:
	scripts/format.sh

format-check:
	scripts/format.sh --check

deb: deps
	packaging/deb/build-deb.sh

deb-check: deb
	packaging/deb/check-deb.sh

clean:
	rm -rf build var packaging/deb/out
