import FuzzDriver

Fuzzer.run(fuzzCSVImport)
