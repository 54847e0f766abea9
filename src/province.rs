//! Canadian provinces and territories, and `CA` for national items: codes, names in each
//! language, and the lookup by name that field checks use for a "did you mean".

use crate::lang::Lang;

/// Canadian provinces and territories, and `CA` for national items. Declared in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Province {
    CA,
    AB,
    BC,
    MB,
    NB,
    NL,
    NS,
    NT,
    NU,
    ON,
    PE,
    QC,
    SK,
    YT,
}

impl Province {
    pub const ALL: [Province; 14] = [
        Province::CA,
        Province::AB,
        Province::BC,
        Province::MB,
        Province::NB,
        Province::NL,
        Province::NS,
        Province::NT,
        Province::NU,
        Province::ON,
        Province::PE,
        Province::QC,
        Province::SK,
        Province::YT,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Province::CA => "CA",
            Province::AB => "AB",
            Province::BC => "BC",
            Province::MB => "MB",
            Province::NB => "NB",
            Province::NL => "NL",
            Province::NS => "NS",
            Province::NT => "NT",
            Province::NU => "NU",
            Province::ON => "ON",
            Province::PE => "PE",
            Province::QC => "QC",
            Province::SK => "SK",
            Province::YT => "YT",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        let (en, fr) = match self {
            Province::CA => ("Across Canada", "Partout au Canada"),
            Province::AB => ("Alberta", "Alberta"),
            Province::BC => ("British Columbia", "Colombie-Britannique"),
            Province::MB => ("Manitoba", "Manitoba"),
            Province::NB => ("New Brunswick", "Nouveau-Brunswick"),
            Province::NL => ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
            Province::NS => ("Nova Scotia", "Nouvelle-Écosse"),
            Province::NT => ("Northwest Territories", "Territoires du Nord-Ouest"),
            Province::NU => ("Nunavut", "Nunavut"),
            Province::ON => ("Ontario", "Ontario"),
            Province::PE => ("Prince Edward Island", "Île-du-Prince-Édouard"),
            Province::QC => ("Quebec", "Québec"),
            Province::SK => ("Saskatchewan", "Saskatchewan"),
            Province::YT => ("Yukon", "Yukon"),
        };
        match lang {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// The province or territory a name in English or French stands for (`Ontario`, `québec`,
    /// `Colombie-Britannique`, `PEI`), ignoring case, accents, hyphens and extra spaces.
    pub fn from_name(name: &str) -> Option<Province> {
        fn fold(s: &str) -> String {
            use unicode_normalization::UnicodeNormalization;
            s.nfd()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '-')
                .map(|c| if c == '-' { ' ' } else { c.to_ascii_lowercase() })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        }
        let wanted = fold(name);
        if wanted.is_empty() {
            return None;
        }
        let extra: &[(&str, Province)] = &[
            ("pei", Province::PE),
            ("canada", Province::CA),
            ("national", Province::CA),
            ("nationwide", Province::CA),
            ("newfoundland", Province::NL),
            ("labrador", Province::NL),
            ("nwt", Province::NT),
            ("yukon territory", Province::YT),
        ];
        Self::ALL
            .iter()
            .find(|p| Lang::ALL.iter().any(|&l| fold(p.name(l)) == wanted))
            .copied()
            .or_else(|| extra.iter().find(|(n, _)| *n == wanted).map(|(_, p)| *p))
    }

    pub fn choices() -> Vec<(&'static str, Province)> {
        Self::ALL.iter().map(|p| (p.code(), *p)).collect()
    }
}
