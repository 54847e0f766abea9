//! The one text normalisation of search, used on every field the indexer reads (and by the
//! content stage, to check the editors' synonym groups as the index will read them). The browser
//! client (`themes/default/static/search.js`) applies the same steps to what the reader types;
//! the vectors in `tests/fixtures/normalize.json` are checked against both, so the two cannot
//! drift. The stop words reach the client through the index manifest, so there is one list.
//!
//! The steps: compatibility decomposition (NFKD), removal of every combining mark (accent
//! folding: é -> e, ç -> c), lower case, then a few letters that have no decomposition
//! (ß, œ, æ, ø, ł, đ); split into runs of letters and digits; drop runs longer than
//! [`MAX_TERM_CHARS`] (addresses, hashes) and English and French stop words; then reduce each
//! word to its stem ([`stem`]), so that the forms of a word find each other. Numbers are kept,
//! so a NOC code is a term like any word.

use std::borrow::Cow;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Longer runs are not words a reader types (URLs, identifiers) and would bloat the index.
pub const MAX_TERM_CHARS: usize = 40;

/// Declares the stop word list once, both as the list the manifest carries to the client and
/// as a `match` (compiled to length-then-bytes checks: the binary search it replaces was a fifth
/// of index build time).
macro_rules! stop_words {
    ($($w:literal),* $(,)?) => {
        /// English and French function words, already folded, sorted. Words that also name
        /// things readers look for are left out on purpose: "can" (as in IEHP-CAN), "who",
        /// "it", "us".
        pub const STOP_WORDS: &[&str] = &[$($w),*];

        /// Whether a folded word is a stop word.
        pub fn is_stop_word(word: &str) -> bool {
            matches!(word, $($w)|*)
        }
    };
}

stop_words![
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "au", "aussi",
    "autre", "autres", "aux", "avec", "be", "been", "before", "being", "both", "but", "by", "c", "car", "ce",
    "ces", "cet", "cette", "chez", "comme", "d", "dans", "de", "des", "did", "do", "does", "donc", "dont",
    "du", "each", "elle", "elles", "en", "entre", "est", "et", "etaient", "etait", "etre", "eu", "from",
    "had", "has", "have", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "il", "ils", "in",
    "into", "is", "its", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me",
    "meme", "mes", "moi", "mon", "my", "n", "ne", "ni", "nos", "notre", "nous", "of", "on", "ont", "or",
    "ou", "our", "ours", "par", "pas", "pour", "qu", "que", "quel", "quelle", "qui", "s", "sa", "sans", "se",
    "ses", "she", "si", "so", "son", "sont", "sous", "sur", "t", "ta", "te", "tes", "than", "that", "the",
    "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "to", "toi", "ton", "tu",
    "un", "une", "vers", "vos", "votre", "vous", "was", "we", "were", "what", "when", "where", "which",
    "while", "will", "with", "y", "you", "your", "yours",
];

/// Letters that NFKD does not decompose but that readers type without: `straße` = `strasse`,
/// `cœur` = `coeur`.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        _ => return None,
    })
}

/// Case and accent folding of a whole text (word boundaries kept).
pub fn fold(text: &str) -> String {
    // Most of the hub is ASCII, for which all of the below is just lower-casing.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // NFKD char by char, dropping marks (the canonical reordering NFKD also does moves only
    // marks, which are all dropped), then each char lower-cased and the special letters
    // spelled out, in one pass. Char by char lower case is the text's lower case except for
    // one letter: a capital sigma becomes a final sigma at the end of a word, which only the
    // whole text's `to_lowercase` knows; a text with one is folded by `fold_in_steps`.
    let mut out = String::with_capacity(text.len() + 4);
    let mut sigma = false;
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            sigma |= d == 'Σ';
            for l in d.to_lowercase() {
                match special(l) {
                    Some(s) => out.push_str(s),
                    None => out.push(l),
                }
            }
        });
    }
    if sigma { fold_in_steps(text) } else { out }
}

