//! A SMILES writer for [`AtomGraph`]s.

use super::AtomGraph;

/// Writes a connected [`AtomGraph`] as Kekulé SMILES by depth-first search from atom `root`.
///
/// Every atom is an organic-subset atom written without brackets, so readers add implicit
/// hydrogens by the default valences (unused attachment points become hydrogens). Ring-closure
/// digits are reused once closed (`%nn` above 9).
pub fn write_smiles(g: &AtomGraph, root: usize) -> String {
    if g.atoms.is_empty() {
        return String::new();
    }
    let n = g.atoms.len();
    // Pass 1: DFS tree (children in neighbour order) and ring-closure bonds.
    let mut visited = vec![false; n];
    let mut children: Vec<Vec<(usize, u8)>> = vec![Vec::new(); n];
    let mut closures: Vec<Vec<(usize, u8)>> = vec![Vec::new(); n];
    let mut used_bond = vec![false; g.bonds.len()];
    dfs(
        g,
        root,
        &mut visited,
        &mut children,
        &mut closures,
        &mut used_bond,
    );
    // Pass 2: emit in preorder.
    let mut out = String::new();
    let mut open: Vec<Option<(usize, usize)>> = Vec::new(); // digit -> (from, to) ring bond
    emit(g, root, &children, &closures, &mut open, &mut out);
    out
}

fn dfs(
    g: &AtomGraph,
    v: usize,
    visited: &mut [bool],
    children: &mut [Vec<(usize, u8)>],
    closures: &mut [Vec<(usize, u8)>],
    used_bond: &mut [bool],
) {
    visited[v] = true;
    for (k, &(a, b, o)) in g.bonds.iter().enumerate() {
        if used_bond[k] || (a != v && b != v) {
            continue;
        }
        used_bond[k] = true;
        let w = if a == v { b } else { a };
        if visited[w] {
            // A ring bond: both ends list it; the end written first opens it.
            closures[v].push((w, o));
            closures[w].push((v, o));
        } else {
            children[v].push((w, o));
            dfs(g, w, visited, children, closures, used_bond);
        }
    }
}

fn bond_symbol(order: u8) -> &'static str {
    match order {
        2 => "=",
        3 => "#",
        _ => "",
    }
}

fn emit(
    g: &AtomGraph,
    v: usize,
    children: &[Vec<(usize, u8)>],
    closures: &[Vec<(usize, u8)>],
    open: &mut Vec<Option<(usize, usize)>>,
    out: &mut String,
) {
    out.push_str(g.atoms[v]);
    for &(w, o) in &closures[v] {
        let digit = match open.iter().position(|slot| *slot == Some((w, v))) {
            Some(d) => {
                open[d] = None;
                d
            }
            None => {
                let d = open
                    .iter()
                    .skip(1)
                    .position(Option::is_none)
                    .map_or(open.len().max(1), |d| d + 1);
                if d >= open.len() {
                    open.resize(d + 1, None);
                }
                open[d] = Some((v, w));
                out.push_str(bond_symbol(o));
                d
            }
        };
        if digit < 10 {
            out.push_str(&digit.to_string());
        } else {
            out.push_str(&format!("%{digit}"));
        }
    }
    let last = children[v].len().saturating_sub(1);
    for (k, &(w, o)) in children[v].iter().enumerate() {
        if k < last {
            out.push('(');
        }
        out.push_str(bond_symbol(o));
        emit(g, w, children, closures, open, out);
        if k < last {
            out.push(')');
        }
    }
}
