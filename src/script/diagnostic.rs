//! How a script error is shown to the analyst: `file:line:column: message`, the source line
//! with a caret under the column, then what to write instead (`help: ...`), in the words of the
//! scenario language (number, text, list, map, distribution, formula), never a Rust or rhai type
//! name. Also the hints for a spreadsheet user's habits (a decimal comma, `80%`, `250 000`),
//! the plain-words signatures of the language's functions, and "did you mean" for names.

pub(crate) use crate::source_text::{Sources, closest, render, same_name};

// ---------------------------------------------------------------------------------------------
// Spreadsheet habits in the source text

/// What a piece of the source looks like that a spreadsheet user writes for a number.
#[derive(Debug, PartialEq)]
pub(crate) struct NumberHabit {
    /// The column (from 1) where it starts.
    pub column: usize,
    /// The headline, e.g. "`0,7` is not a number".
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// The spreadsheet habit on `line` that touches `column` (where rhai stopped): a decimal comma
/// (`0,7`), a percent sign after a number (`80%`) or a space inside a number (`250 000`).
pub(crate) fn number_habit(line: &str, column: usize) -> Option<NumberHabit> {
    let chars: Vec<char> = line.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let digits_from = |i: usize| chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || !word(chars[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let first = digits_from(i);
        let mut end = i + first;
        // A fraction written with a point stays part of the number (`12.5%`).
        if chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
            end += 1 + digits_from(end + 1);
        }
        let number = text(i, end);
        if chars.get(end) == Some(&',') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
            let second = digits_from(end + 1);
            let after = end + 1 + second;
            if !chars.get(after).is_some_and(|&c| word(c)) && !number.contains('.') {
                let written = text(i, after);
                let fixed = written.replace(',', ".");
                found.push((
                    i,
                    after,
                    NumberHabit {
                        column: i + 1,
                        message: format!("`{written}` is two numbers here, not one"),
                        help: decimal_point_help(&fixed, &written),
                    },
                ));
            }
        }
        let mut j = end;
        while chars.get(j) == Some(&' ') {
            j += 1;
        }
        if chars.get(j) == Some(&'%') {
            let mut k = j + 1;
            while chars.get(k) == Some(&' ') {
                k += 1;
            }
            if chars
                .get(k)
                .is_none_or(|c| matches!(c, ',' | '}' | ')' | ']' | ';'))
            {
                let share = number
                    .parse::<f64>()
                    .map(|x| crate::error::number(x / 100.0))
                    .unwrap_or_else(|_| "a share".to_string());
                found.push((
                    i,
                    k,
                    NumberHabit {
                        column: i + 1,
                        message: format!("`{}` is not a number in a script", text(i, j + 1)),
                        help: format!("write {number} % as {share}"),
                    },
                ));
            }
        }
        // `250 000`: groups of three digits after spaces.
        let mut k = end;
        let mut joined = number.clone();
        while chars.get(k) == Some(&' ')
            && chars.get(k + 1).is_some_and(char::is_ascii_digit)
            && !number.contains('.')
        {
            let n = digits_from(k + 1);
            if n != 3 || chars.get(k + 1 + n).is_some_and(|&c| word(c)) {
                break;
            }
            joined.push_str(&text(k + 1, k + 1 + n));
            k += 1 + n;
        }
        if k > end {
            found.push((
                i,
                k,
                NumberHabit {
                    column: i + 1,
                    message: format!("`{}` has a space inside the number", text(i, k)),
                    help: format!("write {joined} (no space inside a number)"),
                },
            ));
        }
        i = end.max(k).max(i + 1);
    }
    let column = column.max(1) - 1;
    found
        .into_iter()
        .filter(|(a, b, _)| *a <= column && column <= *b + 1)
        .min_by_key(|(a, _, _)| column - a)
        .map(|(_, _, h)| h)
}

/// "use a decimal point: 0.15, not 0,15".
pub(crate) fn decimal_point_help(fixed: &str, written: &str) -> String {
    format!("use a decimal point: {fixed}, not {written}")
}

// ---------------------------------------------------------------------------------------------
// Calls in plain words

