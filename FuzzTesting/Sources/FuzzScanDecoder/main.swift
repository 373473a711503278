import FuzzDriver

Fuzzer.run(fuzzScanDecoder)
