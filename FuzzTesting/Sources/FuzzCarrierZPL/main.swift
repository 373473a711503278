import FuzzDriver

Fuzzer.run(fuzzCarrierZPL)
