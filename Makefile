# Shortcuts; the scripts do the work (a fresh Debian box may not have make).
.PHONY: run test fast bench
run:
	scripts/kiosk
test:
	scripts/test
fast:
	scripts/test --fast
bench:
	scripts/bench
