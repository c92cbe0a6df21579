//! The first-run screen: what the app does, where secrets go, and three ways to start.

use super::action::Action;
use super::dialogs::FileRequest;
use crate::store::secrets::KeyringStatus;

/// Shown while there is no profile. `demo`: this window is the demo; `keyring`: whether the
/// system's keyring opened (without one, the screen says what that means and what still works).
pub fn welcome_ui(
    ui: &mut egui::Ui,
    demo: bool,
    keyring: Option<&KeyringStatus>,
    actions: &mut Vec<Action>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading("Welcome to aep-s3-connect");
        ui.add_space(8.0);
        ui.label(
            "Create Adobe Experience Platform source connections for Amazon S3 in a few clicks, \
             and find every connection you made again, with its ID one click away.",
        );
        ui.label(
            "Your Adobe client secret and AWS keys are kept in the operating system's keyring, \
             never in a file.",
        );
        if let Some(KeyringStatus::Unavailable { reason, .. }) = keyring {
            ui.add_space(8.0);
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("This computer has no keyring the app can use ({reason})."),
            );
            ui.label(super::widgets::KEYRING_EXPLAINED);
        }
        ui.add_space(20.0);
        if ui.button("Import Adobe Developer Console JSON…").clicked() {
            actions.push(Action::Pick(FileRequest::ConsoleJson));
        }
        ui.add_space(6.0);
        if ui.button("Enter credentials").clicked() {
            actions.push(Action::EnterCredentials);
        }
        ui.add_space(6.0);
        if demo {
            ui.weak("This window is the demo: add a profile or use the demo profile.");
        } else if ui.button("Try the demo").clicked() {
            actions.push(Action::LaunchDemo);
        }
    });
}
