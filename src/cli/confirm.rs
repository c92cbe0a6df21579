//! Questions asked on the terminal before a change that is hard to undo.

use std::io::BufRead;

use super::Failure;

/// Asks on the terminal. With `type_this`, the answer must be exactly that text (production
/// deletions); otherwise `y` or `yes`.
pub fn confirm(question: &str, type_this: Option<&str>) -> Result<bool, Failure> {
    match type_this {
        Some(_) => eprint!("{question}: "),
        None => eprint!("{question} [y/N] "),
    }
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("could not read the answer from the terminal: {e}")))?;
    Ok(answer_confirms(&answer, type_this))
}

fn answer_confirms(answer: &str, type_this: Option<&str>) -> bool {
    let answer = answer.trim_end_matches(['\r', '\n']);
    match type_this {
        Some(expected) => answer.trim() == expected.trim(),
        None => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_answers() {
        assert!(answer_confirms("y\n", None));
        assert!(answer_confirms(" YES \r\n", None));
        assert!(!answer_confirms("\n", None));
        assert!(!answer_confirms("no", None));
        assert!(answer_confirms("Landing bucket\n", Some("Landing bucket")));
        assert!(!answer_confirms("landing bucket\n", Some("Landing bucket")));
        assert!(!answer_confirms("y\n", Some("Landing bucket")));
    }
}