/// What kind of value an argument of the language's functions must be.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// Text in quotes, e.g. a name.
    Text,
    Map,
    List,
    Distribution,
    /// Anything: a number, a formula, a truth value; checked by the function itself.
    Value,
}

/// Every function of the scenario language with its forms, in the words of docs/scripting.md:
/// `name:kind` where the kind is `text`, `map`, `list` or `distribution`, plain names for a
/// number or formula.
const SIGNATURES: &[(&str, &[&str])] = &[
    ("scenario", &["settings:map"]),
    ("intake", &["year, people"]),
    ("intakes", &["counts:list"]),
    ("actor", &["name:text", "name:text, about:map"]),
    ("perspective", &["name:text, actors:list"]),
    ("society_perspective", &["name:text"]),
    ("state", &["name:text", "name:text, about:map"]),
    ("start", &["shares:map", "shares:map, subgroup:text"]),
    ("subgroup", &["name:text, share"]),
    ("subgroup_count", &["name:text, people"]),
    ("start_counts", &["counts:map", "counts:map, subgroup:text"]),
    (
        "param",
        &[
            "name:text, distribution:distribution",
            "name:text, distribution:distribution, about:map",
        ],
    ),
    ("baseline", &["name:text"]),
    ("intervention", &["name:text, settings:map"]),
    ("transition", &["from:text, to:text, probability"]),
    ("cost", &["state:text, actor:text, amount"]),
    ("transfer", &["state:text, actor:text, amount"]),
    ("entry_cost", &["state:text, actor:text, amount"]),
    ("entry_transfer", &["state:text, actor:text, amount"]),
    (
        "outcome",
        &[
            "name:text, state:text, value",
            "name:text, state:text, value, about:map",
        ],
    ),
    (
        "entry_outcome",
        &[
            "name:text, state:text, value",
            "name:text, state:text, value, about:map",
        ],
    ),
    ("fixed", &["value"]),
    ("uniform", &["lo, hi"]),
    ("normal", &["mean, sd"]),
    ("truncated_normal", &["mean, sd, lo, hi"]),
    ("lognormal", &["mean, sd"]),
    ("lognormal_ci", &["median, p5, p95"]),
    ("beta", &["alpha, beta"]),
    ("beta_mean_sd", &["mean, sd"]),
    ("gamma_mean_sd", &["mean, sd"]),
    ("triangular", &["min, mode, max"]),
    ("pert", &["min, mode, max"]),
    ("discrete", &["values:list, weights:list"]),
    ("empirical", &["values:list"]),
    ("if_else", &["condition, value_if_true, value_if_false"]),
    (
        "effect",
        &["multiplier, dropoff", "multiplier, dropoff, arm:text"],
    ),
    ("correlate", &["first:text, second:text, rho"]),
    ("correlation", &["names:list, matrix:list"]),
    (
        "dirichlet_row",
        &[
            "from:text, counts:map",
            "from:text, counts:map, options:map",
        ],
    ),
    ("competing_rates", &["from:text, rates:map"]),
    ("read_csv", &["file:text"]),
    ("read_csv_columns", &["file:text"]),
    ("lookup", &["values:list, index"]),
    ("by_year", &["values:list"]),
    ("year", &[""]),
    ("time_in_state", &[""]),
    ("age", &[""]),
    ("episode", &["name:text, states:list"]),
    ("time_in_episode", &["episode:text"]),
    (
        "attribute",
        &[
            "name:text, distribution:distribution",
            "name:text, distribution:distribution, about:map",
        ],
    ),
    ("start_age", &["age", "age, subgroup:text"]),
    ("treated", &[""]),
    ("years_since_end", &[""]),
    ("arm_is", &["arm:text"]),
    ("in_subgroup", &["subgroup:text"]),
    ("min", &["a, b"]),
    ("max", &["a, b"]),
    ("pow", &["x, y"]),
    ("and", &["a, b"]),
    ("or", &["a, b"]),
    ("not", &["a"]),
    ("exp", &["x"]),
    ("ln", &["x"]),
    ("rate_to_prob", &["rate"]),
    ("odds_ratio", &["p, or"]),
];

