//! Which playbooks apply to which customer, and the reverse (playbook `applies_to`).

use serde::Serialize;

use crate::model::{Class, Grade, GradeFilter, Playbook, Selector, Stage};

/// The facts of a customer a selector looks at, all as of the as-of date.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    pub stage: Stage,
    /// The final nine-grade; absent: unrated.
    pub grade: Option<Grade>,
    pub abc: Option<Class>,
    pub tags: &'a [String],
    pub warnings: bool,
    pub open_complaints: bool,
    pub visit_overdue: bool,
}

/// The customers a playbook applies to, in id order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaybookMatches {
    pub slug: String,
    pub title: String,
    pub customers: Vec<String>,
}

fn any_of<T: PartialEq>(list: &Option<Vec<T>>, value: Option<T>) -> bool {
    match list {
        None => true,
        Some(items) => value.is_some_and(|v| items.contains(&v)),
    }
}

fn flag(wanted: Option<bool>, actual: bool) -> bool {
    wanted.is_none_or(|w| w == actual)
}

/// A customer matches when it matches every key given; an empty list matches nothing.
pub fn matches(selector: &Selector, facts: &Facts) -> bool {
    let grade = facts.grade.map_or(GradeFilter::Unrated, GradeFilter::Grade);
    let tags = selector
        .tags
        .as_ref()
        .is_none_or(|wanted| wanted.iter().any(|t| facts.tags.contains(t)));
    any_of(&selector.stages, Some(facts.stage))
        && any_of(&selector.grades, Some(grade))
        && any_of(&selector.credit_class, facts.grade.map(Grade::class))
        && any_of(&selector.abc, facts.abc)
        && tags
        && flag(selector.warnings, facts.warnings)
        && flag(selector.open_complaints, facts.open_complaints)
        && flag(selector.visit_overdue, facts.visit_overdue)
}

/// Whether a playbook applies: one without `applies_to` is general guidance and applies to no
/// customer in particular.
pub fn applies(playbook: &Playbook, facts: &Facts) -> bool {
    playbook
        .applies_to
        .as_ref()
        .is_some_and(|s| matches(s, facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::playbook;

    fn facts(tags: &[String]) -> Facts<'_> {
        Facts {
            stage: Stage::Active,
            grade: Some(Grade::Bb),
            abc: Some(Class::A),
            tags,
            warnings: true,
            open_complaints: false,
            visit_overdue: true,
        }
    }

    #[test]
    fn every_key_must_match() {
        let tags = vec!["重点".to_string(), "华东".to_string()];
        let f = facts(&tags);
        let yes = |s: Selector| assert!(matches(&s, &f), "{s:?} should match");
        let no = |s: Selector| assert!(!matches(&s, &f), "{s:?} should not match");
        yes(Selector::default());
        yes(Selector {
            stages: Some(vec![Stage::Lost, Stage::Active]),
            ..Default::default()
        });
        no(Selector {
            stages: Some(vec![Stage::Prospect]),
            ..Default::default()
        });
        yes(Selector {
            grades: Some(vec![GradeFilter::Grade(Grade::Bb)]),
            ..Default::default()
        });
        no(Selector {
            grades: Some(vec![GradeFilter::Unrated]),
            ..Default::default()
        });
        // BB is in the three-grade class B.
        yes(Selector {
            credit_class: Some(vec![Class::B]),
            ..Default::default()
        });
        no(Selector {
            credit_class: Some(vec![Class::C]),
            ..Default::default()
        });
        yes(Selector {
            abc: Some(vec![Class::A]),
            ..Default::default()
        });
        no(Selector {
            abc: Some(vec![Class::B, Class::C]),
            ..Default::default()
        });
        // Tags: any of them.
        yes(Selector {
            tags: Some(vec!["x".into(), "华东".into()]),
            ..Default::default()
        });
        no(Selector {
            tags: Some(vec!["x".into()]),
            ..Default::default()
        });
        yes(Selector {
            warnings: Some(true),
            ..Default::default()
        });
        no(Selector {
            warnings: Some(false),
            ..Default::default()
        });
        yes(Selector {
            open_complaints: Some(false),
            ..Default::default()
        });
        no(Selector {
            open_complaints: Some(true),
            ..Default::default()
        });
        yes(Selector {
            visit_overdue: Some(true),
            ..Default::default()
        });
        // Both keys must hold.
        no(Selector {
            stages: Some(vec![Stage::Active]),
            visit_overdue: Some(false),
            ..Default::default()
        });
    }

    #[test]
    fn empty_lists_match_nothing() {
        let tags = vec!["a".to_string()];
        let f = facts(&tags);
        for s in [
            Selector {
                stages: Some(vec![]),
                ..Default::default()
            },
            Selector {
                grades: Some(vec![]),
                ..Default::default()
            },
            Selector {
                credit_class: Some(vec![]),
                ..Default::default()
            },
            Selector {
                abc: Some(vec![]),
                ..Default::default()
            },
            Selector {
                tags: Some(vec![]),
                ..Default::default()
            },
        ] {
            assert!(!matches(&s, &f), "{s:?}");
        }
    }

    #[test]
    fn unrated_and_unclassed_customers() {
        let f = Facts {
            grade: None,
            abc: None,
            ..facts(&[])
        };
        assert!(matches(
            &Selector {
                grades: Some(vec![GradeFilter::Unrated]),
                ..Default::default()
            },
            &f
        ));
        // Unrated has no three-grade class, and no ABC class matches nothing.
        assert!(!matches(
            &Selector {
                credit_class: Some(vec![Class::A, Class::B, Class::C]),
                ..Default::default()
            },
            &f
        ));
        assert!(!matches(
            &Selector {
                abc: Some(vec![Class::A, Class::B, Class::C]),
                ..Default::default()
            },
            &f
        ));
        assert!(!matches(
            &Selector {
                tags: Some(vec!["a".into()]),
                ..Default::default()
            },
            &f
        ));
    }

    #[test]
    fn playbooks_without_applies_to_are_general() {
        let f = facts(&[]);
        assert!(!applies(&playbook("general", None), &f));
        assert!(applies(&playbook("all", Some(Selector::default())), &f));
    }
}
