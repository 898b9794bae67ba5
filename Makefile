# Benchmarks (never part of the tests): see bench/run; results in bench/RESULTS.md.
.PHONY: bench
bench:
	bash bench/run
