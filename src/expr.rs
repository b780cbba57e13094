//! Expressions: the formulas an analyst writes in a scenario, recorded as a graph.
//!
//! A scenario script runs once. Arithmetic on parameters (`p * rr`, `if_else(year() < 3, a, b)`)
//! does not compute a number there; it builds an [`Expr`]. The engine evaluates the graph natively
//! for every iteration, arm, subgroup, year (and time in state where a rule reads it), so rhai never
//! runs in the simulation loop. The graph also tells which parameters a rule reads, which the error
//! messages and the sensitivity analyses use, and it prints itself as a formula.
//!
//! May import: no socinv module; every other layer may import it.

pub mod program;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// A recorded formula. Cheap to clone (shared graph).
#[derive(Clone, Debug)]
pub struct Expr(Arc<Measured>);

/// The most nodes a formula may have, a shared part counted as often as it is reached (what
/// evaluating and printing it visit): `e = e + e` in a loop doubles it each time.
pub const MAX_FORMULA_NODES: u64 = 100_000;

/// The deepest a formula may nest (evaluating, printing and reading it recurse that deep).
pub const MAX_FORMULA_DEPTH: u32 = 1_000;

/// A node with the size and depth of the tree below it, counted when it is made.
#[derive(Debug)]
struct Measured {
    node: Node,
    /// Nodes in the tree, shared subtrees counted each time they are reached (saturating).
    size: u64,
    /// The longest path from here to a leaf, in nodes.
    depth: u32,
}

/// One node of an expression graph.
#[derive(Debug)]
pub enum Node {
    /// A number written in the script.
    Const(f64),
    /// An uncertain parameter, by its index in the scenario's parameter list; `name` for display.
    Param { index: usize, name: String },
    /// The current year (0-based).
    Year,
    /// Years in the current state, counting the current year.
    TimeInState,
    /// Years in the declared episode (a set of states) with this index, counting the current
    /// year; 0 when the person is in none of its states.
    EpisodeTime { episode: usize, name: String },
    /// The person's age: their start age plus the year.
    Age,
    /// A value drawn once per person (`attribute("x", uniform(0.95, 1.05))`), by its index in
    /// the scenario's attribute list.
    Attribute { index: usize, name: String },
    /// 1 if the person receives the arm with this index, else 0.
    ArmIs { arm: usize, name: String },
    /// 1 if the person takes part in an intervention, else 0.
    Treated,
    /// 1 if the person belongs to the subgroup with this index, else 0.
    InSubgroup { group: usize, name: String },
    /// Years since the current arm's program ended (0 during it and for the baseline).
    YearsSinceEnd,
    /// The fading multiplier `effect(m, dropoff)`, or `effect(m, dropoff, arm)` for the
    /// participants of one arm only (`arm`: its index and name; 1 in every other arm).
    Effect {
        multiplier: Expr,
        dropoff: Expr,
        arm: Option<(usize, String)>,
    },
    /// A function of one value.
    Unary(UnaryOp, Expr),
    /// A function of two values.
    Binary(BinaryOp, Expr, Expr),
    /// `if_else(cond, a, b)`.
    IfElse(Expr, Expr, Expr),
    /// `lookup([v0, v1, ...], index)`: the value at the index rounded down, the first below 0 and
    /// the last beyond the end (e.g. a yearly series indexed by `year()`).
    Lookup(Vec<Expr>, Expr),
}

/// Functions of one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Not,
    Exp,
    Ln,
    RateToProb,
}

/// Functions of two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Min,
    Max,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    OddsRatio,
}

/// Where an expression is evaluated: the values that the context functions read.
#[derive(Clone, Copy, Debug)]
pub struct EvalContext<'a> {
    /// This iteration's parameter values, in declaration order.
    pub params: &'a [f64],
    /// The year, 0-based.
    pub year: u32,
    /// Years in the current state, counting the current one (≥ 1); 1 where not relevant.
    pub time_in_state: u32,
    /// Years in each declared episode, counting the current one; 0 outside it. Shorter than
    /// the episodes (e.g. empty) reads as 0.
    pub episode_time: &'a [u32],
    /// The person's attributes; empty where a rule is evaluated for the tables.
    pub attributes: &'a [f64],
    /// The person's age this year (start age + year); NaN where the scenario gives none.
    pub age: f64,
    /// The arm whose practice the person receives (0 = baseline; non-participants get 0).
    pub arm: usize,
    /// The person's subgroup index (the last index is the remainder group).
    pub subgroup: usize,
    /// The program years `[start, end)` of the arm being received; `None` for the baseline.
    pub program: Option<(u32, u32)>,
}

