// Deliberately empty. Built with libFuzzer (bench/fuzz.sh), libFuzzer provides
// `main` and calls `LLVMFuzzerTestOneInput` in FuzzEntry.swift; to replay a
// crash, pass the reproducer to that binary. A plain build makes a program
// that does nothing, so the target builds everywhere.
