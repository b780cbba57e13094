//! Text from the analyst's sources as messages show it, for every layer that reports an error:
//! the source line an error points at, with a caret under its column, and names compared and
//! suggested as the analyst wrote them (Unicode form C, "did you mean").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The files a script read: (name as messages give it, text). An import appears under its file
/// name (`helper.rhai`) and its import name (`helper`).
pub type Sources = [(String, String)];

/// The longest line of a source shown in a message; longer ones are cut around the column.
const SHOWN_CHARS: usize = 100;

/// Shows an error text for the analyst: after its headline `file:line:column: message` (where
/// `file` is one of `sources`) the source line and a caret under the column, then the other
/// lines of the text, then its `help:` lines.
pub fn render(text: &str, sources: &Sources) -> String {
    let mut lines = text.lines();
    let headline = lines.next().unwrap_or_default();
    let (helps, others): (Vec<&str>, Vec<&str>) =
        lines.partition(|l| l.trim_start().starts_with("help: "));
    let mut out = headline.to_string();
    if let Some((source, line, column)) = locate(headline, sources)
        && let Some(snippet) = snippet(source, line, column)
    {
        out.push('\n');
        out.push_str(&snippet);
        if column >= usize::from(u16::MAX) {
            out.push_str(
                "\n  (the place is at column 65,535 or later: positions count at most 65,535 \
                 characters of a line; break the line to see where)",
            );
        }
    }
    for l in others {
        out.push('\n');
        out.push_str(l);
    }
    for l in helps {
        out.push('\n');
        out.push_str(l.trim_start());
    }
    out
}

/// The source, line and column (0 if none) a headline `file:line[:column]: ...` points at.
fn locate<'a>(headline: &str, sources: &'a Sources) -> Option<(&'a str, usize, usize)> {
    let mut by_length: Vec<&(String, String)> = sources.iter().collect();
    by_length.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, text) in by_length {
        let Some(rest) = headline.strip_prefix(name.as_str()) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        fn digits(s: &str) -> (Option<usize>, &str) {
            let n = s.chars().take_while(char::is_ascii_digit).count();
            (s[..n].parse::<usize>().ok(), &s[n..])
        }
        let (Some(line), rest) = digits(rest) else {
            continue;
        };
        let column = match rest.strip_prefix(':') {
            Some(r) => digits(r).0.unwrap_or(0),
            None => 0,
        };
        return Some((text, line, column));
    }
    None
}

/// `  6 | the line` and a caret line under `column` (counted in characters, from 1).
fn snippet(source: &str, line: usize, column: usize) -> Option<String> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let (start, end) = if chars.len() <= SHOWN_CHARS {
        (0, chars.len())
    } else {
        let start = at.saturating_sub(SHOWN_CHARS / 2);
        (start, (start + SHOWN_CHARS).min(chars.len()))
    };
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let mut out = format!("  {gutter} | {}", shown.trim_end());
    if column > 0 {
        // Tabs stay tabs so that the caret lines up however wide the terminal shows them.
        let mut caret: String = if start > 0 {
            " ".to_string()
        } else {
            String::new()
        };
        caret.extend(
            chars[start..at]
                .iter()
                .map(|&c| if c == '\t' { '\t' } else { ' ' }),
        );
        out.push_str(&format!("\n  {pad} | {caret}^"));
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Names

/// A name as it is compared: in Unicode normal form C, so that a decomposed `ö` (o and a
/// combining diaeresis, as some editors and file systems write it) is the same letter.
pub fn normalized(name: &str) -> String {
    name.nfc().collect()
}

/// Whether two names are the same after normalisation.
pub fn same_name(a: &str, b: &str) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    let nfc = |s: &str| matches!(is_nfc_quick(s.chars()), IsNormalized::Yes);
    // Most names are already in form C: then they are the same only if equal (quick, for the
    // thousands of comparisons a large model makes).
    a == b || (!(nfc(a) && nfc(b)) && normalized(a) == normalized(b))
}

/// A name folded for suggestions: lower case, without diacritics (`Bistånd` → `bistand`).
fn folded(name: &str) -> String {
    name.nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The declared name closest to `name`: the same when case and diacritics are ignored, or
/// within a few edits (about one in three characters).
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let target = folded(name);
    // Short names only match in case and accents: one edit in two letters is another name.
    let length = target.chars().count();
    let limit = if length < 3 { 0 } else { (length / 3).max(1) };
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(&target, &folded(k)), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}
