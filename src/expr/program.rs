//! Compiled formulas: a scenario's expression graphs flattened to one program.
//!
//! Every node of every formula becomes one slot of the program, its children before it, and
//! nodes that compute the same thing (the same recorded formula, or equal operations on equal
//! slots) share one slot. Each node has a [`Level`]: what it reads decides how often it is
//! computed. A node of the parameters alone is computed once per iteration
//! ([`Program::run_iteration`]); one that reads the arm, subgroup, year or age once per such
//! context; one that reads a duration once per duration ([`Segment`]). Every node is computed
//! eagerly from its children's slots, so `if_else`, `lookup` and `effect` compute every branch
//! and then pick one: the value is the one [`Expr::eval`] gives, bit for bit, since each node
//! applies the same operation to the same values.

use super::{BinaryOp, EvalContext, Expr, Measured, Node, UnaryOp, apply_binary, apply_unary};
use super::{bool_value, lookup_position, years_since_end};
use std::collections::HashMap;
use std::sync::Arc;

/// How often a node's value can change, from least to most often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A number: computed when the program is built.
    Constant,
    /// Reads parameters: once per iteration.
    Iteration,
    /// Reads the arm, subgroup, year, age or an attribute: once per table context.
    Context,
    /// Reads the time in state or in an episode: once per duration.
    Duration,
}

/// The slot of a node in a [`Program`].
pub type Slot = u32;

/// One operation; its operands are slots computed before it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Op {
    /// A number, by its bits (so that equal numbers share a slot).
    Const(u64),
    Param(u32),
    Year,
    TimeInState,
    EpisodeTime(u32),
    Age,
    Attribute(u32),
    ArmIs(u32),
    Treated,
    InSubgroup(u32),
    YearsSinceEnd,
    Effect {
        multiplier: Slot,
        dropoff: Slot,
        arm: Option<u32>,
    },
    Unary(UnaryOp, Slot),
    Binary(BinaryOp, Slot, Slot),
    IfElse(Slot, Slot, Slot),
    Lookup(Box<[Slot]>, Slot),
}

/// A scenario's formulas as one flat program. The values live in a slot vector the caller
/// keeps (one per thread), filled by [`Program::run_iteration`], [`Program::run_context`] and
/// [`Program::run_duration`].
#[derive(Debug, Default)]
pub struct Program {
    ops: Vec<Op>,
    levels: Vec<Level>,
    /// Every slot's value before an iteration: the numbers set, the rest 0.
    initial: Vec<f64>,
    /// The slots computed once per iteration, in order.
    iteration: Vec<Slot>,
}

/// The operations that compute some formulas in a context, beyond what the iteration already
/// computed: first those of the context, then those of the duration.
#[derive(Clone, Debug, Default)]
pub struct Segment {
    context: Vec<Slot>,
    duration: Vec<Slot>,
}

/// Builds a [`Program`]: the slots of the nodes seen so far, by recorded node and by operation.
#[derive(Default)]
struct Compiler {
    program: Program,
    by_node: HashMap<*const Measured, Slot>,
    by_op: HashMap<Op, Slot>,
}

impl Program {
    /// Compiles `formulas` into one program; returns it with each formula's slot, in order.
    pub fn compile<'e>(formulas: impl IntoIterator<Item = &'e Expr>) -> (Program, Vec<Slot>) {
        let mut c = Compiler::default();
        let roots = formulas.into_iter().map(|e| c.slot(e)).collect();
        let mut program = c.program;
        program.iteration = (0..program.ops.len() as Slot)
            .filter(|&s| program.levels[s as usize] == Level::Iteration)
            .collect();
        (program, roots)
    }

    /// The level of a slot.
    pub fn level(&self, slot: Slot) -> Level {
        self.levels[slot as usize]
    }

    /// The operations that compute the formulas at `roots` once the iteration's are computed.
    pub fn segment(&self, roots: &[Slot]) -> Segment {
        let mut needed = vec![false; self.ops.len()];
        let mut stack: Vec<Slot> = roots.to_vec();
        while let Some(s) = stack.pop() {
            let i = s as usize;
            if needed[i] || self.levels[i] < Level::Context {
                continue;
            }
            needed[i] = true;
            self.ops[i].for_each_operand(|o| stack.push(o));
        }
        let mut segment = Segment::default();
        for (i, _) in needed.iter().enumerate().filter(|(_, n)| **n) {
            match self.levels[i] {
                Level::Duration => segment.duration.push(i as Slot),
                _ => segment.context.push(i as Slot),
            }
        }
        segment
    }

    /// Resets `slots` to this program's numbers and computes the nodes of the parameters.
    pub fn run_iteration(&self, params: &[f64], slots: &mut Vec<f64>) {
        slots.clear();
        slots.extend_from_slice(&self.initial);
        let cx = EvalContext::of_parameters(params, 0);
        for &s in &self.iteration {
            slots[s as usize] = self.ops[s as usize].apply(&cx, slots);
        }
    }

    /// Computes the context's operations of `segment` in `cx` (after [`Program::run_iteration`]).
    pub fn run_context(&self, segment: &Segment, cx: &EvalContext, slots: &mut [f64]) {
        self.run(&segment.context, cx, slots);
    }

    /// Computes the duration's operations of `segment` in `cx` (after
    /// [`Program::run_context`] in the same arm, subgroup and year).
    pub fn run_duration(&self, segment: &Segment, cx: &EvalContext, slots: &mut [f64]) {
        self.run(&segment.duration, cx, slots);
    }

    fn run(&self, ops: &[Slot], cx: &EvalContext, slots: &mut [f64]) {
        for &s in ops {
            slots[s as usize] = self.ops[s as usize].apply(cx, slots);
        }
    }
}