/// The arguments of one form: (name, kind).
fn arguments(form: &str) -> Vec<(&str, Kind)> {
    form.split(", ")
        .filter(|a| !a.is_empty())
        .map(|a| match a.split_once(':') {
            Some((name, "text")) => (name, Kind::Text),
            Some((name, "map")) => (name, Kind::Map),
            Some((name, "list")) => (name, Kind::List),
            Some((name, "distribution")) => (name, Kind::Distribution),
            Some((name, _)) => (name, Kind::Value),
            None => (a, Kind::Value),
        })
        .collect()
}

/// `cost(state, actor, amount)`.
fn written(name: &str, form: &str) -> String {
    let args: Vec<&str> = arguments(form).iter().map(|(n, _)| *n).collect();
    format!("{name}({})", args.join(", "))
}

/// A rhai type name in the words of the scenario language.
pub(crate) fn plain_type(rhai: &str) -> &'static str {
    let t = rhai.trim();
    if t.contains("ImmutableString") || t.contains("&str") || t == "string" || t == "String" {
        return "text";
    }
    match t {
        "i64" | "i32" | "u32" | "u64" | "f64" | "f32" | "INT" | "FLOAT" | "int" | "float" => {
            "number"
        }
        "bool" => "truth value",
        "char" => "character",
        "array" | "Array" | "rhai::Array" => "list",
        "map" | "Map" | "rhai::Map" => "map",
        "Formula" | "Expr" | "socinv::expr::Expr" => "formula",
        "Distribution" | "DistributionSpec" | "socinv::dist::DistributionSpec" => "distribution",
        "()" => "nothing (`()`)",
        "Fn" | "FnPtr" => "function",
        "range" | "range=" => "range",
        _ => "value",
    }
}

/// Whether a value of kind `given` (plain words) fits an argument of `kind`.
fn fits(kind: Kind, given: &str) -> bool {
    match kind {
        Kind::Text => given == "text",
        Kind::Map => given == "map",
        Kind::List => given == "list",
        Kind::Distribution => given == "distribution",
        Kind::Value => true,
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text in quotes",
        Kind::Map => "a map #{ ... }",
        Kind::List => "a list [ ... ]",
        Kind::Distribution => "a distribution such as beta_mean_sd(0.2, 0.05)",
        Kind::Value => "a number or a formula",
    }
}

fn with_article(kind: &str) -> String {
    match kind {
        "text" => "text".to_string(),
        "nothing (`()`)" => kind.to_string(),
        k if k.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {k}"),
        k => format!("a {k}"),
    }
}

/// The call that rhai found no function for, from its signature `name (type, type)`: the
/// headline and a help line, in plain words. `call` is the call's text in the script, from its
/// name on (to find a decimal comma among the arguments).
pub(crate) fn function_not_found(signature: &str, call: Option<&str>) -> (String, Option<String>) {
    let (name, types) = match signature.split_once(" (") {
        Some((n, t)) => (n.trim(), t.trim_end_matches(')')),
        None => (signature.trim(), ""),
    };
    let given: Vec<&str> = if types.trim().is_empty() {
        Vec::new()
    } else {
        types.split(", ").map(plain_type).collect()
    };
    let decimal = call.and_then(split_decimal);
    let help = decimal.clone();
    let given_words = if given.is_empty() {
        "no arguments".to_string()
    } else {
        given.join(", ")
    };
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        let message = match given.as_slice() {
            [a, b] => format!(
                "`{name}` cannot combine {} and {}",
                with_article(a),
                with_article(b)
            ),
            [a] => format!("`{name}` cannot be applied to {}", with_article(a)),
            _ => format!("`{name}` cannot be used with {given_words}"),
        };
        return (message, help);
    }
    let Some((_, forms)) = SIGNATURES.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> = SIGNATURES.iter().map(|(n, _)| *n).collect();
        let message = match closest(name, known.iter().copied()) {
            Some(near) => format!("unknown function `{name}`: did you mean `{near}`?"),
            None => format!(
                "`{name}` is not a function of the scenario language (called with {given_words})"
            ),
        };
        let help = help.or_else(|| {
            Some("the functions of the scenario language are listed in docs/scripting.md".into())
        });
        return (message, help);
    };
    let all: Vec<String> = forms.iter().map(|f| written(name, f)).collect();
    let same_count: Vec<&&str> = forms
        .iter()
        .filter(|f| arguments(f).len() == given.len())
        .collect();
    let Some(form) = same_count.first() else {
        let counts: Vec<String> = forms
            .iter()
            .map(|f| arguments(f).len().to_string())
            .collect();
        let takes = match counts.as_slice() {
            [one] if one == "1" => "takes 1 argument".to_string(),
            [one] => format!("takes {one} arguments"),
            more => format!("takes {} arguments", more.join(" or ")),
        };
        return (
            format!("{} {takes}, got {}", all.join(" or "), given.len()),
            help,
        );
    };
    let args = arguments(form);
    let wrong = args
        .iter()
        .zip(&given)
        .find(|((_, kind), given)| !fits(*kind, given));
    let message = match wrong {
        Some(((arg, kind), got)) => format!(
            "{}: the {arg} must be {}, got {}",
            written(name, form),
            kind_words(*kind),
            with_article(got)
        ),
        None => format!("{} cannot take {given_words}", all.join(" or ")),
    };
    (message, help)
}

