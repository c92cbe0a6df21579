//! Fuzz target `api_response`: the checks live in `aep_s3_connect::fuzzing::api_response` (shared with tests/it/fuzz_corpus.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| aep_s3_connect::fuzzing::api_response(data));
