//! `aep-s3-connect profile add|list|show|remove|use`.

use clap::{Args, Subcommand};
use serde_json::json;

use super::GlobalArgs;
use super::context::Context;
use super::output::{Failure, warn_all};
use crate::model::{DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES};
use crate::ops::profiles::{self, ProfileError, SaveProfile};
use crate::secret::Secret;
use crate::store::config::Profile;
use crate::store::secrets::SecretKind;
use crate::validate;

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

/// Runs `profile`.
pub fn run(global: &GlobalArgs, args: ProfileArgs) -> Result<(), Failure> {
    // Profile commands name their profile themselves; --profile/AEP_S3_CONNECT_PROFILE must not
    // make them fail when it names one that does not exist yet.
    let ctx = Context::load(&GlobalArgs {
        profile: None,
        ..global.clone()
    })?;
    let mut config = ctx.config.clone();
    let config_file = ctx.paths.config_file();
    let secrets = || ctx.secrets().clone();
    let failure = |e: ProfileError| Failure::of(&e, false);
    match args.action {
        ProfileAction::Add {
            name,
            scopes,
            client_secret_stdin,
            activate,
            from_console_json,
            client_secret_index,
        } => {
            validate::profile_name(&name).map_err(|e| failure(ProfileError::Invalid(vec![e])))?;
            let console = match &from_console_json {
                Some(path) => {
                    Some(profiles::read_console_json(path).map_err(|e| Failure::of(&e, false))?)
                }
                None => None,
            };
            // The file's secret, chosen before anything is stored: of two, the user picks.
            let console_secret = match &console {
                Some(c) if !client_secret_stdin => Some(
                    c.client_secret(client_secret_index.map(usize::from))
                        .cloned()
                        .map_err(|e| {
                            Failure::usage(format!(
                                "{e}\nhint: add --client-secret-index 1 or --client-secret-index 2 to store that one, or pipe the secret to use with --client-secret-stdin"
                            ))
                        })?,
                ),
                _ => None,
            };
            // Values from the console JSON act like a previous version of the profile: flags win.
            let existing = config.profile(&name).cloned().or_else(|| {
                console.as_ref().map(|c| Profile {
                    name: name.clone(),
                    org_id: c.org_id.clone(),
                    client_id: c.client_id.clone(),
                    sandbox: String::new(),
                    platform_url: String::new(),
                    ims_url: String::new(),
                    scopes: c.scopes.clone(),
                    technical_account_email: c.technical_account_email.clone(),
                })
            });

            let value =
                |flag: &Option<String>, old: Option<&String>, default: Option<&str>, what: &str| {
                    flag.clone()
                        .filter(|v| !v.is_empty())
                        .or_else(|| old.filter(|v| !v.is_empty()).cloned())
                        .or_else(|| default.map(str::to_owned))
                        .ok_or_else(|| Failure::usage(format!("profile add needs {what}")))
                };
            let profile = Profile {
                name: name.clone(),
                org_id: value(
                    &global.org_id,
                    existing.as_ref().map(|p| &p.org_id),
                    None,
                    "--org-id",
                )?,
                client_id: value(
                    &global.client_id,
                    existing.as_ref().map(|p| &p.client_id),
                    None,
                    "--client-id",
                )?,
                sandbox: value(
                    &global.sandbox,
                    existing.as_ref().map(|p| &p.sandbox),
                    Some("prod"),
                    "--sandbox",
                )?,
                platform_url: value(
                    &global.platform_url,
                    existing.as_ref().map(|p| &p.platform_url),
                    Some(DEFAULT_PLATFORM_URL),
                    "--platform-url",
                )?,
                ims_url: value(
                    &global.ims_url,
                    existing.as_ref().map(|p| &p.ims_url),
                    Some(DEFAULT_IMS_URL),
                    "--ims-url",
                )?,
                scopes: value(
                    &scopes,
                    existing.as_ref().map(|p| &p.scopes),
                    Some(DEFAULT_SCOPES),
                    "--scopes",
                )?,
                technical_account_email: existing
                    .as_ref()
                    .and_then(|p| p.technical_account_email.clone()),
            };
            // Checked before stdin is read: a bad profile is said without waiting for input.
            profile
                .validate()
                .map_err(|e| failure(ProfileError::Invalid(e)))?;
            // The secret goes to the keyring first: a profile saved without it would be half made.
            let secret = if client_secret_stdin {
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
                &config_file,
                secrets,
                SaveProfile {
                    profile,
                    client_secret: secret,
                    previous_name: None,
                    activate,
                },
            )
            .map_err(failure)?;
            warn_all(&saved.warnings);
            println!(
                "Saved profile {name}{}{}",
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
            Ok(())
        }
        ProfileAction::List { json } => {
            let active = config.active_profile.clone();
            if json {
                let items: Vec<_> = config
                    .profiles
                    .iter()
                    .map(|p| json!({"name": p.name, "orgId": p.org_id, "clientId": p.client_id, "sandbox": p.sandbox,
                                    "platformUrl": p.platform_url, "imsUrl": p.ims_url, "active": active.as_deref() == Some(p.name.as_str())}))
                    .collect();
                println!("{}", json!({ "active": active, "profiles": items }));
            } else if config.profiles.is_empty() {
                println!(
                    "No profiles. Add one: aep-s3-connect profile add NAME --org-id ID@AdobeOrg --client-id ID --sandbox prod --client-secret-stdin"
                );
            } else {
                for p in &config.profiles {
                    let mark = if active.as_deref() == Some(p.name.as_str()) {
                        "*"
                    } else {
                        " "
                    };
                    let prod = if p.sandbox == "prod" {
                        "  [PRODUCTION]"
                    } else {
                        ""
                    };
                    println!(
                        "{mark} {:<20} {:<40} sandbox {}{prod}",
                        p.name, p.org_id, p.sandbox
                    );
                }
            }
            Ok(())
        }
        ProfileAction::Show { name, json } => {
            let name = name
                .or_else(|| config.active_profile.clone())
                .ok_or_else(|| Failure::usage("no active profile: name one"))?;
            let p = config
                .profile(&name)
                .ok_or_else(|| Failure::usage(format!("no profile named `{name}`")))?;
            let secret_state = match ctx.secrets().get(&name, SecretKind::ClientSecret) {
                Ok(Some(_)) => format!("stored in {}", ctx.secrets().backend()),
                Ok(None) => "not stored".to_owned(),
                Err(e) => format!("unknown: {e}"),
            };
            if json {
                println!(
                    "{}",
                    json!({"name": p.name, "orgId": p.org_id, "clientId": p.client_id, "sandbox": p.sandbox,
                    "platformUrl": p.platform_url, "imsUrl": p.ims_url, "scopes": p.scopes, "clientSecret": secret_state})
                );
            } else {
                println!("name:          {}", p.name);
                println!("org ID:        {}", p.org_id);
                println!("client ID:     {}", p.client_id);
                println!(
                    "sandbox:       {}{}",
                    p.sandbox,
                    if p.sandbox == "prod" {
                        "  [PRODUCTION]"
                    } else {
                        ""
                    }
                );
                println!("platform URL:  {}", p.platform_url);
                println!("IMS URL:       {}", p.ims_url);
                println!("scopes:        {}", p.scopes);
                println!("client secret: {secret_state}");
            }
            Ok(())
        }
        ProfileAction::Remove { name } => {
            let warnings =
                profiles::remove(&mut config, &config_file, secrets, &name).map_err(failure)?;
            warn_all(&warnings);
            println!("Removed profile {name}");
            Ok(())
        }
        ProfileAction::Use { name } => {
            profiles::activate(&mut config, &config_file, &name).map_err(failure)?;
            println!("Active profile: {name}");
            Ok(())
        }
    }
}
