use std::collections::BTreeMap;
use std::env;

/// Counts the words of the arguments (or a built-in sentence) and prints a one-line summary.
fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let text = if args.is_empty() { "to be or not to be".to_string() } else { args.join(" ") };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    let top = counts.iter().max_by_key(|(w, n)| (**n, std::cmp::Reverse(**w))).map(|(w, n)| format!("{w}={n}")).unwrap_or_default();
    println!("hello from a Rust program, {} distinct words, top {}", counts.len(), top);
}
