//! The twelve Solar Hijri months and their names.

use std::fmt;
use std::str::FromStr;

use crate::CalendarError;

/// A month of the Solar Hijri year, numbered 1 (Farvardin) to 12 (Esfand).
///
/// The first six have 31 days, the next five 30, and Esfand 29, or 30 in a leap year.
/// `Display` writes the transliteration; `FromStr` reads it case-insensitively, along with
/// common variant spellings and the Persian-script name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SolarHijriMonth {
    /// Month 1, فروردین; Nowruz is 1 Farvardin.
    Farvardin = 1,
    /// Month 2, اردیبهشت.
    Ordibehesht = 2,
    /// Month 3, خرداد.
    Khordad = 3,
    /// Month 4, تیر.
    Tir = 4,
    /// Month 5, مرداد (also Amordad).
    Mordad = 5,
    /// Month 6, شهریور.
    Shahrivar = 6,
    /// Month 7, مهر.
    Mehr = 7,
    /// Month 8, آبان.
    Aban = 8,
    /// Month 9, آذر.
    Azar = 9,
    /// Month 10, دی.
    Dey = 10,
    /// Month 11, بهمن.
    Bahman = 11,
    /// Month 12, اسفند.
    Esfand = 12,
}

/// Each month with its transliteration, its Persian-script name and the other spellings
/// the parser accepts. In month order.
const NAMES: [(SolarHijriMonth, &str, &str, &[&str]); 12] = [
    (
        SolarHijriMonth::Farvardin,
        "Farvardin",
        "فروردین",
        &["Farvardeen"],
    ),
    (
        SolarHijriMonth::Ordibehesht,
        "Ordibehesht",
        "اردیبهشت",
        &["Ordibehest", "Ordibahesht", "Urdibihisht"],
    ),
    (SolarHijriMonth::Khordad, "Khordad", "خرداد", &["Khurdad"]),
    (SolarHijriMonth::Tir, "Tir", "تیر", &["Teer"]),
    (
        SolarHijriMonth::Mordad,
        "Mordad",
        "مرداد",
        &["Amordad", "Amurdad", "Murdad", "امرداد"],
    ),
    (
        SolarHijriMonth::Shahrivar,
        "Shahrivar",
        "شهریور",
        &["Shahrevar", "Shahriwar"],
    ),
    (SolarHijriMonth::Mehr, "Mehr", "مهر", &["Mihr"]),
    (SolarHijriMonth::Aban, "Aban", "آبان", &["Abaan"]),
    (SolarHijriMonth::Azar, "Azar", "آذر", &["Adar", "Azer"]),
    (SolarHijriMonth::Dey, "Dey", "دی", &["Dei", "Day"]),
    (SolarHijriMonth::Bahman, "Bahman", "بهمن", &[]),
    (
        SolarHijriMonth::Esfand,
        "Esfand",
        "اسفند",
        &["Isfand", "Espand"],
    ),
];

impl SolarHijriMonth {
    /// All twelve months, Farvardin first.
    pub const ALL: [SolarHijriMonth; 12] = [
        SolarHijriMonth::Farvardin,
        SolarHijriMonth::Ordibehesht,
        SolarHijriMonth::Khordad,
        SolarHijriMonth::Tir,
        SolarHijriMonth::Mordad,
        SolarHijriMonth::Shahrivar,
        SolarHijriMonth::Mehr,
        SolarHijriMonth::Aban,
        SolarHijriMonth::Azar,
        SolarHijriMonth::Dey,
        SolarHijriMonth::Bahman,
        SolarHijriMonth::Esfand,
    ];

    /// The month's number, 1 (Farvardin) to 12 (Esfand).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The month numbered `number` (1-12).
    pub fn from_number(number: u8) -> Result<SolarHijriMonth, CalendarError> {
        number
            .checked_sub(1)
            .and_then(|index| SolarHijriMonth::ALL.get(usize::from(index)))
            .copied()
            .ok_or(CalendarError::MonthOutOfRange { month: number })
    }

    /// The Latin transliteration used in English-language trade statistics: "Farvardin",
    /// "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar",
    /// "Dey", "Bahman", "Esfand".
    pub fn transliteration(self) -> &'static str {
        self.names().1
    }

    /// The name in Persian script, such as "فروردین".
    pub fn persian(self) -> &'static str {
        self.names().2
    }

    fn names(
        self,
    ) -> &'static (
        SolarHijriMonth,
        &'static str,
        &'static str,
        &'static [&'static str],
    ) {
        let names = &NAMES[usize::from(self.number() - 1)];
        debug_assert_eq!(names.0, self);
        names
    }
}

impl fmt::Display for SolarHijriMonth {
    /// Writes the transliteration, such as "Ordibehesht".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.transliteration())
    }
}

impl FromStr for SolarHijriMonth {
    type Err = CalendarError;

    /// Reads a transliteration ignoring ASCII case ("farvardin", "MEHR"), a common variant
    /// ("Amordad" for Mordad, "Ordibehest", "Isfand", ...) or the Persian-script name
    /// (also when written with the Arabic letters yeh and kaf, as some sources do).
    fn from_str(text: &str) -> Result<SolarHijriMonth, CalendarError> {
        let persian_text = text
            .replace('\u{064A}', "\u{06CC}")
            .replace('\u{0643}', "\u{06A9}");
        NAMES
            .iter()
            .find(|(_, transliteration, persian, variants)| {
                text.eq_ignore_ascii_case(transliteration)
                    || persian_text == *persian
                    || variants
                        .iter()
                        .any(|variant| text.eq_ignore_ascii_case(variant))
            })
            .map(|(month, ..)| *month)
            .ok_or_else(|| CalendarError::UnknownMonthName {
                name: text.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests;