impl<'a> EvalContext<'a> {
    /// Year 0 of ordinary practice for the remainder group `subgroup`, no person: for formulas
    /// of the parameters alone.
    pub fn of_parameters(params: &'a [f64], subgroup: usize) -> Self {
        EvalContext {
            params,
            year: 0,
            time_in_state: 1,
            episode_time: &[],
            attributes: &[],
            age: f64::NAN,
            arm: 0,
            subgroup,
            program: None,
        }
    }
}

/// What an expression reads besides constants; decides how often it must be evaluated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependencies {
    /// Indices of the parameters read.
    pub params: Vec<usize>,
    pub year: bool,
    pub time_in_state: bool,
    /// Indices of the episodes whose time is read.
    pub episodes: Vec<usize>,
    pub age: bool,
    /// Whether an attribute drawn per person is read.
    pub attributes: bool,
    pub arm: bool,
    pub subgroup: bool,
}

impl Expr {
    /// Wraps a node.
    pub fn new(node: Node) -> Self {
        let (mut size, mut depth) = (1_u64, 0_u32);
        node.for_each_child(|child| {
            size = size.saturating_add(child.0.size);
            depth = depth.max(child.0.depth);
        });
        Expr(Arc::new(Measured {
            node,
            size,
            depth: depth.saturating_add(1),
        }))
    }

    /// Nodes in the formula, a shared part counted as often as it is reached.
    pub fn size(&self) -> u64 {
        self.0.size
    }

    /// How deep the formula nests (1 for a number or a parameter).
    pub fn depth(&self) -> u32 {
        self.0.depth
    }

    /// An error message if the formula is larger or deeper than the engine accepts.
    pub fn check_limits(&self) -> Result<(), String> {
        if self.size() > MAX_FORMULA_NODES {
            Err(format!(
                "this formula has grown to more than {MAX_FORMULA_NODES} parts (e.g. `e = e + e` \
                 in a loop doubles it each time); build it from fewer terms"
            ))
        } else if self.depth() > MAX_FORMULA_DEPTH {
            Err(format!(
                "this formula nests more than {MAX_FORMULA_DEPTH} operations deep (e.g. a sum \
                 of parameters built one term at a time in a long loop); use fewer terms, or \
                 add plain numbers before they meet a parameter"
            ))
        } else {
            Ok(())
        }
    }

    /// A constant.
    pub fn constant(value: f64) -> Self {
        Expr::new(Node::Const(value))
    }

    /// The node at the root.
    pub fn node(&self) -> &Node {
        &self.0.node
    }

    /// `Some(value)` if the expression is a plain number.
    pub fn as_constant(&self) -> Option<f64> {
        match self.0.node {
            Node::Const(v) => Some(v),
            _ => None,
        }
    }

    /// Combines two expressions, folding constants.
    pub fn binary(op: BinaryOp, a: Expr, b: Expr) -> Self {
        if let (Some(x), Some(y)) = (a.as_constant(), b.as_constant()) {
            return Expr::constant(apply_binary(op, x, y));
        }
        Expr::new(Node::Binary(op, a, b))
    }

    /// Applies a function of one value, folding constants.
    pub fn unary(op: UnaryOp, a: Expr) -> Self {
        if let Some(x) = a.as_constant() {
            return Expr::constant(apply_unary(op, x));
        }
        Expr::new(Node::Unary(op, a))
    }