impl Compiler {
    /// The slot of `e`, compiling it (children first) if it is new.
    fn slot(&mut self, e: &Expr) -> Slot {
        let key = Arc::as_ptr(&e.0);
        if let Some(&s) = self.by_node.get(&key) {
            return s;
        }
        let op = match e.node() {
            Node::Const(v) => Op::Const(v.to_bits()),
            Node::Param { index, .. } => Op::Param(*index as u32),
            Node::Year => Op::Year,
            Node::TimeInState => Op::TimeInState,
            Node::EpisodeTime { episode, .. } => Op::EpisodeTime(*episode as u32),
            Node::Age => Op::Age,
            Node::Attribute { index, .. } => Op::Attribute(*index as u32),
            Node::ArmIs { arm, .. } => Op::ArmIs(*arm as u32),
            Node::Treated => Op::Treated,
            Node::InSubgroup { group, .. } => Op::InSubgroup(*group as u32),
            Node::YearsSinceEnd => Op::YearsSinceEnd,
            Node::Effect {
                multiplier,
                dropoff,
                arm,
            } => Op::Effect {
                multiplier: self.slot(multiplier),
                dropoff: self.slot(dropoff),
                arm: arm.as_ref().map(|(a, _)| *a as u32),
            },
            Node::Unary(op, a) => Op::Unary(*op, self.slot(a)),
            Node::Binary(op, a, b) => {
                let (a, b) = (self.slot(a), self.slot(b));
                Op::Binary(*op, a, b)
            }
            Node::IfElse(c, a, b) => {
                let (c, a, b) = (self.slot(c), self.slot(a), self.slot(b));
                Op::IfElse(c, a, b)
            }
            Node::Lookup(values, index) => {
                let values = values.iter().map(|v| self.slot(v)).collect();
                Op::Lookup(values, self.slot(index))
            }
        };
        let s = match self.by_op.get(&op) {
            Some(&s) => s,
            None => self.push(op),
        };
        self.by_node.insert(key, s);
        s
    }

    fn push(&mut self, op: Op) -> Slot {
        let p = &mut self.program;
        let own = match op {
            Op::Const(_) => Level::Constant,
            Op::Param(_) => Level::Iteration,
            Op::TimeInState | Op::EpisodeTime(_) => Level::Duration,
            Op::Effect { .. }
            | Op::Year
            | Op::Age
            | Op::Attribute(_)
            | Op::ArmIs(_)
            | Op::Treated
            | Op::InSubgroup(_)
            | Op::YearsSinceEnd => Level::Context,
            _ => Level::Constant,
        };
        let mut level = own;
        op.for_each_operand(|o| level = level.max(p.levels[o as usize]));
        let value = match level {
            // No context is read: any context gives the value.
            Level::Constant => op.apply(&EvalContext::of_parameters(&[], 0), &p.initial),
            _ => 0.0,
        };
        let s = p.ops.len() as Slot;
        p.ops.push(op.clone());
        p.levels.push(level);
        p.initial.push(value);
        self.by_op.insert(op, s);
        s
    }
}

impl Op {
    fn for_each_operand(&self, mut f: impl FnMut(Slot)) {
        match self {
            Op::Effect {
                multiplier: a,
                dropoff: b,
                ..
            }
            | Op::Binary(_, a, b) => {
                f(*a);
                f(*b);
            }
            Op::Unary(_, a) => f(*a),
            Op::IfElse(c, a, b) => {
                f(*c);
                f(*a);
                f(*b);
            }
            Op::Lookup(values, index) => {
                values.iter().for_each(|&v| f(v));
                f(*index);
            }
            _ => {}
        }
    }

