//! `aep-s3-connect check-s3`: the S3 pre-flight check, before anything is sent to Adobe.

use std::fmt;

use clap::Args;
use serde_json::{Value, json};

use super::aws_key::AwsKeyArgs;
use super::context::Context;
use super::output::warn;
use super::{Exit, Failure, GlobalArgs, Outcome, Output};
use crate::api::Http;
use crate::s3check::{self, CheckOutcome, PermissionCheck, S3CheckInput, S3CheckReport};

/// `check-s3` options. Secrets come from the environment or stdin, never from arguments.
#[derive(Debug, Args)]
pub struct CheckS3Args {
    /// The AWS key.
    #[command(flatten)]
    pub key: AwsKeyArgs,
    /// The bucket the connection will be for (without it, only listing buckets is checked).
    #[arg(long)]
    pub bucket: Option<String>,
    /// The folder of the bucket the connection will be for.
    #[arg(long)]
    pub folder_path: Option<String>,
    /// S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or an S3-compatible store.
    #[arg(long)]
    pub service_url: Option<String>,
    /// Region to sign for at first [default: the service URL's, else us-east-1]; the bucket's
    /// own region is used once known.
    #[arg(long)]
    pub region: Option<String>,
    /// Print one JSON object: {"allPassed", "regionUsed", "checks": [{"permission", "result", "code", ...}]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `check-s3`: exit 0 when every checked permission passed, 3 when AWS denied one, 4 when
/// S3 could not be reached, 2 on bad input.
pub fn run(global: &GlobalArgs, args: CheckS3Args) -> Outcome {
    let key = super::aws_key::aws_key(&args.key, global)?;
    let input = S3CheckInput {
        access_key_id: key.access_key_id,
        secret_key: key.secret_key,
        session_token: key.session_token,
        bucket: non_empty(args.bucket),
        folder_path: non_empty(args.folder_path),
        service_url: non_empty(args.service_url),
        region: non_empty(args.region),
    };
    let warnings = s3check::validate_input(&input).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Failure::usage(lines.join("\n"))
    })?;
    // Said before the checks, which can take a while.
    for warning in warnings {
        warn(warning);
    }
    let ctx = Context::load(global)?;
    // Whatever failed here is classed like any client error (a bad setting is the user's input,
    // not the network's), so the exit code comes from the one mapping in cli/exit.rs.
    let http = Http::new(ctx.http_settings()).map_err(|e| Failure::of(&e))?;
    let report = super::token::runtime()?.block_on(s3check::check_s3(&http, &input));
    let verdict = if report.any_denied() {
        Some(Failure::new(
            Exit::Rejected,
            "S3 refused a permission AEP needs: a connection with these credentials would not work",
        ))
    } else if report.any_failed() {
        Some(Failure::new(
            Exit::Network,
            "S3 could not be reached for some checks: those permissions are not known",
        ))
    } else {
        None
    };
    let text = fmt::from_fn(|f| table(f, &report));
    Ok(Output::new(report_json(&report), text).ending_with(verdict))
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The JSON form of the report (what `--json` prints).
pub fn report_json(report: &S3CheckReport) -> Value {
    let checks: Vec<Value> = report
        .checks
        .iter()
        .map(|c| {
            let (result, reason) = match &c.outcome {
                CheckOutcome::Passed => ("passed", None),
                CheckOutcome::Denied(_) => ("denied", None),
                CheckOutcome::NotChecked(r) => ("notChecked", Some(r)),
                CheckOutcome::Failed(e) => ("failed", Some(e)),
            };
            json!({
                "permission": c.permission,
                "result": result,
                "code": c.outcome.code(),
                "reason": reason,
                "detail": c.detail,
            })
        })
        .collect();
    json!({
        "allPassed": report.all_passed(),
        "regionUsed": report.region_used,
        "checks": checks,
    })
}

/// What the detail column shows: the reason of a skipped or failed check, then the detail.
fn detail_text(check: &PermissionCheck) -> String {
    let reason = match &check.outcome {
        CheckOutcome::NotChecked(r) | CheckOutcome::Failed(r) => r.as_str(),
        _ => "",
    };
    match (reason.is_empty(), check.detail.is_empty()) {
        (true, _) => check.detail.clone(),
        (false, true) => reason.to_owned(),
        (false, false) => format!("{reason}; {}", check.detail),
    }
}

fn table(f: &mut fmt::Formatter<'_>, report: &S3CheckReport) -> fmt::Result {
    writeln!(
        f,
        "S3 permissions AEP needs (requests signed for {}):",
        report.region_used
    )?;
    let width = s3check::PERMISSIONS
        .iter()
        .map(|p| p.len())
        .max()
        .unwrap_or(0);
    writeln!(
        f,
        "  {:width$}  {:11}  {:22}  DETAIL",
        "PERMISSION", "RESULT", "AWS CODE"
    )?;
    for check in &report.checks {
        writeln!(
            f,
            "  {:width$}  {:11}  {:22}  {}",
            check.permission,
            check.outcome.label(),
            check.outcome.code().unwrap_or("-"),
            detail_text(check)
        )?;
    }
    if report.all_passed() {
        writeln!(f, "Every checked permission passed.")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let report = S3CheckReport {
            checks: vec![
                PermissionCheck {
                    permission: s3check::LIST_ALL_MY_BUCKETS,
                    outcome: CheckOutcome::Passed,
                    detail: "the key sees 1 bucket(s)".into(),
                },
                PermissionCheck {
                    permission: s3check::GET_OBJECT,
                    outcome: CheckOutcome::Denied("AccessDenied".into()),
                    detail: "d".into(),
                },
                PermissionCheck {
                    permission: s3check::GET_OBJECT_VERSION,
                    outcome: CheckOutcome::NotChecked("empty".into()),
                    detail: String::new(),
                },
            ],
            region_used: "eu-west-1".into(),
        };
        let v = report_json(&report);
        assert_eq!(v["allPassed"], false);
        assert_eq!(v["regionUsed"], "eu-west-1");
        assert_eq!(v["checks"][1]["result"], "denied");
        assert_eq!(v["checks"][1]["code"], "AccessDenied");
        assert_eq!(v["checks"][2]["result"], "notChecked");
        assert_eq!(v["checks"][2]["reason"], "empty");
        assert_eq!(detail_text(&report.checks[2]), "empty");
    }
}