    /// Evaluates the expression natively.
    pub fn eval(&self, cx: &EvalContext) -> f64 {
        match self.node() {
            Node::Const(v) => *v,
            Node::Param { index, .. } => cx.params[*index],
            Node::Year => f64::from(cx.year),
            Node::TimeInState => f64::from(cx.time_in_state),
            Node::EpisodeTime { episode, .. } => {
                f64::from(cx.episode_time.get(*episode).copied().unwrap_or(0))
            }
            Node::Age => cx.age,
            Node::Attribute { index, .. } => cx.attributes.get(*index).copied().unwrap_or(f64::NAN),
            Node::ArmIs { arm, .. } => bool_value(cx.arm == *arm),
            Node::Treated => bool_value(cx.arm != 0),
            Node::InSubgroup { group, .. } => bool_value(cx.subgroup == *group),
            Node::YearsSinceEnd => f64::from(years_since_end(cx)),
            Node::Effect {
                multiplier: m,
                dropoff,
                arm,
            } => match cx.program {
                _ if arm.as_ref().is_some_and(|(a, _)| *a != cx.arm) => 1.0,
                Some((start, end)) if cx.year >= start => {
                    let m = m.eval(cx);
                    if cx.year < end {
                        m
                    } else {
                        let k = years_since_end(cx) as i32;
                        1.0 + (m - 1.0) * (1.0 - dropoff.eval(cx)).powi(k)
                    }
                }
                _ => 1.0,
            },
            Node::Unary(op, a) => apply_unary(*op, a.eval(cx)),
            Node::Binary(op, a, b) => apply_binary(*op, a.eval(cx), b.eval(cx)),
            Node::IfElse(c, a, b) => {
                let c = c.eval(cx);
                if c.is_nan() {
                    f64::NAN
                } else if c != 0.0 {
                    a.eval(cx)
                } else {
                    b.eval(cx)
                }
            }
            Node::Lookup(values, index) => match lookup_position(index.eval(cx), values.len()) {
                Some(k) => values[k].eval(cx),
                None => f64::NAN,
            },
        }
    }

    /// Whether two handles are the same recorded formula (the same node, not merely equal).
    pub fn same(&self, other: &Expr) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The drop-off formulas of every `effect(m, dropoff)` in the expression, each once.
    pub fn dropoffs(&self) -> Vec<Expr> {
        fn walk(e: &Expr, seen: &mut HashSet<*const Measured>, out: &mut Vec<Expr>) {
            let ptr = Arc::as_ptr(&e.0);
            if !seen.insert(ptr) {
                return;
            }
            match e.node() {
                Node::Effect {
                    multiplier: m,
                    dropoff: d,
                    ..
                } => {
                    out.push(d.clone());
                    walk(m, seen, out);
                    walk(d, seen, out);
                }
                Node::Unary(_, a) => walk(a, seen, out),
                Node::Binary(_, a, b) => {
                    walk(a, seen, out);
                    walk(b, seen, out);
                }
                Node::IfElse(c, a, b) => {
                    walk(c, seen, out);
                    walk(a, seen, out);
                    walk(b, seen, out);
                }
                Node::Lookup(values, index) => {
                    walk(index, seen, out);
                    for v in values {
                        walk(v, seen, out);
                    }
                }
                _ => {}
            }
        }
        let (mut seen, mut out) = (HashSet::new(), Vec::new());
        walk(self, &mut seen, &mut out);
        out
    }

    /// Whether `test` holds for a node of the expression (each shared part visited once).
    pub fn any_node(&self, test: &dyn Fn(&Node) -> bool) -> bool {
        fn walk(
            e: &Expr,
            test: &dyn Fn(&Node) -> bool,
            seen: &mut HashSet<*const Measured>,
        ) -> bool {
            if !seen.insert(Arc::as_ptr(&e.0)) {
                return false;
            }
            if test(e.node()) {
                return true;
            }
            let mut found = false;
            e.node()
                .for_each_child(|c| found = found || walk(c, test, seen));
            found
        }
        walk(self, test, &mut HashSet::new())
    }

    /// What the expression reads.
    pub fn dependencies(&self) -> Dependencies {
        let mut deps = Dependencies::default();
        self.collect(&mut deps);
        deps.params.sort_unstable();
        deps.params.dedup();
        deps.episodes.sort_unstable();
        deps.episodes.dedup();
        deps
    }

    fn collect(&self, deps: &mut Dependencies) {
        match self.node() {
            Node::Const(_) => {}
            Node::Param { index, .. } => deps.params.push(*index),
            Node::Year => deps.year = true,
            Node::TimeInState => deps.time_in_state = true,
            Node::EpisodeTime { episode, .. } => deps.episodes.push(*episode),
            // The age is the start age (by subgroup, or per person) plus the year.
            Node::Age => {
                deps.age = true;
                deps.year = true;
                deps.subgroup = true;
            }
            Node::Attribute { .. } => deps.attributes = true,
            Node::ArmIs { .. } | Node::Treated => deps.arm = true,
            Node::InSubgroup { .. } => deps.subgroup = true,
            Node::YearsSinceEnd => {
                deps.arm = true;
                deps.year = true;
            }
            Node::Effect {
                multiplier: m,
                dropoff: d,
                ..
            } => {
                deps.arm = true;
                deps.year = true;
                m.collect(deps);
                d.collect(deps);
            }
            Node::Unary(_, a) => a.collect(deps),
            Node::Binary(_, a, b) => {
                a.collect(deps);
                b.collect(deps);
            }
            Node::IfElse(c, a, b) => {
                c.collect(deps);
                a.collect(deps);
                b.collect(deps);
            }
            Node::Lookup(values, index) => {
                index.collect(deps);
                for v in values {
                    v.collect(deps);
                }
            }
        }
    }
}

