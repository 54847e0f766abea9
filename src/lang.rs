//! The interface languages the generator knows: their codes, names and locales. The only
//! place that lists them; everything else matches on [`Lang`], so a new language is a list of
//! compile errors (its month names, number format, string table...), not a search for "fr".
//! Knows nothing of the site: which languages a site uses, and in what order, is `config`'s.

use std::fmt;

/// An interface language. Serialises as its code (`en`, `fr`), the text templates, the search
/// index and URLs see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// Every language with a string table in the built-in theme, in code order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The code in file names (`about.fr.md`), URLs (`/fr/`) and `site.yaml`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language a code names, if the generator knows it.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's name in itself, for the language switch.
    pub const fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// The language's name in English, for messages to editors.
    pub const fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "French",
        }
    }

    /// The name of `month` (1 to 12), as written inside a sentence (`novembre`, `November`).
    pub fn month_name(self, month: i8) -> &'static str {
        let names = match self {
            Lang::En => &MONTHS_EN,
            Lang::Fr => &MONTHS_FR,
        };
        names[(month.clamp(1, 12) - 1) as usize]
    }

    /// The Open Graph locale.
    pub const fn locale(self) -> &'static str {
        match self {
            Lang::En => "en_CA",
            Lang::Fr => "fr_CA",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `en, fr`: a list of languages as messages show it.
pub fn codes(langs: &[Lang]) -> String {
    langs.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn codes_round_trip_and_serialise_as_the_code() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(
                serde_json::to_string(&lang).unwrap(),
                format!("\"{}\"", lang.code())
            );
            assert_eq!(lang.to_string(), lang.code());
        }
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::from_code("EN"), None);
    }

    #[test]
    fn all_is_in_code_order_so_sorting_by_lang_sorts_as_the_codes_did() {
        let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(Lang::En < Lang::Fr);
    }
}