/// A call of a function the script defines itself (`fn f(x) { ... }`) with the wrong number of
/// arguments: "f(x) takes 1 argument, got 2", from its definition in `sources`.
pub(crate) fn script_function_call(signature: &str, sources: &Sources) -> Option<String> {
    let (name, types) = signature.split_once(" (")?;
    let given = types.trim_end_matches(')');
    let given = if given.trim().is_empty() {
        0
    } else {
        given.split(", ").count()
    };
    let needle = format!("fn {name}(");
    sources.iter().find_map(|(_, text)| {
        let at = text.find(&needle)?;
        let rest = &text[at + needle.len()..];
        let params = rest[..rest.find(')')?].trim();
        let count = if params.is_empty() {
            0
        } else {
            params.split(',').count()
        };
        let takes = match count {
            1 => "1 argument".to_string(),
            n => format!("{n} arguments"),
        };
        (count != given).then(|| format!("{name}({params}) takes {takes}, got {given}"))
    })
}

/// The decimal comma among the arguments of a call `name(a, b, ...)`: "use a decimal point:
/// 0.15, not 0,15" for a whole number directly followed by `,` and digits.
pub(crate) fn split_decimal(call: &str) -> Option<String> {
    let (a, b) = split_decimal_parts(call)?;
    Some(decimal_point_help(&format!("{a}.{b}"), &format!("{a},{b}")))
}

/// Where (in characters from the start of `call`) its first decimal comma's number starts.
pub(crate) fn decimal_comma_offset(call: &str) -> Option<usize> {
    let (a, _) = split_decimal_parts(call)?;
    let byte = a.as_ptr() as usize - call.as_ptr() as usize;
    Some(call[..byte].chars().count())
}

/// The two whole numbers of a call's first argument pair that reads as a decimal comma.
fn split_decimal_parts(call: &str) -> Option<(&str, &str)> {
    let open = call.find('(')?;
    let args = top_level_arguments(&call[open + 1..]);
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    args.windows(2).find_map(|pair| {
        // The whole number that ends the one argument and the one that starts the next,
        // with nothing between them but the comma: `120000 + 0,1000 * year()`.
        let before = pair[0].trim_end_matches(|c: char| c.is_ascii_digit());
        let a = &pair[0][before.len()..];
        let b_end = pair[1]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(pair[1].len());
        let b = &pair[1][..b_end];
        let alone_before = !before.ends_with(word);
        let alone_after = !pair[1][b_end..].starts_with(word);
        (!a.is_empty() && !b.is_empty() && alone_before && alone_after).then_some((a, b))
    })
}

/// The arguments' texts of a call, from after its `(` to the matching `)`, split at the commas
/// outside brackets and strings.
fn top_level_arguments(text: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let (mut depth, mut start, mut quote) = (0usize, 0usize, None::<char>);
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                args.push(&text[start..i]);
                return args;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    args
}

