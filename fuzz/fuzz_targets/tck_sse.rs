#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| a2a_tck::fuzzing::sse_chunking_invariant(data));
