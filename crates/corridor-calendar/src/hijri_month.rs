//! The twelve lunar Hijri months and their names.

use std::fmt;
use std::str::FromStr;

use crate::CalendarError;

/// A month of the lunar Hijri (Islamic) year, numbered 1 (Muharram) to 12 (Dhu al-Hijjah).
///
/// Months have 29 or 30 days; which ones depends on the rule (see [`HijriDate`]).
/// `Display` writes the transliteration; `FromStr` reads it, common variant spellings
/// ("Zul Hijjah", "Rabi' al-Akhir", "Ramazan", ...) and the Arabic-script or Persian-script
/// name, ignoring case, spaces, hyphens and apostrophes.
///
/// [`HijriDate`]: crate::HijriDate
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HijriMonth {
    /// Month 1, محرم; Ashura is 10 Muharram.
    Muharram = 1,
    /// Month 2, صفر; Arbaeen is 20 Safar.
    Safar = 2,
    /// Month 3, ربيع الأول.
    RabiAlAwwal = 3,
    /// Month 4, ربيع الآخر (also Rabi al-Akhir, Rabi II).
    RabiAlThani = 4,
    /// Month 5, جمادى الأولى (also Jumada al-Ula, Jumada I).
    JumadaAlAwwal = 5,
    /// Month 6, جمادى الآخرة (also Jumada al-Akhirah, Jumada II).
    JumadaAlThani = 6,
    /// Month 7, رجب.
    Rajab = 7,
    /// Month 8, شعبان.
    Shaban = 8,
    /// Month 9, رمضان, the month of fasting.
    Ramadan = 9,
    /// Month 10, شوال; Eid al-Fitr is 1 Shawwal.
    Shawwal = 10,
    /// Month 11, ذو القعدة.
    DhuAlQadah = 11,
    /// Month 12, ذو الحجة, the month of the Hajj; Eid al-Adha is 10 Dhu al-Hijjah.
    DhuAlHijjah = 12,
}

/// Each month with its transliteration, its Arabic-script name and the other spellings the
/// parser accepts (compared after [`normalize`]). In month order.
const NAMES: [(HijriMonth, &str, &str, &[&str]); 12] = [
    (
        HijriMonth::Muharram,
        "Muharram",
        "محرم",
        &["Moharram", "Muharam", "Muharram al-Haram", "محرم الحرام"],
    ),
    (HijriMonth::Safar, "Safar", "صفر", &["Safar al-Muzaffar"]),
    (
        HijriMonth::RabiAlAwwal,
        "Rabi al-Awwal",
        "ربيع الأول",
        &["Rabi ul-Awwal", "Rabi al-Avval", "Rabi I", "Rabiul Awal"],
    ),
    (
        HijriMonth::RabiAlThani,
        "Rabi al-Thani",
        "ربيع الآخر",
        &[
            "Rabi al-Akhir",
            "Rabi ul-Akhir",
            "Rabi ul-Thani",
            "Rabi al-Sani",
            "Rabi us-Sani",
            "Rabi II",
            "ربيع الثاني",
        ],
    ),
    (
        HijriMonth::JumadaAlAwwal,
        "Jumada al-Awwal",
        "جمادى الأولى",
        &[
            "Jumada al-Ula",
            "Jumada al-Oula",
            "Jamadi al-Awwal",
            "Jumada I",
        ],
    ),
    (
        HijriMonth::JumadaAlThani,
        "Jumada al-Thani",
        "جمادى الآخرة",
        &[
            "Jumada al-Akhirah",
            "Jumada al-Akhira",
            "Jumada al-Thaniyah",
            "Jamadi al-Sani",
            "Jumada II",
            "جمادى الثانية",
        ],
    ),
    (HijriMonth::Rajab, "Rajab", "رجب", &["Rajab al-Murajjab"]),
    (
        HijriMonth::Shaban,
        "Shaban",
        "شعبان",
        &["Shaaban", "Sha'aban"],
    ),
    (
        HijriMonth::Ramadan,
        "Ramadan",
        "رمضان",
        &["Ramazan", "Ramadhan", "Ramzan"],
    ),
    (
        HijriMonth::Shawwal,
        "Shawwal",
        "شوال",
        &["Shawal", "Shavval"],
    ),
    (
        HijriMonth::DhuAlQadah,
        "Dhu al-Qadah",
        "ذو القعدة",
        &[
            "Dhu al-Qa'dah",
            "Dhu al-Qidah",
            "Dhul Qadah",
            "Dhul Qidah",
            "Dhul Qada",
            "Zul Qadah",
            "Zulqadah",
            "Zil Qadah",
            "Zi al-Qadah",
            "ذی القعده",
        ],
    ),
    (
        HijriMonth::DhuAlHijjah,
        "Dhu al-Hijjah",
        "ذو الحجة",
        &[
            "Dhu al-Hijja",
            "Dhul Hijjah",
            "Dhul Hijja",
            "Zul Hijjah",
            "Zulhijja",
            "Zil Hijjah",
            "Zi al-Hijjah",
            "ذی الحجه",
        ],
    ),
];