    /// This operation's value in `cx`, its operands read from `slots`; the same as
    /// [`Expr::eval`] of its node.
    #[inline(always)]
    fn apply(&self, cx: &EvalContext, slots: &[f64]) -> f64 {
        let at = |s: &Slot| slots[*s as usize];
        match self {
            Op::Const(bits) => f64::from_bits(*bits),
            Op::Param(index) => cx.params[*index as usize],
            Op::Year => f64::from(cx.year),
            Op::TimeInState => f64::from(cx.time_in_state),
            Op::EpisodeTime(e) => f64::from(cx.episode_time.get(*e as usize).copied().unwrap_or(0)),
            Op::Age => cx.age,
            Op::Attribute(index) => cx
                .attributes
                .get(*index as usize)
                .copied()
                .unwrap_or(f64::NAN),
            Op::ArmIs(arm) => bool_value(cx.arm == *arm as usize),
            Op::Treated => bool_value(cx.arm != 0),
            Op::InSubgroup(group) => bool_value(cx.subgroup == *group as usize),
            Op::YearsSinceEnd => f64::from(years_since_end(cx)),
            Op::Effect {
                multiplier,
                dropoff,
                arm,
            } => match cx.program {
                _ if arm.is_some_and(|a| a as usize != cx.arm) => 1.0,
                Some((start, end)) if cx.year >= start => {
                    let m = at(multiplier);
                    if cx.year < end {
                        m
                    } else {
                        let k = years_since_end(cx) as i32;
                        1.0 + (m - 1.0) * (1.0 - at(dropoff)).powi(k)
                    }
                }
                _ => 1.0,
            },
            Op::Unary(op, a) => apply_unary(*op, at(a)),
            Op::Binary(op, a, b) => apply_binary(*op, at(a), at(b)),
            Op::IfElse(c, a, b) => {
                let c = at(c);
                if c.is_nan() {
                    f64::NAN
                } else if c != 0.0 {
                    at(a)
                } else {
                    at(b)
                }
            }
            Op::Lookup(values, index) => match lookup_position(at(index), values.len()) {
                Some(k) => at(&values[k]),
                None => f64::NAN,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(index: usize) -> Expr {
        Expr::new(Node::Param {
            index,
            name: format!("p{index}"),
        })
    }

    fn cx<'a>(params: &'a [f64], year: u32, arm: usize, tis: u32) -> EvalContext<'a> {
        EvalContext {
            params,
            year,
            time_in_state: tis,
            episode_time: &[],
            attributes: &[],
            age: 13.0 + f64::from(year),
            arm,
            subgroup: 1,
            program: if arm == 0 { None } else { Some((1, 3)) },
        }
    }

    /// A formula of every kind of node: parameters, context, duration, branches and an effect.
    fn formulas() -> Vec<Expr> {
        let year = Expr::new(Node::Year);
        let adult = Expr::binary(BinaryOp::Ge, year.clone(), Expr::constant(3.0));
        let p = Expr::binary(BinaryOp::Mul, param(0), param(1));
        let effect = Expr::new(Node::Effect {
            multiplier: param(1),
            dropoff: Expr::binary(BinaryOp::Div, param(0), Expr::constant(4.0)),
            arm: None,
        });
        let placed = Expr::new(Node::IfElse(
            adult.clone(),
            Expr::constant(0.0),
            Expr::binary(BinaryOp::OddsRatio, p.clone(), effect),
        ));
        let tis = Expr::binary(
            BinaryOp::Min,
            Expr::binary(BinaryOp::Mul, Expr::new(Node::TimeInState), p.clone()),
            Expr::constant(0.9),
        );
        let series = Expr::new(Node::Lookup(
            vec![param(0), Expr::constant(0.2), p.clone()],
            year.clone(),
        ));
        let age = Expr::unary(
            UnaryOp::Ln,
            Expr::binary(BinaryOp::Sub, Expr::new(Node::Age), Expr::constant(16.0)),
        );
        // The same operation recorded twice shares a slot.
        let again = Expr::binary(BinaryOp::Mul, param(0), param(1));
        vec![placed, tis, series, age, again, p]
    }

    #[test]
    fn compiled_formulas_equal_the_recorded_ones_bit_for_bit() {
        let formulas = formulas();
        let (program, roots) = Program::compile(&formulas);
        assert_eq!(roots[4], roots[5], "equal operations share a slot");
        assert_eq!(program.level(roots[5]), Level::Iteration);
        assert_eq!(program.level(roots[0]), Level::Context);
        assert_eq!(program.level(roots[1]), Level::Duration);
        let segment = program.segment(&roots);
        assert!(!segment.duration.is_empty());
        let mut slots = Vec::new();
        for params in [[0.2, 0.7], [0.0, 0.0], [f64::NAN, 2.0]] {
            program.run_iteration(&params, &mut slots);
            for arm in 0..2 {
                for year in 0..6 {
                    program.run_context(&segment, &cx(&params, year, arm, 1), &mut slots);
                    for tis in 1..4 {
                        let cx = cx(&params, year, arm, tis);
                        program.run_duration(&segment, &cx, &mut slots);
                        for (e, &root) in formulas.iter().zip(&roots) {
                            let (want, got) = (e.eval(&cx), slots[root as usize]);
                            assert_eq!(want.to_bits(), got.to_bits(), "{e} in {year} {arm} {tis}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_segment_holds_only_what_its_formulas_read_beyond_the_iteration() {
        let formulas = formulas();
        let (program, roots) = Program::compile(&formulas);
        assert!(program.segment(&roots[4..]).context.is_empty());
        let series = program.segment(&roots[2..3]);
        assert!(series.duration.is_empty());
        assert_eq!(series.context.len(), 2, "the year and the lookup");
    }
}
