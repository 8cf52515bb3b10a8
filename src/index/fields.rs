//! What is searchable, in one place: every searchable value of a record is a [`Field`] with
//! the class that decides how it is indexed and how much a hit in it counts, and the data
//! group it comes from. An audience build that must leave a group out (contacts' phones,
//! emails, notes…) drops the fields of that group here, before anything is indexed.

use serde::Serialize;

/// How a field is indexed and weighted. The discriminant is the field's bit in the postings'
/// class masks (the JS client reads the same numbers: `CLASSES` in search.js).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldClass {
    /// The record id, also as `kh2350` and `2350`.
    Id = 0,
    /// Company name, playbook title, other names.
    Name = 1,
    /// A contact's name or the legal representative.
    Person = 2,
    Owner = 3,
    City = 4,
    Region = 5,
    Tag = 6,
    /// The company line and the contacts' phones (digits, matched from the end).
    Phone = 7,
    /// Contacts' emails and the website (their words).
    Email = 8,
    /// Industry, address, titles, notes, summaries, the body.
    Text = 9,
    /// Full pinyin and initials of the name, the people and the owner (made by the index from
    /// those fields, never a field of its own).
    Pinyin = 10,
}

impl FieldClass {
    pub const ALL: [FieldClass; 11] = [
        FieldClass::Id,
        FieldClass::Name,
        FieldClass::Person,
        FieldClass::Owner,
        FieldClass::City,
        FieldClass::Region,
        FieldClass::Tag,
        FieldClass::Phone,
        FieldClass::Email,
        FieldClass::Text,
        FieldClass::Pinyin,
    ];

    pub fn bit(self) -> u16 {
        1 << self as u16
    }

    /// Classes whose Han pairs keep their positions, so a run of three or more characters
    /// must occur in a row in one field (the others match when all its pairs occur).
    pub fn positional(self) -> bool {
        (self as u8) <= FieldClass::Tag as u8
    }

    /// Short fields whose whole value is also a term (`华东`, `重点客户`, `张雅琴`), so a query
    /// that is the entire value ranks above one that is part of a longer one.
    pub fn whole_values(self) -> bool {
        matches!(
            self,
            FieldClass::Person
                | FieldClass::Owner
                | FieldClass::City
                | FieldClass::Region
                | FieldClass::Tag
        )
    }

    /// Fields whose pinyin is indexed.
    pub fn has_pinyin(self) -> bool {
        matches!(
            self,
            FieldClass::Name | FieldClass::Person | FieldClass::Owner
        )
    }

    /// Points of a hit in this class (docs/search.md, "Scoring").
    pub fn weight(self) -> u32 {
        WEIGHTS[self as usize]
    }

    /// Extra points when the query is the field's whole value.
    pub fn whole_bonus(self) -> u32 {
        WHOLE_BONUS[self as usize]
    }
}

/// Points of a hit, by class (id, name, person, owner, city, region, tag, phone, email, text,
/// pinyin). The JS client has the same table.
pub const WEIGHTS: [u32; 11] = [60, 50, 40, 30, 26, 22, 22, 55, 34, 6, 14];
/// Extra points for a whole-value hit, by class.
pub const WHOLE_BONUS: [u32; 11] = [20, 0, 20, 12, 12, 12, 12, 20, 0, 0, 0];

/// Where a searchable value comes from. Audience builds (issue 14) leave whole groups out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataGroup {
    /// Id, name, stage, owner, region, city, industry, tags.
    Card,
    /// Address, website, legal representative.
    Profile,
    /// The company line.
    Phone,
    /// Contacts' names and titles.
    Contacts,
    ContactsPhone,
    ContactsEmail,
    /// Contacts' notes, visit notes, complaint summaries, churn notes.
    Notes,
    /// The Markdown body.
    Body,
}

/// One searchable value of a record.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub class: FieldClass,
    pub group: DataGroup,
    pub text: String,
}

impl Field {
    pub fn new(class: FieldClass, group: DataGroup, text: impl Into<String>) -> Self {
        Field {
            class,
            group,
            text: text.into(),
        }
    }
}
