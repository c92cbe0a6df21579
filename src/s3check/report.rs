//! What the check found: one outcome per permission.

/// The result for one permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// S3 allowed the request.
    Passed,
    /// S3 refused it; the AWS error code (`AccessDenied`, `SignatureDoesNotMatch`, ...).
    Denied(String),
    /// Not tried; why (no bucket given, an empty folder, an earlier failure).
    NotChecked(String),
    /// No answer: network, timeout or a server error; what happened.
    Failed(String),
}

impl CheckOutcome {
    /// A short word for tables and JSON: `passed`, `denied`, `not checked`, `failed`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Denied(_) => "denied",
            Self::NotChecked(_) => "not checked",
            Self::Failed(_) => "failed",
        }
    }

    /// The AWS error code of a denial.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Denied(code) => Some(code),
            _ => None,
        }
    }
}

/// One permission and how its check went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionCheck {
    /// The IAM action, e.g. `s3:GetObject`.
    pub permission: &'static str,
    /// The result.
    pub outcome: CheckOutcome,
    /// What was tried and what it means, for the user (never a secret).
    pub detail: String,
}

/// Every permission AEP needs, in [`PERMISSIONS`](super::PERMISSIONS) order, and the region
/// finally signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3CheckReport {
    /// One entry per permission.
    pub checks: Vec<PermissionCheck>,
    /// The region the last requests were signed for (the bucket's, once known).
    pub region_used: String,
}

impl S3CheckReport {
    /// True when nothing was denied or failed and at least one permission passed (permissions
    /// that could not be checked, such as reading from an empty folder, do not count against it).
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| {
            matches!(
                c.outcome,
                CheckOutcome::Passed | CheckOutcome::NotChecked(_)
            )
        }) && self
            .checks
            .iter()
            .any(|c| c.outcome == CheckOutcome::Passed)
    }

    /// True when S3 refused at least one request.
    pub fn any_denied(&self) -> bool {
        self.checks
            .iter()
            .any(|c| matches!(c.outcome, CheckOutcome::Denied(_)))
    }

    /// True when at least one request got no answer.
    pub fn any_failed(&self) -> bool {
        self.checks
            .iter()
            .any(|c| matches!(c.outcome, CheckOutcome::Failed(_)))
    }

    /// The entry of one permission.
    pub fn check(&self, permission: &str) -> Option<&PermissionCheck> {
        self.checks.iter().find(|c| c.permission == permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3check::{DEFAULT_REGION, PERMISSIONS};

    fn report(outcomes: &[CheckOutcome]) -> S3CheckReport {
        S3CheckReport {
            checks: PERMISSIONS
                .iter()
                .zip(outcomes)
                .map(|(p, o)| PermissionCheck {
                    permission: p,
                    outcome: o.clone(),
                    detail: String::new(),
                })
                .collect(),
            region_used: DEFAULT_REGION.into(),
        }
    }

    #[test]
    fn all_passed_ignores_not_checked_but_not_denials_or_failures() {
        use CheckOutcome::*;
        let skipped = NotChecked("empty".into());
        assert!(report(&[Passed, Passed, Passed, skipped.clone(), skipped.clone()]).all_passed());
        let denied = report(&[Passed, Denied("AccessDenied".into()), Passed]);
        assert!(!denied.all_passed() && denied.any_denied() && !denied.any_failed());
        let failed = report(&[Failed("x".into()), skipped.clone()]);
        assert!(!failed.all_passed() && failed.any_failed());
        assert!(
            !report(&[skipped]).all_passed(),
            "nothing checked is not a pass"
        );
    }
}
