import FuzzDriver

Fuzzer.run(fuzzResultBatch)