/// [`fold`] step by step: marks dropped, the whole text lower-cased, special letters spelled
/// out.
fn fold_in_steps(text: &str) -> String {
    let mut stripped = String::with_capacity(text.len());
    for c in text.chars() {
        decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                stripped.push(d);
            }
        });
    }
    let mut out = String::with_capacity(stripped.len() + 4);
    for c in stripped.to_lowercase().chars() {
        match special(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// Light stemming for English and French, on a folded word: the forms readers type of one word
/// come out the same (nurse, nurses, nursing -> `nurs`; infirmier, infirmière, infirmières ->
/// `infirmier`; physiothérapeute, physiothérapeutes -> `physiotherapeut`; pharmacy, pharmacies,
/// pharmacie -> `pharmaci`). Stems are index keys, never shown. One rule set serves both
/// languages, because a document holds both and a query's language is not known. Only words of
/// four letters or more made of `a`-`z` alone are touched (codes, numbers and other scripts are
/// kept as they are), and no rule leaves fewer than three letters. In order, at most one rule of
/// each step:
///
/// 1. plural: `-ies` -> `-i`; `-aux` -> `-al` (médicaux); `-eaux` -> `-eau`; `-s` unless the word
///    ends in `-ss`, `-us` or `-is` (process, status, analysis);
/// 2. English endings: `-ing`, `-ed` (`-ied` -> `-i`);
/// 3. French feminine: `-iere` -> `-ier`, `-ienne` -> `-ien`, `-trice` -> `-teur`,
///    `-euse` -> `-eur`, `-ee` -> `-e`;
/// 4. a final `-e` goes (nurse/nurses, autorisé/autorisée); a final `-y` after a consonant
///    becomes `-i` (therapy/therapies/thérapie).
///
/// `themes/default/static/search.js` applies the same rules to what the reader types;
/// `tests/fixtures/stems.json` holds the table both are checked against.
pub fn stem(word: &str) -> Cow<'_, str> {
    let mut w = String::new();
    if stem_into(word, &mut w) {
        Cow::Owned(w)
    } else {
        Cow::Borrowed(word)
    }
}

/// [`stem`], written into `w` (cleared first) when a rule applies: says whether one did. The
/// indexer stems millions of words, most of which no rule changes, so it reuses one buffer.
fn stem_into(word: &str, w: &mut String) -> bool {
    let n = word.len();
    if n < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    w.clear();
    w.push_str(word);
    let ends = |w: &str, s: &str| w.len() >= s.len() + 3 && w.ends_with(s);
    let swap = |w: &mut String, cut: usize, add: &str| {
        w.truncate(w.len() - cut);
        w.push_str(add);
    };
    // 1. Plurals.
    if ends(w, "ies") {
        swap(w, 3, "i");
    } else if ends(w, "eaux") {
        w.pop();
    } else if ends(w, "aux") {
        swap(w, 3, "al");
    } else if w.ends_with('s') && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is")) {
        w.pop();
    }
    // 2. English endings.
    if ends(w, "ied") {
        swap(w, 3, "i");
    } else if ends(w, "ing") {
        swap(w, 3, "");
    } else if ends(w, "ed") && !w.ends_with("eed") {
        swap(w, 2, "");
    }
    // 3. French feminine forms.
    if ends(w, "iere") {
        swap(w, 4, "ier");
    } else if ends(w, "ienne") {
        swap(w, 5, "ien");
    } else if ends(w, "trice") {
        swap(w, 5, "teur");
    } else if ends(w, "euse") {
        swap(w, 4, "eur");
    } else if ends(w, "ee") {
        w.pop();
    }
    // 4. Final e and y.
    if ends(w, "e") {
        w.pop();
    } else if ends(w, "y") && !matches!(w.as_bytes()[w.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u') {
        swap(w, 1, "i");
    }
    w != word
}

/// The words of `text` that are search terms, folded but not yet stemmed, in order.
fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let folded = fold(text);
    for word in folded.split(|c: char| !(c.is_alphabetic() || c.is_numeric())) {
        if word.is_empty()
            || (word.len() > MAX_TERM_CHARS && word.chars().count() > MAX_TERM_CHARS)
            || is_stop_word(word)
        {
            continue;
        }
        each(word);
    }
}

/// Calls `each` with every search term of `text`, in order (repeats included).
pub fn for_each_term(text: &str, mut each: impl FnMut(&str)) {
    let mut stemmed = String::new();
    for_each_word(text, |word| {
        if stem_into(word, &mut stemmed) {
            each(&stemmed);
        } else {
            each(word);
        }
    });
}

/// How many search terms `text` has (stemming changes words, never their number).
pub fn count_terms(text: &str) -> usize {
    let mut n = 0;
    for_each_word(text, |_| n += 1);
    n
}

