import FuzzDriver

Fuzzer.run(fuzzBarcode)