impl HijriMonth {
    /// All twelve months, Muharram first.
    pub const ALL: [HijriMonth; 12] = [
        HijriMonth::Muharram,
        HijriMonth::Safar,
        HijriMonth::RabiAlAwwal,
        HijriMonth::RabiAlThani,
        HijriMonth::JumadaAlAwwal,
        HijriMonth::JumadaAlThani,
        HijriMonth::Rajab,
        HijriMonth::Shaban,
        HijriMonth::Ramadan,
        HijriMonth::Shawwal,
        HijriMonth::DhuAlQadah,
        HijriMonth::DhuAlHijjah,
    ];

    /// The month's number, 1 (Muharram) to 12 (Dhu al-Hijjah).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The month numbered `number` (1-12).
    pub fn from_number(number: u8) -> Result<HijriMonth, CalendarError> {
        number
            .checked_sub(1)
            .and_then(|index| HijriMonth::ALL.get(usize::from(index)))
            .copied()
            .ok_or(CalendarError::MonthOutOfRange { month: number })
    }

    /// The ASCII transliteration: "Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani",
    /// "Jumada al-Awwal", "Jumada al-Thani", "Rajab", "Shaban", "Ramadan", "Shawwal",
    /// "Dhu al-Qadah", "Dhu al-Hijjah".
    pub fn transliteration(self) -> &'static str {
        self.names().1
    }

    /// The name in Arabic script, such as "ذو الحجة".
    pub fn arabic(self) -> &'static str {
        self.names().2
    }

    fn names(
        self,
    ) -> &'static (
        HijriMonth,
        &'static str,
        &'static str,
        &'static [&'static str],
    ) {
        let names = &NAMES[usize::from(self.number() - 1)];
        debug_assert_eq!(names.0, self);
        names
    }
}

impl fmt::Display for HijriMonth {
    /// Writes the transliteration, such as "Dhu al-Hijjah".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.transliteration())
    }
}

impl FromStr for HijriMonth {
    type Err = CalendarError;

    /// Reads a transliteration or a variant spelling ("Dhul Hijjah", "zul-hijjah",
    /// "Rabi' al-Akhir", "Ramazan"), or the Arabic- or Persian-script name. Case, spaces,
    /// hyphens, underscores, dots and apostrophes (`'`, `’`, `ʿ`, `ʾ`) are ignored, and so are
    /// the Arabic short vowels, tatweel, the zero-width non-joiner and the differences
    /// between the Arabic and Persian forms of yeh, kaf, alef and teh marbuta.
    fn from_str(text: &str) -> Result<HijriMonth, CalendarError> {
        let wanted = normalize(text);
        NAMES
            .iter()
            .find(|(_, transliteration, arabic, variants)| {
                !wanted.is_empty()
                    && (wanted == normalize(transliteration)
                        || wanted == normalize(arabic)
                        || variants.iter().any(|variant| wanted == normalize(variant)))
            })
            .map(|(month, ..)| *month)
            .ok_or_else(|| CalendarError::UnknownHijriMonthName {
                name: text.to_owned(),
            })
    }
}

