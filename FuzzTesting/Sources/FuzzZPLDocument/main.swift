import FuzzDriver

Fuzzer.run(fuzzZPLDocument)
