fn main() {
    let spec = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let g = sailpoint_codegen::generate(&spec).unwrap();
    for a in &g.adaptations { eprintln!("{a:?}"); }
    print!("{}", g.code);
}
