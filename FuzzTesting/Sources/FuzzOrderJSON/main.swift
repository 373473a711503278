import FuzzDriver

Fuzzer.run(fuzzOrderJSON)
