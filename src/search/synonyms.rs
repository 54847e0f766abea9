//! The synonym groups of `data/synonyms.yaml` as search terms, expanded on the index side (see
//! [`Synonyms`]). Knows nothing of documents or weights beyond [`SYNONYM_WEIGHT`].

use std::collections::HashMap;

use crate::content::model::SynonymGroup;
use crate::normalize::terms;

/// What a synonym found in a field weighs beside the word itself (see [`Synonyms`]).
pub const SYNONYM_WEIGHT: f64 = 0.6;

/// The synonym groups of `data/synonyms.yaml` as search terms. Expanded on the index side: a
/// field that says one word or phrase of a group also counts, at [`SYNONYM_WEIGHT`], as saying
/// every other (each term of a phrase), so a query needs no extra download to find them and
/// the word typed always weighs more than its synonyms.
#[derive(Debug, Default)]
pub struct Synonyms {
    /// Per group, per member: its terms.
    groups: Vec<Vec<Vec<String>>>,
    /// First term of a member -> (group, member).
    starts: HashMap<String, Vec<(usize, usize)>>,
}

impl Synonyms {
    pub fn new(groups: &[SynonymGroup]) -> Self {
        let mut out = Synonyms::default();
        for (g, group) in groups.iter().enumerate() {
            let members: Vec<Vec<String>> = group
                .words
                .iter()
                .map(|w| terms(w))
                .filter(|t| !t.is_empty())
                .collect();
            for (m, member) in members.iter().enumerate() {
                out.starts.entry(member[0].clone()).or_default().push((g, m));
            }
            out.groups.push(members);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Calls `each` with every term that `words` (a field's terms, in order) says through a
    /// synonym: for each member of a group found at a position, the terms of the group's other
    /// members (not those of the member found).
    pub(super) fn expand(&self, words: &[String], mut each: impl FnMut(&str)) {
        for (i, w) in words.iter().enumerate() {
            let Some(found) = self.starts.get(w) else {
                continue;
            };
            for &(g, m) in found {
                let member = &self.groups[g][m];
                if words.len() - i < member.len() || words[i..i + member.len()] != member[..] {
                    continue;
                }
                for (k, other) in self.groups[g].iter().enumerate() {
                    if k == m {
                        continue;
                    }
                    for t in other {
                        if !member.contains(t) {
                            each(t);
                        }
                    }
                }
            }
        }
    }
}
