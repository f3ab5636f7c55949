//! A reader for the SMILES subset of fragment vocabularies.

use super::AtomGraph;
use super::atoms::ELEMENTS;
use crate::EnvError;

/// Parses Kekulé SMILES made of organic-subset atoms without brackets (`B C N O P S F Cl Br I`)
/// and `*` placeholders, bonds `- = #`, branches and ring-closure digits `1`–`9`.
///
/// This is all a fragment vocabulary needs; full SMILES (aromatic atoms, brackets, charges,
/// stereo) is rejected with an error.
pub fn read_smiles(smiles: &str) -> Result<AtomGraph, EnvError> {
    let err = |msg: String| EnvError::InvalidArgument(format!("SMILES `{smiles}`: {msg}"));
    let mut g = AtomGraph::default();
    let mut stack: Vec<usize> = Vec::new();
    let mut prev: Option<usize> = None;
    let mut order = 1u8;
    let mut rings: [Option<(usize, u8)>; 10] = [None; 10];
    let mut rest = smiles;
    while let Some(c) = rest.chars().next() {
        match c {
            '-' | '=' | '#' => {
                order = match c {
                    '-' => 1,
                    '=' => 2,
                    _ => 3,
                };
                rest = &rest[1..];
            }
            '(' => {
                stack.push(prev.ok_or_else(|| err("branch before any atom".into()))?);
                rest = &rest[1..];
            }
            ')' => {
                prev = Some(stack.pop().ok_or_else(|| err("unbalanced `)`".into()))?);
                rest = &rest[1..];
            }
            '1'..='9' => {
                let atom = prev.ok_or_else(|| err("ring bond before any atom".into()))?;
                let digit = c as usize - '0' as usize;
                match rings[digit].take() {
                    Some((other, open_order)) => g.bonds.push((other, atom, open_order.max(order))),
                    None => rings[digit] = Some((atom, order)),
                }
                order = 1;
                rest = &rest[1..];
            }
            _ => {
                let (sym, _) = ELEMENTS
                    .iter()
                    .find(|(sym, _)| rest.starts_with(sym))
                    .ok_or_else(|| err(format!("unsupported character `{c}`")))?;
                let atom = g.atoms.len();
                g.atoms.push(sym);
                if let Some(p) = prev {
                    g.bonds.push((p, atom, order));
                }
                prev = Some(atom);
                order = 1;
                rest = &rest[sym.len()..];
            }
        }
    }
    if !stack.is_empty() || rings.iter().any(Option::is_some) {
        return Err(err("unclosed branch or ring".into()));
    }
    for i in 0..g.atoms.len() {
        g.implicit_h(i).map_err(|e| err(e.to_string()))?;
    }
    Ok(g)
}