/// The text from `line`:`column` (from 1, in characters) to the end of the source.
pub(crate) fn text_from(source: &str, line: usize, column: usize) -> Option<&str> {
    let start = source
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = source.get(start..)?;
    let offset = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    rest.get(offset..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_line_and_a_caret_follow_the_headline() {
        let sources = vec![("t.rhai".to_string(), "a\n\tlet å = 0,5;\n".to_string())];
        let text = render("t.rhai:2:10: bad\n  in call\nhelp: fix it", &sources);
        assert_eq!(
            text,
            "t.rhai:2:10: bad\n  2 | \tlet å = 0,5;\n    | \t        ^\n  in call\nhelp: fix it"
        );
        assert_eq!(
            render("other.rhai:2:1: bad", &sources),
            "other.rhai:2:1: bad"
        );
        assert_eq!(render("t.rhai: bad", &sources), "t.rhai: bad");
    }

    #[test]
    fn a_column_beyond_what_positions_count_says_so() {
        let sources = vec![("t.rhai".to_string(), "x".repeat(70_000))];
        let text = render("t.rhai:1:65535: here", &sources);
        assert!(text.contains("column 65,535 or later"), "{text}");
        assert!(!render("t.rhai:1:5: here", &sources).contains("or later"));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let sources = vec![("t.rhai".to_string(), line)];
        let text = render("t.rhai:1:501: here", &sources);
        let shown = text.lines().nth(1).unwrap();
        assert!(shown.chars().count() < 120, "{shown}");
        let caret = text.lines().nth(2).unwrap();
        assert_eq!(
            caret.chars().position(|c| c == '^'),
            shown.chars().position(|c| c == 'X')
        );
    }

    #[test]
    fn spreadsheet_habits_are_recognised_where_rhai_stopped() {
        let h = number_habit(r#"start(#{"risk": 0,7});"#, 19).unwrap();
        assert_eq!(h.help, "use a decimal point: 0.7, not 0,7");
        assert_eq!(h.column, 17);
        let h = number_habit("intervention(\"X\", #{ uptake: 80%, years: 2 });", 33).unwrap();
        assert_eq!(h.help, "write 80 % as 0.8");
        let h = number_habit("#{ startup: 250 000 }", 17).unwrap();
        assert_eq!(h.help, "write 250000 (no space inside a number)");
        let h = number_habit("#{ startup: 1 250 000, x: 1 }", 15).unwrap();
        assert_eq!(h.help, "write 1250000 (no space inside a number)");
        // Far from where rhai stopped, a list of numbers is not a decimal comma.
        assert_eq!(number_habit("lookup([1,2,3], year()", 22), None);
        assert_eq!(number_habit("let x = 7 % 3;", 12), None);
    }

    #[test]
    fn calls_are_described_in_plain_words() {
        let (m, h) = function_not_found(
            "beta_mean_sd (i64, i64, i64, i64)",
            Some("beta_mean_sd(0,15, 0,04));"),
        );
        assert_eq!(m, "beta_mean_sd(mean, sd) takes 2 arguments, got 4");
        assert_eq!(h.unwrap(), "use a decimal point: 0.15, not 0,15");
        let (m, h) = function_not_found(
            "cost (&str | ImmutableString | String, &str | ImmutableString | String, i64, i64)",
            Some("cost(\"risk\", \"kommun\", 8000,50);"),
        );
        assert_eq!(m, "cost(state, actor, amount) takes 3 arguments, got 4");
        assert_eq!(h.unwrap(), "use a decimal point: 8000.50, not 8000,50");
        let (_, h) = function_not_found(
            "cost (&str | ImmutableString | String, &str | ImmutableString | String, i64, Formula)",
            Some("cost(\"a\", \"k\", 120000 + 0,1000 * year());"),
        );
        assert_eq!(h.unwrap(), "use a decimal point: 0.1000, not 0,1000");
        let (_, h) = function_not_found("uniform (f64, i64, i64)", Some("uniform(0.5,3, 1)"));
        assert_eq!(h, None);
        assert_eq!(
            decimal_comma_offset("cost(\"bistånd\", \"kommun\", 8000,50);"),
            Some(26)
        );
        let (m, _) = function_not_found("state (i64)", None);
        assert_eq!(
            m,
            "state(name): the name must be text in quotes, got a number"
        );
        let (m, _) = function_not_found("summa (f64, f64)", None);
        assert_eq!(
            m,
            "`summa` is not a function of the scenario language (called with number, number)"
        );
        let (m, _) = function_not_found("betta (f64, f64)", None);
        assert_eq!(m, "unknown function `betta`: did you mean `beta`?");
        let (m, _) = function_not_found("* (Formula, &str | ImmutableString | String)", None);
        assert_eq!(m, "`*` cannot combine a formula and text");
        let (m, _) = function_not_found("start (map, map, map)", None);
        assert_eq!(
            m,
            "start(shares) or start(shares, subgroup) takes 1 or 2 arguments, got 3"
        );
    }

    #[test]
    fn a_call_of_the_scripts_own_function_gives_its_definition() {
        let sources = vec![(
            "t.rhai".to_string(),
            "fn andel(x, y) { x / y }\n".to_string(),
        )];
        assert_eq!(
            script_function_call("andel (i64)", &sources).unwrap(),
            "andel(x, y) takes 2 arguments, got 1"
        );
        assert_eq!(script_function_call("other (i64)", &sources), None);
    }

    #[test]
    fn every_registered_function_has_a_plain_signature() {
        let api = [include_str!("api.rs"), include_str!("models.rs")].concat();
        let registered = api.split("register_fn(\"").skip(1);
        let drawn = api.split("register_named_draw(engine, \"").skip(1);
        let listed = api
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("(\""));
        for piece in registered.chain(drawn).chain(listed) {
            let name = piece.split('"').next().unwrap();
            let language = name.starts_with(|c: char| c.is_alphabetic())
                && !["to_string", "to_debug"].contains(&name);
            assert!(
                !language || SIGNATURES.iter().any(|(n, _)| *n == name),
                "{name} has no plain signature in SIGNATURES"
            );
        }
    }

    #[test]
    fn every_plain_signature_is_a_registered_form() {
        let dummy = |kind: Kind| match kind {
            Kind::Text => "\"x\"",
            Kind::Map => "#{}",
            Kind::List => "[]",
            Kind::Distribution => "fixed(1)",
            // A formula: every function of the language takes one where it takes a value.
            Kind::Value => "q",
        };
        for (name, forms) in SIGNATURES {
            for form in *forms {
                let args: Vec<&str> = arguments(form).iter().map(|(_, k)| dummy(*k)).collect();
                let code = format!(
                    "let q = param(\"q\", fixed(1));\n{name}({});",
                    args.join(", ")
                );
                let sources = crate::script::sandbox::SourceLog::default();
                let stopped = crate::script::sandbox::StopToken::default();
                let mut engine = crate::script::sandbox::engine(
                    "t.rhai",
                    std::path::Path::new("."),
                    &sources,
                    &stopped,
                );
                let builder = crate::script::api::SharedBuilder::new("t.rhai", "");
                crate::script::api::register(&mut engine, &builder);
                if let Err(e) = engine.run(&code) {
                    assert!(
                        !matches!(*e, rhai::EvalAltResult::ErrorFunctionNotFound(..)),
                        "{code}: {e} (SIGNATURES lists a form that is not registered)"
                    );
                }
            }
        }
    }

    #[test]
    fn names_are_compared_after_normalisation_and_suggested_when_close() {
        assert!(same_name("bistånd", "bista\u{30a}nd"));
        assert!(!same_name("bistånd", "bistand"));
        let known = ["risk", "bistånd", "skola"];
        assert_eq!(closest("bistand", known), Some("bistånd"));
        assert_eq!(closest("Risk", known), Some("risk"));
        assert_eq!(closest("skolan", known), Some("skola"));
        assert_eq!(closest("arbete", known), None);
    }
}
