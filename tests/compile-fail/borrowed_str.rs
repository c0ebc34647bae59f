//! A borrowed target cannot be deserialized: the result outlives the source.
fn main() {
    let _s: &str = tvix_serde::from_str("\"x\"").unwrap();
}
