//! Stable diagnostic codes. A code never changes meaning; `docs/errors.md` documents each one.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $summary:literal; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line saying what the code means, as in `docs/errors.md`.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }
        }
    };
}

codes! {
    NotUtf8 = "E001", Error, "the file is not valid UTF-8";
    EmptyFile = "E002", Error, "the file is empty";
    NoFrontMatter = "E003", Error, "the file does not start with a `---` front matter line";
    UnclosedFrontMatter = "E004", Error, "the front matter has no closing `---` line";
    YamlSyntax = "E005", Error, "the front matter is not valid YAML";
    NotAMapping = "E006", Error, "the front matter is not a mapping of fields";
    FileTooLarge = "E007", Error, "the file is larger than the 5 MiB limit";
    Unreadable = "E008", Error, "the file or folder cannot be read (permissions, symlink loop, link out of the site)";
    NoPageAddress = "E009", Error, "a file name that cannot be a page address (`..md`)";
    UnknownField = "E010", Error, "a field that the format does not know";
    MissingField = "E011", Error, "a required field is missing";
    OutOfRange = "E012", Error, "a number outside its allowed range";
    WrongType = "E013", Error, "a value of the wrong type";
    NotAllowed = "E014", Error, "a value that is not one of the allowed choices";
    InvalidDate = "E015", Error, "a date that is not YYYY-MM-DD or does not exist";
    InvalidId = "E016", Error, "an id with characters other than letters, digits, `-` and `_`";
    InvalidEmail = "E017", Error, "an email address that does not look like one";
    EmptyText = "E018", Error, "a required text field is empty";
    NotAnInteger = "E019", Error, "a whole number written with a fraction (`2024.0`)";
    DuplicateId = "E020", Error, "two customer records share an id";
    NotYetCustomer = "E021", Error, "a prospect or qualified record has sales, payments or churn";
    ChurnMismatch = "E022", Error, "churn is missing on a lost record, or present on another stage";
    MissingSince = "E023", Error, "an active or lost record has no `since` date";
    DuplicateYear = "E024", Error, "two sales rows for the same year";
    DuplicateInvoice = "E025", Error, "two payments with the same invoice number";
    DuplicateSurvey = "E026", Error, "two satisfaction surveys on the same date";
    ClosedBeforeOpened = "E027", Error, "a complaint closed before it was opened";
    ChurnBeforeSince = "E028", Error, "a churn date before the `since` date";
    AmountTooLarge = "E029", Error, "an amount of money beyond ±10^15, the largest dossier accepts";
    SalesBeforeSince = "W030", Warning, "a sales year before the year of `since`";
    SalesAfterChurn = "W031", Warning, "a sales year after the churn year";
    ProfitAboveRevenue = "W032", Warning, "gross profit larger than revenue";
    EmptySelector = "W033", Warning, "a playbook selector list that is empty and so matches nothing";
    AudienceWithholdsList = "W034", Warning, "an audience hides a group that a playbook selects its customers by";
    BrokenLink = "E040", Error, "a relative `.md` link whose target does not exist under content/";
    WeightsSum = "E061", Error, "configured weights do not sum to 1";
    TooPrecise = "E062", Error, "a weight with more than 4 decimal places";
    NoReportingYear = "E063", Error, "no reporting year: set `year` in site.yaml or give sales rows";
    TemplateError = "E070", Error, "a theme template that fails to parse or render";
    Internal = "E099", Error, "dossier failed on this input (a bug in dossier); the preview keeps the last good build";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            let prefix = match code.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(code.as_str().starts_with(prefix), "{code}");
        }
    }
}
