//! The target type must implement `Deserialize`.
struct NotDeserialize;

fn main() {
    let _v: NotDeserialize = tvix_serde::from_str("null").unwrap();
}