impl Node {
    /// Calls `f` on each direct sub-formula.
    fn for_each_child(&self, mut f: impl FnMut(&Expr)) {
        match self {
            Node::Const(_)
            | Node::Param { .. }
            | Node::Year
            | Node::TimeInState
            | Node::EpisodeTime { .. }
            | Node::Age
            | Node::Attribute { .. }
            | Node::ArmIs { .. }
            | Node::Treated
            | Node::InSubgroup { .. }
            | Node::YearsSinceEnd => {}
            Node::Effect {
                multiplier: a,
                dropoff: b,
                ..
            }
            | Node::Binary(_, a, b) => {
                f(a);
                f(b);
            }
            Node::Unary(_, a) => f(a),
            Node::IfElse(c, a, b) => {
                f(c);
                f(a);
                f(b);
            }
            Node::Lookup(values, index) => {
                values.iter().for_each(&mut f);
                f(index);
            }
        }
    }
}

/// The position `lookup` reads for `index` in a list of `len` (> 0) values: the index rounded
/// down, clamped to the list; `None` for a NaN index.
pub fn lookup_position(index: f64, len: usize) -> Option<usize> {
    if index.is_nan() {
        None
    } else if index <= 0.0 {
        Some(0)
    } else {
        Some((index.floor() as usize).min(len - 1))
    }
}

fn bool_value(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn years_since_end(cx: &EvalContext) -> u32 {
    match cx.program {
        Some((_, end)) if cx.year >= end => cx.year - end + 1,
        _ => 0,
    }
}

/// A value that is not a number stays one through every function, comparisons and logic
/// included, so that the engine's checks stop the run instead of taking a branch.
pub fn apply_unary(op: UnaryOp, x: f64) -> f64 {
    match op {
        UnaryOp::Neg => -x,
        UnaryOp::Not if x.is_nan() => f64::NAN,
        UnaryOp::Not => bool_value(x == 0.0),
        UnaryOp::Exp => x.exp(),
        UnaryOp::Ln => x.ln(),
        UnaryOp::RateToProb => 1.0 - (-x).exp(),
    }
}

/// See [`apply_unary`]: a NaN operand gives NaN (`f64::min` would drop it, a comparison would
/// give 0).
pub fn apply_binary(op: BinaryOp, x: f64, y: f64) -> f64 {
    let logical = matches!(
        op,
        BinaryOp::Min
            | BinaryOp::Max
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::And
            | BinaryOp::Or
    );
    if logical && (x.is_nan() || y.is_nan()) {
        return f64::NAN;
    }
    match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => x / y,
        BinaryOp::Pow => x.powf(y),
        BinaryOp::Min => x.min(y),
        BinaryOp::Max => x.max(y),
        BinaryOp::Lt => bool_value(x < y),
        BinaryOp::Le => bool_value(x <= y),
        BinaryOp::Gt => bool_value(x > y),
        BinaryOp::Ge => bool_value(x >= y),
        BinaryOp::Eq => bool_value(x == y),
        BinaryOp::Ne => bool_value(x != y),
        BinaryOp::And => bool_value(x != 0.0 && y != 0.0),
        BinaryOp::Or => bool_value(x != 0.0 || y != 0.0),
        BinaryOp::OddsRatio => {
            let odds = x / (1.0 - x) * y;
            odds / (1.0 + odds)
        }
    }
}

