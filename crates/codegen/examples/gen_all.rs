fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let t = std::time::Instant::now();
        match sailpoint_codegen::generate_with_httpmock(&text, "x") {
            Ok((g, _)) => println!("{path}: ok {} bytes in {:?}", g.code.len(), t.elapsed()),
            Err(e) => println!("{path}: ERROR {e}"),
        }
    }
}
