//! Query-string rules shared by Flow Service's list routes: `property` filters with Adobe's
//! comma-as-list syntax, and single-valued parameters that must not repeat.

use super::errors::FlowError;

/// Parameters a list takes at most once. A second `limit` is a client bug (two code paths each
/// adding it): refusing it catches the bug here instead of leaving it to Adobe's choice of value.
const SINGLE_VALUED: &[&str] = &["limit", "orderby", "count", "continuationToken"];

/// The decoded `key=value` pairs of a raw query string, in order.
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Refuses a second occurrence of a single-valued parameter (FLOW-1307-400), naming it.
pub(crate) fn refuse_repeats(pairs: &[(String, String)]) -> Result<(), FlowError> {
    for name in SINGLE_VALUED {
        if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(FlowError::bad_request(
                1307,
                format!("Query parameter '{name}' is given more than once: give it once."),
            ));
        }
    }
    Ok(())
}

/// One `property=field==a,b` filter: the field matches any of the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PropertyFilter {
    /// The filtered field, e.g. `name` or `connectionSpec.id`.
    pub field: String,
    /// The accepted values: Adobe reads a comma as "or", so `a,b` is two values.
    pub values: Vec<String>,
}

impl PropertyFilter {
    /// Parses the value of one `property` parameter; `filterable` lists the fields allowed.
    pub fn parse(value: &str, filterable: &[&str]) -> Result<Self, FlowError> {
        let bad = |m: String| FlowError::bad_request(1307, m);
        let Some((field, values)) = value.split_once("==") else {
            return Err(bad(format!(
                "Property filter '{value}' must look like field==value."
            )));
        };
        if !filterable.contains(&field) {
            return Err(bad(format!(
                "Property '{field}' cannot be filtered on: use one of {}.",
                filterable.join(", ")
            )));
        }
        Ok(Self {
            field: field.to_owned(),
            // Adobe's tutorials also quote a value (`name=="amazon-s3"`): one pair is dropped.
            values: values
                .split(',')
                .map(|v| {
                    v.strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(v)
                        .to_owned()
                })
                .collect(),
        })
    }

    /// Whether a field holding `value` (`None`: the field is absent) passes the filter.
    pub fn matches(&self, value: Option<&str>) -> bool {
        value.is_some_and(|v| self.values.iter().any(|want| want == v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_value_is_read_without_its_quotes() {
        let f = PropertyFilter::parse("name==\"amazon-s3\"", &["name"]).unwrap();
        assert!(f.matches(Some("amazon-s3")));
    }

    #[test]
    fn a_comma_separates_alternatives_never_part_of_a_value() {
        let f = PropertyFilter::parse("name==a,b", &["name"]).unwrap();
        assert_eq!(f.values, ["a", "b"]);
        assert!(f.matches(Some("a")) && f.matches(Some("b")));
        assert!(
            !f.matches(Some("a,b")),
            "a comma is never part of the value"
        );
        assert!(!f.matches(None));
        assert_eq!(
            PropertyFilter::parse("secret==x", &["name"])
                .unwrap_err()
                .code,
            1307
        );
        assert!(PropertyFilter::parse("name=x", &["name"]).is_err());
    }

    #[test]
    fn repeated_single_valued_parameters_are_named() {
        let ok = pairs(Some("property=name==a&property=state==enabled&limit=2"));
        assert!(refuse_repeats(&ok).is_ok());
        for name in SINGLE_VALUED {
            let twice = pairs(Some(&format!("{name}=1&x=y&{name}=2")));
            let err = refuse_repeats(&twice).unwrap_err();
            assert_eq!(err.code, 1307);
            assert!(
                err.message.contains(&format!("'{name}'")),
                "{}",
                err.message
            );
        }
    }
}