impl fmt::Display for Expr {
    /// Prints the formula in the script's own notation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.node() {
            Node::Const(v) => write!(f, "{v}"),
            Node::Param { name, .. } => write!(f, "{name}"),
            Node::Year => write!(f, "year()"),
            Node::TimeInState => write!(f, "time_in_state()"),
            Node::EpisodeTime { name, .. } => write!(f, "time_in_episode(\"{name}\")"),
            Node::Age => write!(f, "age()"),
            Node::Attribute { name, .. } => write!(f, "{name}"),
            Node::ArmIs { name, .. } => write!(f, "arm_is(\"{name}\")"),
            Node::Treated => write!(f, "treated()"),
            Node::InSubgroup { name, .. } => write!(f, "in_subgroup(\"{name}\")"),
            Node::YearsSinceEnd => write!(f, "years_since_end()"),
            Node::Effect {
                multiplier: m,
                dropoff: d,
                arm,
            } => match arm {
                None => write!(f, "effect({m}, {d})"),
                Some((_, name)) => write!(f, "effect({m}, {d}, \"{name}\")"),
            },
            Node::Unary(op, a) => match op {
                UnaryOp::Neg => write!(f, "-({a})"),
                UnaryOp::Not => write!(f, "not({a})"),
                UnaryOp::Exp => write!(f, "exp({a})"),
                UnaryOp::Ln => write!(f, "ln({a})"),
                UnaryOp::RateToProb => write!(f, "rate_to_prob({a})"),
            },
            Node::Binary(op, a, b) => {
                let infix = match op {
                    BinaryOp::Add => Some("+"),
                    BinaryOp::Sub => Some("-"),
                    BinaryOp::Mul => Some("*"),
                    BinaryOp::Div => Some("/"),
                    BinaryOp::Lt => Some("<"),
                    BinaryOp::Le => Some("<="),
                    BinaryOp::Gt => Some(">"),
                    BinaryOp::Ge => Some(">="),
                    BinaryOp::Eq => Some("=="),
                    BinaryOp::Ne => Some("!="),
                    _ => None,
                };
                match infix {
                    Some(sym) => write!(f, "({a} {sym} {b})"),
                    None => {
                        let name = match op {
                            BinaryOp::Pow => "pow",
                            BinaryOp::Min => "min",
                            BinaryOp::Max => "max",
                            BinaryOp::And => "and",
                            BinaryOp::Or => "or",
                            _ => "odds_ratio",
                        };
                        write!(f, "{name}({a}, {b})")
                    }
                }
            }
            Node::IfElse(c, a, b) => write!(f, "if_else({c}, {a}, {b})"),
            Node::Lookup(values, index) => {
                write!(f, "lookup([")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "], {index})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(params: &[f64], year: u32, arm: usize) -> EvalContext<'_> {
        EvalContext {
            params,
            year,
            time_in_state: 1,
            episode_time: &[],
            attributes: &[],
            age: f64::NAN,
            arm,
            subgroup: 0,
            program: if arm == 0 { None } else { Some((0, 2)) },
        }
    }

    #[test]
    fn arithmetic_and_constant_folding() {
        let p = Expr::new(Node::Param {
            index: 0,
            name: "p".into(),
        });
        let e = Expr::binary(
            BinaryOp::Mul,
            p,
            Expr::binary(BinaryOp::Add, Expr::constant(1.0), Expr::constant(1.0)),
        );
        assert_eq!(e.eval(&cx(&[0.25], 0, 0)), 0.5);
        assert_eq!(e.to_string(), "(p * 2)");
        assert_eq!(e.dependencies().params, vec![0]);
    }

    fn effect(multiplier: Expr, dropoff: Expr) -> Expr {
        Expr::new(Node::Effect {
            multiplier,
            dropoff,
            arm: None,
        })
    }

    #[test]
    fn an_effect_tied_to_an_arm_is_1_in_the_others() {
        let tied = Expr::new(Node::Effect {
            multiplier: Expr::constant(0.5),
            dropoff: Expr::constant(0.5),
            arm: Some((2, "B".into())),
        });
        let in_arm = |arm: usize, year: u32| {
            tied.eval(&EvalContext {
                program: Some((0, 2)),
                ..cx(&[], year, arm)
            })
        };
        assert_eq!((in_arm(0, 1), in_arm(1, 1), in_arm(1, 3)), (1.0, 1.0, 1.0));
        assert_eq!((in_arm(2, 1), in_arm(2, 2)), (0.5, 0.75));
        assert_eq!(tied.to_string(), "effect(0.5, 0.5, \"B\")");
    }

    #[test]
    fn effect_fades_after_the_program() {
        let e = effect(Expr::constant(0.5), Expr::constant(0.5));
        assert_eq!(e.eval(&cx(&[], 0, 0)), 1.0, "baseline is untouched");
        assert_eq!(e.eval(&cx(&[], 1, 1)), 0.5, "full effect while it runs");
        assert_eq!(
            e.eval(&cx(&[], 2, 1)),
            0.75,
            "half the effect one year after"
        );
        assert_eq!(e.eval(&cx(&[], 3, 1)), 0.875);
    }

