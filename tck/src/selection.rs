//! Selecting scenarios by id patterns (`--only`, `--skip`, baseline entries).

/// Whether `text` matches `pattern`, where `*` matches any run of characters and `?` one
/// character. ASCII case is ignored (ids are upper-case; typing them in lower case works).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_uppercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_uppercase()).collect();
    // Iterative matcher with single-star backtracking: linear memory, no recursion.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The `--only` / `--skip` filter.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// When non-empty, only ids matching one of these run.
    pub only: Vec<String>,
    /// Ids matching one of these never run.
    pub skip: Vec<String>,
}

impl Selection {
    /// Whether the scenario `id` is selected.
    pub fn includes(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|p| glob_match(p, id)))
            && !self.skip.iter().any(|p| glob_match(p, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_stars_and_question_marks() {
        assert!(glob_match("CARD-*", "CARD-01"));
        assert!(glob_match("card-0?", "CARD-01"));
        assert!(glob_match("*", ""));
        assert!(glob_match("SEC-*-01", "SEC-CARD-01"));
        assert!(!glob_match("SEC-*-01", "SEC-CARD-02"));
        assert!(!glob_match("CARD-1", "CARD-10"));
        assert!(glob_match("*a*b*", "xaxxbx"));
    }

    #[test]
    fn skip_wins_over_only() {
        let s = Selection {
            only: vec!["CARD-*".into()],
            skip: vec!["CARD-14".into()],
        };
        assert!(s.includes("CARD-01"));
        assert!(!s.includes("CARD-14"));
        assert!(!s.includes("SEC-INPUT-01"));
    }
}