/// Every search term of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(text: &str, expected: &[&str]) {
        assert_eq!(terms(text), expected, "terms of {text:?}");
    }

    #[test]
    fn folding_case_and_accents() {
        case("Montréal", &["montreal"]);
        case("MONTRÉAL", &["montreal"]);
        case("santé", &["sant"]);
        case("Français", &["francais"]);
        case("Île-du-Prince-Édouard", &["ile", "princ", "edouard"]);
        case("cœur Straße", &["coeur", "strass"]);
        case("ﬁnance", &["financ"]);
    }

    #[test]
    fn folding_in_one_pass_equals_folding_in_steps() {
        // Texts without a capital sigma (one with it is folded in steps, so comparing the two
        // ways on it could not fail).
        for text in [
            "Île-du-Prince-Édouard ÉCOLE ﬁnance Straße ẞ CŒUR Æ Ø Ł Đ İstanbul",
            "ΟΔΟΙ ΑΘΗΝΑ 𝚨 Ǆ ǅ ß",
            "infirmière auxiliaire autorisée, ½ ① ㎏",
        ] {
            assert_eq!(fold(text), fold_in_steps(text), "{text}");
        }
        assert_eq!(fold("ΟΔΟΣ"), "οδος", "a final sigma at the end of a word");
        assert_eq!(fold("ΟΔΟ𝚺"), "οδος", "a capital sigma only decomposition shows");
        assert_eq!(fold("ΣΑ 𝚺Α"), "σα σα", "a capital sigma elsewhere");
    }

    #[test]
    fn numbers_are_kept() {
        case("NOC 31301", &["noc", "31301"]);
        case("COVID-19, 2020", &["covid", "19", "2020"]);
    }

    #[test]
    fn stop_words_in_both_languages() {
        case("the nurses of Ontario", &["nurs", "ontario"]);
        case(
            "l'infirmière et les soins à domicile",
            &["infirmier", "soin", "domicil"],
        );
        case("IEHP-CAN", &["iehp", "can"]);
    }

    #[test]
    fn overlong_runs_are_dropped() {
        let long = "x".repeat(MAX_TERM_CHARS + 1);
        case(&format!("a {long} b2"), &["b2"]);
    }

    #[test]
    fn stop_words_are_sorted_and_folded() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        for w in STOP_WORDS {
            assert_eq!(fold(w), *w);
            assert!(is_stop_word(w));
        }
        assert!(!is_stop_word("nurse") && !is_stop_word("can") && !is_stop_word(""));
    }

    /// The char-by-char decomposition equals the whole-string NFKD it stands for.
    #[test]
    fn folding_equals_nfkd_without_marks() {
        use unicode_normalization::UnicodeNormalization;
        for text in [
            "Île-du-Prince-Édouard",
            "ǅemal Ñandú",
            "한국어 Ｑｕéｂｅｃ",
            "e\u{301}\u{327}x",
            "ΆΣΟΣ",
        ] {
            let reference: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect();
            assert_eq!(fold(text), fold(&reference), "{text}");
        }
    }

    #[test]
    fn word_forms_share_a_stem() {
        case("nurse nurses nursing", &["nurs", "nurs", "nurs"]);
        case(
            "infirmier infirmière infirmières",
            &["infirmier", "infirmier", "infirmier"],
        );
        case(
            "physiothérapeute physiothérapeutes",
            &["physiotherapeut", "physiotherapeut"],
        );
        case("NOC 31301 RN IENs", &["noc", "31301", "rn", "ien"]);
    }

    /// The stems the browser client is tested against too (tests/search/normalize.test.mjs).
    #[test]
    fn shared_stems_with_the_client() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stems.json");
        let text = std::fs::read_to_string(path).expect("tests/fixtures/stems.json");
        let table: Vec<(String, String)> = serde_json::from_str(&text).expect("valid JSON");
        assert!(table.len() >= 60);
        for (word, expected) in table {
            assert_eq!(stem(&word), expected, "stem of {word:?}");
        }
    }

    /// The vectors the browser client is tested against too (tests/search/normalize.test.mjs).
    #[test]
    fn shared_vectors_with_the_client() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/normalize.json");
        let text = std::fs::read_to_string(path).expect("tests/fixtures/normalize.json");
        let vectors: Vec<(String, Vec<String>)> = serde_json::from_str(&text).expect("valid JSON");
        assert!(vectors.len() >= 20);
        for (input, expected) in vectors {
            assert_eq!(terms(&input), expected, "terms of {input:?}");
        }
    }
}