    #[test]
    fn lookup_reads_the_index_rounded_down_and_clamped() {
        let values: Vec<Expr> = [10.0, 20.0, 30.0].map(Expr::constant).into();
        let e = Expr::new(Node::Lookup(values, Expr::new(Node::Year)));
        let at = |year| e.eval(&cx(&[], year, 0));
        assert_eq!(
            (at(0), at(1), at(2), at(3), at(40)),
            (10.0, 20.0, 30.0, 30.0, 30.0)
        );
        assert_eq!(lookup_position(-1.0, 3), Some(0));
        assert_eq!(lookup_position(1.9, 3), Some(1));
        assert_eq!(lookup_position(f64::NAN, 3), None);
        assert_eq!(e.to_string(), "lookup([10, 20, 30], year())");
        assert!(e.dependencies().year);
    }

    #[test]
    fn odds_ratio_of_one_keeps_the_probability() {
        let e = Expr::binary(
            BinaryOp::OddsRatio,
            Expr::constant(0.3),
            Expr::constant(1.0),
        );
        assert!((e.as_constant().unwrap() - 0.3).abs() < 1e-15);
    }

    fn param(index: usize) -> Expr {
        Expr::new(Node::Param {
            index,
            name: format!("p{index}"),
        })
    }

    #[test]
    fn a_nan_operand_gives_nan_in_min_max_comparisons_logic_and_if_else() {
        let nan = Expr::binary(BinaryOp::Div, param(0), param(1));
        let at = |e: &Expr| e.eval(&cx(&[0.0, 0.0], 0, 0));
        for op in [
            BinaryOp::Min,
            BinaryOp::Max,
            BinaryOp::Lt,
            BinaryOp::Le,
            BinaryOp::Gt,
            BinaryOp::Ge,
            BinaryOp::Eq,
            BinaryOp::Ne,
            BinaryOp::And,
            BinaryOp::Or,
        ] {
            let left = Expr::binary(op, nan.clone(), Expr::constant(0.9));
            let right = Expr::binary(op, Expr::constant(0.9), nan.clone());
            assert!(at(&left).is_nan() && at(&right).is_nan(), "{op:?}");
            assert!(apply_binary(op, f64::NAN, 1.0).is_nan(), "{op:?} folded");
        }
        assert!(at(&Expr::unary(UnaryOp::Not, nan.clone())).is_nan());
        let branch = Expr::new(Node::IfElse(nan, Expr::constant(0.9), Expr::constant(0.1)));
        assert!(at(&branch).is_nan(), "a NaN condition takes neither branch");
    }

    #[test]
    fn size_counts_shared_parts_each_time_and_depth_the_longest_path() {
        let mut e = param(0);
        for _ in 0..10 {
            e = Expr::binary(BinaryOp::Add, e.clone(), e);
        }
        assert_eq!(e.size(), 2047);
        assert_eq!(e.depth(), 11);
        assert!(e.check_limits().is_ok());
        for _ in 0..10 {
            e = Expr::binary(BinaryOp::Add, e.clone(), e);
        }
        assert!(e.check_limits().unwrap_err().contains("100000 parts"));
        let mut deep = param(0);
        for _ in 0..MAX_FORMULA_DEPTH {
            deep = Expr::binary(BinaryOp::Add, deep, Expr::constant(1.0));
        }
        assert_eq!(deep.depth(), MAX_FORMULA_DEPTH + 1);
        assert!(
            deep.check_limits()
                .unwrap_err()
                .contains("1000 operations deep")
        );
    }

    #[test]
    fn a_formula_at_the_depth_limit_evaluates_prints_and_drops_on_a_small_stack() {
        let mut deep = param(0);
        for _ in 0..MAX_FORMULA_DEPTH - 1 {
            deep = Expr::new(Node::IfElse(
                Expr::constant(1.0),
                effect(deep, Expr::constant(0.5)),
                Expr::new(Node::Lookup(
                    vec![Expr::constant(1.0)],
                    Expr::new(Node::Year),
                )),
            ));
        }
        assert!(
            deep.check_limits().is_err(),
            "each level adds two nodes of depth"
        );
        let mut deep = param(0);
        while deep.depth() < MAX_FORMULA_DEPTH {
            deep = Expr::binary(BinaryOp::OddsRatio, deep, Expr::constant(1.0));
        }
        assert!(deep.check_limits().is_ok());
        // rayon's worker threads have 2 MiB stacks; the main thread 8 MiB.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                assert!((deep.eval(&cx(&[0.25], 0, 0)) - 0.25).abs() < 1e-12);
                assert!(deep.to_string().len() > 10_000);
                assert!(deep.dependencies().params == vec![0]);
                drop(deep);
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
    }
}
