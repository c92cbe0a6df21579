//! Natural order for names: "test 2" before "test 10", case ignored, as a sort *key* — a plain
//! string whose byte order is the natural order — so that SQLite can keep it in an index and page
//! through 100,000 names without sorting them (migration 5 stores it as `attempts.name_sort`).
//!
//! Why not a crate: natord, alphanumeric-sort and lexical-sort give compare functions, which an
//! index cannot use. ICU4X's collator can write sort keys, but the bytes of those may change
//! between ICU versions, and a stored key that changes silently misorders the history until it
//! is rebuilt; this key is fixed by this file and its tests, and changing it means a migration.
//!
//! The key: the name with its accents taken off (Unicode canonical decomposition, NFD, then
//! the combining marks dropped, with the `unicode-normalization` crate: "Ünïcødé" sorts with
//! "unicode", before "Very"), lowercased (Unicode lowercase), with each run of ASCII digits replaced by
//! its number of significant digits (two digits, `00` to `99`) and then those digits (leading
//! zeros dropped). A longer number has a larger count, so it sorts after a shorter one; numbers
//! of the same length compare digit by digit. The count is made of digits too, so a number still
//! sorts against letters and punctuation exactly as its first digit would.

use std::cmp::Ordering;

/// More significant digits than this are kept but counted as this many: such numbers (a
/// hundred digits) still sort among themselves by their digits, just not by length.
const MAX_COUNTED_DIGITS: usize = 99;

/// The natural sort key of `name` (see the module documentation).
pub fn natural_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    let name = folded.as_str();
    let mut key = String::with_capacity(name.len() + 8);
    let mut chars = name.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = start + 1;
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                end = i + d.len_utf8();
                chars.next();
            }
            let digits = name[start..end].trim_start_matches('0');
            let counted = digits.len().min(MAX_COUNTED_DIGITS);
            key.push_str(&format!("{counted:02}"));
            key.push_str(digits);
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// Compares two names in natural order, ignoring case (by their [`natural_key`]s, then as
/// written, so that different names never compare equal).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

/// Sorts `names` in natural order ([`natural_cmp`]).
pub fn natural_sort(names: &mut [String]) {
    names.sort_by_cached_key(|name| (natural_key(name), name.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|&n| n.to_owned()).collect();
        natural_sort(&mut names);
        names
    }

    #[test]
    fn numbers_sort_by_value_not_by_character() {
        // Regression guard: "test 10" came before "test 2".
        assert_eq!(
            sorted(&["test 10", "test 2", "test 1", "Test 3", "test 100", "test"]),
            ["test", "test 1", "test 2", "Test 3", "test 10", "test 100"]
        );
        assert!(natural_key("test 2") < natural_key("test 10"));
        assert!(natural_key("v1.10") > natural_key("v1.9"));
        assert!(natural_key("2024-01-15 load") < natural_key("2024-02-01 load"));
    }

    /// Regression: "Ünïcødé" sorted after "Very" (accents weighed as characters after z).
    #[test]
    fn accents_do_not_move_a_name_to_the_end() {
        assert_eq!(
            sorted(&["Very", "Ünïcødé", "Apple", "école", "Zebra"]),
            ["Apple", "école", "Ünïcødé", "Very", "Zebra"]
        );
        assert_eq!(natural_key("café 2"), natural_key("cafe 2"));
    }

    #[test]
    fn case_is_ignored_including_beyond_ascii() {
        assert_eq!(natural_key("Landing BUCKET"), natural_key("landing bucket"));
        assert_eq!(natural_key("Ärger"), natural_key("ärger"));
        assert_eq!(
            sorted(&["bravo", "Alpha", "charlie", "alpha"]),
            ["Alpha", "alpha", "bravo", "charlie"]
        );
    }

    #[test]
    fn leading_zeros_and_zero_itself() {
        assert_eq!(natural_key("file 007"), natural_key("file 7"));
        assert!(natural_key("file 0") < natural_key("file 1"));
        assert!(natural_key("file 00") < natural_key("file 01"));
        assert_eq!(natural_key("a0b"), "a00b");
        // Names that differ only in zeros still have an order, and a stable one.
        assert_eq!(natural_cmp("file 07", "file 7"), "file 07".cmp("file 7"));
    }

    #[test]
    fn numbers_keep_their_place_among_letters_and_punctuation() {
        // As in plain ASCII: punctuation below '0' first, then numbers, then ':' and letters.
        assert_eq!(
            sorted(&["a-z", "a5", "a:b", "ab", "a 1", "a10"]),
            ["a 1", "a-z", "a5", "a10", "a:b", "ab"]
        );
    }

    #[test]
    fn very_long_numbers_do_not_break_the_key() {
        let long = "9".repeat(150);
        let key = natural_key(&format!("n{long}"));
        assert!(key.starts_with("n99"));
        assert!(natural_key(&format!("n{long}")) > natural_key("n12"));
        assert_eq!(natural_key("n١٢"), "n١٢", "only ASCII digits are numbers");
    }
}
