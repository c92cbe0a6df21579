//! `aep-s3-connect profile add|list|show|remove|use`.

use std::fmt;

use clap::{Args, Subcommand};
use serde_json::json;

use super::context::Context;
use super::{Failure, GlobalArgs, Outcome, Output};
use crate::api::sandboxes::{KindBasis, SandboxKind};
use crate::model::{
    DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_PRODUCTION_SANDBOX, DEFAULT_SCOPES,
};
use crate::ops::profiles::{self, ProfileError, SaveProfile};
use crate::secret::Secret;
use crate::store::config::Profile;
use crate::store::sandboxes::KnownSandboxes;
use crate::store::secrets::SecretKind;
use crate::validate;

/// How to add a profile, as every message that asks for one shows it.
pub const ADD_PROFILE: &str = "aep-s3-connect profile add NAME --org-id ID@AdobeOrg --client-id ID --sandbox SANDBOX --client-secret-stdin";

/// `profile` options.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// What to do with profiles.
    #[command(subcommand)]
    pub action: ProfileAction,
}

/// Profile actions.
#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// Add or update a profile. Org, client, sandbox and URLs come from the global options
    /// (--org-id, --client-id, --sandbox, --platform-url, --ims-url).
    Add {
        /// Profile name.
        name: String,
        /// Comma-separated OAuth scopes [default: Adobe's for Experience Platform].
        #[arg(long)]
        scopes: Option<String>,
        /// Read the OAuth client secret from stdin and store it in the OS keyring.
        #[arg(long)]
        client_secret_stdin: bool,
        /// Make it the active profile.
        #[arg(long = "activate")]
        activate: bool,
        /// Take org, client ID, scopes and the client secret (to the keyring) from the project
        /// JSON the Adobe Developer Console downloads.
        #[arg(long, value_name = "FILE")]
        from_console_json: Option<std::path::PathBuf>,
        /// Which client secret of the console JSON to store when it holds two (Adobe keeps two
        /// while a secret is rotated): 1 or 2, in the file's order.
        #[arg(
            long,
            value_name = "N",
            requires = "from_console_json",
            conflicts_with = "client_secret_stdin",
            value_parser = clap::value_parser!(u16).range(1..)
        )]
        client_secret_index: Option<u16>,
    },
    /// List profiles.
    List {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile (the active one by default) and whether its secret is in the keyring.
    Show {
        /// Profile name.
        name: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile and its keyring entries.
    Remove {
        /// Profile name.
        name: String,
    },
    /// Make a profile the active one.
    Use {
        /// Profile name.
        name: String,
    },
}

impl ProfileArgs {
    /// Whether `--json` was asked for (`list` and `show` take it).
    pub fn json(&self) -> bool {
        match &self.action {
            ProfileAction::List { json } | ProfileAction::Show { json, .. } => *json,
            ProfileAction::Add { .. }
            | ProfileAction::Remove { .. }
            | ProfileAction::Use { .. } => false,
        }
    }
}

/// Runs `profile`.
pub fn run(global: &GlobalArgs, args: ProfileArgs) -> Outcome {
    // Profile commands name their profile themselves; --profile/AEP_S3_CONNECT_PROFILE must not
    // make them fail when it names one that does not exist yet.
    let ctx = Context::load(&GlobalArgs {
        profile: None,
        ..global.clone()
    })?;
    match args.action {
        ProfileAction::Add {
            name,
            scopes,
            client_secret_stdin,
            activate,
            from_console_json,
            client_secret_index,
        } => add(
            &ctx,
            global,
            AddArgs {
                name,
                scopes,
                client_secret_stdin,
                activate,
                from_console_json,
                client_secret_index,
            },
        ),
        ProfileAction::List { .. } => Ok(list(&ctx)),
        ProfileAction::Show { name, .. } => show(&ctx, name),
        ProfileAction::Remove { name } => remove(&ctx, &name),
        ProfileAction::Use { name } => activate(&ctx, &name),
    }
}

/// `profile use`.
fn activate(ctx: &Context, name: &str) -> Outcome {
    let mut config = ctx.config.clone();
    profiles::activate(&mut config, &ctx.paths.config_file(), name).map_err(|e| Failure::of(&e))?;
    Ok(Output::text(format_args!("Active profile: {name}\n")))
}

/// What `profile add` was given.
struct AddArgs {
    name: String,
    scopes: Option<String>,
    client_secret_stdin: bool,
    activate: bool,
    from_console_json: Option<std::path::PathBuf>,
    client_secret_index: Option<u16>,
}

/// `profile add`: the profile from the flags over the console JSON over the profile of that name
/// (if any) over the defaults, validated before stdin is read, its secret in the keyring first.
fn add(ctx: &Context, global: &GlobalArgs, args: AddArgs) -> Outcome {
    let failure = |e: ProfileError| Failure::of(&e);
    let name = args.name;
    validate::profile_name(&name).map_err(|e| failure(ProfileError::Invalid(vec![e])))?;
    let mut config = ctx.config.clone();
    let existing = config.profile(&name).cloned();
    let console = match &args.from_console_json {
        Some(path) => Some(profiles::read_console_json(path).map_err(|e| Failure::of(&e))?),
        None => None,
    };
    // The file's secret, chosen before anything is stored: of two, the user picks.
    let console_secret = match &console {
        Some(c) if !args.client_secret_stdin => Some(
            c.client_secret(args.client_secret_index.map(usize::from))
                .cloned()
                .map_err(|e| {
                    Failure::usage(format!(
                        "{e}\nhint: add --client-secret-index 1 or --client-secret-index 2 to store that one, or pipe the secret to use with --client-secret-stdin"
                    ))
                })?,
        ),
        _ => None,
    };
    let base = match &console {
        Some(c) => Some(profiles::console_profile(c, &name, existing.as_ref())),
        None => existing,
    };
    let profile = profile_from_flags(&name, global, args.scopes.as_ref(), base.as_ref())?;
    // Checked before stdin is read: a bad profile is said without waiting for input.
    profile
        .validate()
        .map_err(|e| failure(ProfileError::Invalid(e)))?;
    let secret = if args.client_secret_stdin {
        let secret = Secret::read_from(std::io::stdin().lock()).map_err(|e| {
            Failure::usage(format!("could not read the client secret from stdin: {e}"))
        })?;
        if secret.is_empty() {
            return Err(Failure::usage("stdin is empty: pipe the client secret in"));
        }
        Some(secret)
    } else {
        console_secret
    };
    let saved = profiles::save(
        &mut config,
        &ctx.paths.config_file(),
        || ctx.secrets().clone(),
        SaveProfile {
            profile,
            client_secret: secret,
            previous_name: None,
            activate: args.activate,
        },
    )
    .map_err(failure)?;
    let text = format!(
        "Saved profile {name}{}{}\n",
        if saved.stored_secret {
            " (client secret in the OS keyring)"
        } else {
            ""
        },
        if saved.active {
            "; it is the active profile"
        } else {
            ""
        }
    );
    Ok(Output::text(text).warnings(saved.warnings))
}

/// Each field from its flag, else from `base`, else its default; org and client ID have none.
fn profile_from_flags(
    name: &str,
    global: &GlobalArgs,
    scopes: Option<&String>,
    base: Option<&Profile>,
) -> Result<Profile, Failure> {
    let value = |flag: Option<&String>, old: Option<&String>, default: Option<&str>, what: &str| {
        flag.filter(|v| !v.is_empty())
            .or_else(|| old.filter(|v| !v.is_empty()))
            .cloned()
            .or_else(|| default.map(str::to_owned))
            .ok_or_else(|| Failure::usage(format!("profile add needs {what}")))
    };
    Ok(Profile {
        name: name.to_owned(),
        org_id: value(
            global.org_id.as_ref(),
            base.map(|p| &p.org_id),
            None,
            "--org-id",
        )?,
        client_id: value(
            global.client_id.as_ref(),
            base.map(|p| &p.client_id),
            None,
            "--client-id",
        )?,
        sandbox: value(
            global.sandbox(),
            base.map(|p| &p.sandbox),
            Some(DEFAULT_PRODUCTION_SANDBOX),
            "--sandbox",
        )?,
        platform_url: value(
            global.platform_url.as_ref(),
            base.map(|p| &p.platform_url),
            Some(DEFAULT_PLATFORM_URL),
            "--platform-url",
        )?,
        ims_url: value(
            global.ims_url.as_ref(),
            base.map(|p| &p.ims_url),
            Some(DEFAULT_IMS_URL),
            "--ims-url",
        )?,
        scopes: value(
            scopes,
            base.map(|p| &p.scopes),
            Some(DEFAULT_SCOPES),
            "--scopes",
        )?,
        technical_account_email: base.and_then(|p| p.technical_account_email.clone()),
    })
}

/// Whether `p`'s sandbox is production, by the sandbox list last read (`sandboxes` or the
/// window keep it), else by name.
fn kind_of(ctx: &Context, p: &Profile) -> SandboxKind {
    KnownSandboxes::load(&ctx.paths.sandboxes_file()).kind(&p.platform_url, &p.org_id, &p.sandbox)
}

/// `  [PRODUCTION]` (with how that is known) for a production sandbox, else nothing.
fn production_mark(kind: SandboxKind) -> String {
    match kind.basis {
        _ if !kind.production => String::new(),
        KindBasis::SandboxApi => "  [PRODUCTION]".to_owned(),
        KindBasis::Name => {
            "  [PRODUCTION, by its name: run `aep-s3-connect sandboxes` to ask AEP]".to_owned()
        }
    }
}

/// `profile list`.
fn list(ctx: &Context) -> Output {
    let config = &ctx.config;
    let active = config.active_profile.as_deref();
    let is_active = |p: &Profile| active == Some(p.name.as_str());
    let items: Vec<_> = config
        .profiles
        .iter()
        .map(|p| {
            json!({"name": p.name, "orgId": p.org_id, "clientId": p.client_id, "sandbox": p.sandbox,
                "platformUrl": p.platform_url, "imsUrl": p.ims_url,
                "active": is_active(p), "sandboxKind": kind_of(ctx, p)})
        })
        .collect();
    let text = fmt::from_fn(|f| {
        if config.profiles.is_empty() {
            return writeln!(f, "No profiles. Add one: {ADD_PROFILE}");
        }
        for p in &config.profiles {
            let mark = if is_active(p) { "*" } else { " " };
            writeln!(
                f,
                "{mark} {:<20} {:<40} sandbox {}{}",
                p.name,
                p.org_id,
                p.sandbox,
                production_mark(kind_of(ctx, p))
            )?;
        }
        Ok(())
    });
    Output::new(json!({ "active": active, "profiles": items }), text)
}

/// `profile show`.
fn show(ctx: &Context, name: Option<String>) -> Outcome {
    let config = &ctx.config;
    let name = name
        .or_else(|| config.active_profile.clone())
        .ok_or_else(|| Failure::usage("no active profile: name one"))?;
    let p = config
        .profile(&name)
        .ok_or_else(|| super::context::unknown_profile(&ctx.paths, &name))?;
    let secret_state = match ctx.secrets().get(&name, SecretKind::ClientSecret) {
        Ok(Some(_)) => format!("stored in {}", ctx.secrets().backend()),
        Ok(None) => "not stored".to_owned(),
        Err(e) => format!("unknown: {e}"),
    };
    let kind = kind_of(ctx, p);
    let json = json!({"name": p.name, "orgId": p.org_id, "clientId": p.client_id, "sandbox": p.sandbox,
        "platformUrl": p.platform_url, "imsUrl": p.ims_url, "scopes": p.scopes, "clientSecret": secret_state,
        "sandboxKind": kind});
    let text = fmt::from_fn(|f| {
        writeln!(f, "name:          {}", p.name)?;
        writeln!(f, "org ID:        {}", p.org_id)?;
        writeln!(f, "client ID:     {}", p.client_id)?;
        writeln!(f, "sandbox:       {}{}", p.sandbox, production_mark(kind))?;
        writeln!(f, "platform URL:  {}", p.platform_url)?;
        writeln!(f, "IMS URL:       {}", p.ims_url)?;
        writeln!(f, "scopes:        {}", p.scopes)?;
        writeln!(f, "client secret: {secret_state}")
    });
    Ok(Output::new(json, text))
}

/// `profile remove`.
fn remove(ctx: &Context, name: &str) -> Outcome {
    let mut config = ctx.config.clone();
    let warnings = profiles::remove(
        &mut config,
        &ctx.paths.config_file(),
        || ctx.secrets().clone(),
        name,
    )
    .map_err(|e| Failure::of(&e))?;
    Ok(Output::text(format_args!("Removed profile {name}\n")).warnings(warnings))
}
