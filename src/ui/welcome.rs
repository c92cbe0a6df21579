//! The first-run screen: what the app does, where secrets go, and three ways to start.

use super::app::{AepApp, Command, Tab};
use super::dialogs::FileRequest;

/// Shown while there is no profile.
pub fn welcome_ui(app: &mut AepApp, ui: &mut egui::Ui) {
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
        ui.add_space(20.0);
        if ui.button("Import Adobe Developer Console JSON…").clicked() {
            app.push(Command::Pick(FileRequest::ConsoleJson));
        }
        ui.add_space(6.0);
        if ui.button("Enter credentials").clicked() {
            app.first_run_dismissed = true;
            app.profiles.start_new();
            app.push(Command::Tab(Tab::Profiles));
        }
        ui.add_space(6.0);
        if app.demo {
            ui.weak("This window is the demo: add a profile or use the demo profile.");
        } else if ui.button("Try the demo").clicked() {
            app.push(Command::LaunchDemo);
        }
    });
}
