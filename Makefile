# Shortcuts; the scripts do the work (a fresh Debian box may not have make).
.PHONY: run test bench
run:
	scripts/kiosk
test:
	scripts/test
bench:
	scripts/bench
