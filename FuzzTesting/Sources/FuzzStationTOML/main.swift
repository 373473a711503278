import FuzzDriver

Fuzzer.run(fuzzStationTOML)