/// The text month names are compared by: ASCII lowercased; separators, apostrophes,
/// Arabic short vowels, tatweel and the zero-width non-joiner dropped; Persian yeh and kaf,
/// alef maqsura, hamzated and madda alefs and teh marbuta folded to one form each.
fn normalize(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            ' ' | '-' | '_' | '.' | '\'' | '\u{2019}' | '\u{02BF}' | '\u{02BE}' | '`' => None,
            '\u{200C}' | '\u{0640}' | '\u{064B}'..='\u{065F}' => None,
            '\u{06CC}' | '\u{0649}' => Some('\u{064A}'),
            '\u{06A9}' => Some('\u{0643}'),
            '\u{0622}' | '\u{0623}' | '\u{0625}' => Some('\u{0627}'),
            '\u{0629}' => Some('\u{0647}'),
            _ => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a month name and renders `number transliteration arabic`, or
    /// `error: <message>`.
    #[track_caller]
    fn check(text: &str, expected: &str) {
        let actual = match text.parse::<HijriMonth>() {
            Ok(month) => format!("{} {month} {}", month.number(), month.arabic()),
            Err(error) => format!("error: {error}"),
        };
        assert_eq!(actual, expected, "{text}");
    }

    #[test]
    fn names_round_trip() {
        for (index, month) in HijriMonth::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(month.number()), index + 1);
            assert_eq!(HijriMonth::from_number(month.number()), Ok(month));
            assert_eq!(month.transliteration().parse::<HijriMonth>(), Ok(month));
            assert_eq!(month.arabic().parse::<HijriMonth>(), Ok(month));
            assert_eq!(month.to_string(), month.transliteration());
        }
        assert_eq!(
            HijriMonth::from_number(13),
            Err(CalendarError::MonthOutOfRange { month: 13 })
        );
    }

    #[test]
    fn names_and_variants() {
        check("Muharram", "1 Muharram محرم");
        check("safar", "2 Safar صفر");
        check("Rabi' al-Awwal", "3 Rabi al-Awwal ربيع الأول");
        check("Rabi al-Akhir", "4 Rabi al-Thani ربيع الآخر");
        check("Rabi II", "4 Rabi al-Thani ربيع الآخر");
        check("Jumada al-Ula", "5 Jumada al-Awwal جمادى الأولى");
        check("Jumada al-Akhirah", "6 Jumada al-Thani جمادى الآخرة");
        check("Sha'ban", "8 Shaban شعبان");
        check("Ramazan", "9 Ramadan رمضان");
        check("Dhu al-Qa'dah", "11 Dhu al-Qadah ذو القعدة");
        check("Dhu al-Hijjah", "12 Dhu al-Hijjah ذو الحجة");
        check("DHUL-HIJJAH", "12 Dhu al-Hijjah ذو الحجة");
        check("Zul Hijjah", "12 Dhu al-Hijjah ذو الحجة");
        // Arabic script without spaces, and the Persian-script forms.
        check("ذوالحجة", "12 Dhu al-Hijjah ذو الحجة");
        check("ذی‌الحجه", "12 Dhu al-Hijjah ذو الحجة");
        check("ربیع‌الاول", "3 Rabi al-Awwal ربيع الأول");
        check("جمادی الاولی", "5 Jumada al-Awwal جمادى الأولى");
    }

    #[test]
    fn unknown_names() {
        check("", "error: unknown Hijri month name \"\"");
        check("-", "error: unknown Hijri month name \"-\"");
        check("Rabi", "error: unknown Hijri month name \"Rabi\"");
        check("Farvardin", "error: unknown Hijri month name \"Farvardin\"");
        check("12", "error: unknown Hijri month name \"12\"");
    }
}
